// Reads a file's lines from the end backwards in fixed-size chunks (audit tail and newest-first reads).
import type { FileHandle } from 'node:fs/promises'

/** Chunk size of backward reads. */
export const TAIL_CHUNK_BYTES = 64 * 1024
const LF = 0x0a
const decoder = new TextDecoder()
/**
 * Yields the lines of the first `size` bytes of `handle` from the last to the first, without
 * their `\n`. The first value is the text after the last `\n`: `''` when the file ends with a
 * newline, else a line cut short (or complete but unterminated). Splits on the byte 0x0A, which
 * never occurs inside a multi-byte UTF-8 sequence, so decoding per line is safe. Reads only as
 * many chunks as the caller consumes.
 */
export async function* linesBackward(
  handle: FileHandle,
  size: number,
  chunkBytes = TAIL_CHUNK_BYTES,
): AsyncGenerator<string> {
  let position = size
  let rest = new Uint8Array(0)
  while (position > 0) {
    const length = Math.min(chunkBytes, position)
    position -= length
    const chunk = new Uint8Array(length + rest.length)
    const { bytesRead } = await handle.read(chunk, 0, length, position)
    if (bytesRead !== length) throw new Error('file shrank while being read')
    chunk.set(rest, length)
    let end = chunk.length
    for (
      let i = chunk.lastIndexOf(LF, end - 1);
      i !== -1;
      i = i > 0 ? chunk.lastIndexOf(LF, i - 1) : -1
    ) {
      yield decoder.decode(chunk.subarray(i + 1, end))
      end = i
    }
    rest = chunk.slice(0, end)
  }
  yield decoder.decode(rest)
}
