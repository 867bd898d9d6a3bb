// Newline-delimited framing of the MCP stdio transport (MCP 2025-11-25 basic/transports, stdio:
// messages are delimited by newlines and contain none): bytes in any chunking → complete lines,
// with a cap on line length so a peer cannot make the guard buffer without bound.
import { concatBytes } from '../../shared/http/stream.ts'

/** 16 MiB: the longest line the guard relays. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024

/** How many bytes of each end of a dropped line are kept (to find its JSON-RPC id). */
const EDGE_BYTES = 512

/** A line over the cap, dropped: its size and its first and last bytes (decoded). */
export interface OversizeLine {
  /** Its length in bytes, without the newline (at least `maxLineBytes + 1`). */
  bytes: number
  /** Its first bytes. */
  head: string
  /** Its last bytes. */
  tail: string
}

export interface LineSplitterOptions {
  /** Longest line kept, in bytes, without its newline. Default: 16 MiB. */
  maxLineBytes?: number
  /** A complete line, decoded as UTF-8 (invalid bytes replaced), without `\n` or a trailing `\r`. */
  onLine: (line: string) => void
  /** A line over `maxLineBytes`: it is dropped, and reported once, when its newline arrives. */
  onOversize: (line: OversizeLine) => void
}

export interface LineSplitter {
  /** Feeds bytes; calls `onLine`/`onOversize` for every line they complete. */
  push(chunk: Uint8Array): void
  /** The input ended: a last line without a newline is delivered as a line too. */
  end(): void
}

const NEWLINE = 0x0a

export function createLineSplitter(options: LineSplitterOptions): LineSplitter {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  const decoder = new TextDecoder()
  let parts: Uint8Array[] = []
  let size = 0
  /** Set while the current line is over the cap: its head, rolling tail and size. */
  let dropping: { head: Uint8Array; tail: Uint8Array; bytes: number } | undefined

  const add = (piece: Uint8Array) => {
    if (piece.byteLength === 0) return
    if (dropping) {
      dropping.bytes += piece.byteLength
      const tail = concatBytes([dropping.tail, piece], dropping.tail.byteLength + piece.byteLength)
      dropping.tail = tail.slice(Math.max(0, tail.byteLength - EDGE_BYTES))
      return
    }
    parts.push(piece)
    size += piece.byteLength
    if (size > max) {
      const all = concatBytes(parts, size)
      dropping = {
        head: all.slice(0, EDGE_BYTES),
        tail: all.slice(Math.max(0, all.byteLength - EDGE_BYTES)),
        bytes: size,
      }
      parts = []
      size = 0
    }
  }

  const finish = () => {
    if (dropping) {
      const { head, tail, bytes } = dropping
      dropping = undefined
      options.onOversize({ bytes, head: decoder.decode(head), tail: decoder.decode(tail) })
      return
    }
    const line = decoder.decode(concatBytes(parts, size))
    parts = []
    size = 0
    options.onLine(line.endsWith('\r') ? line.slice(0, -1) : line)
  }

  return {
    push(chunk) {
      let start = 0
      for (;;) {
        const end = chunk.indexOf(NEWLINE, start)
        if (end < 0) break
        add(chunk.subarray(start, end))
        finish()
        start = end + 1
      }
      // Copy the rest: the caller may reuse its buffer.
      if (start < chunk.byteLength) add(chunk.slice(start))
    },
    end() {
      if (dropping || size > 0) finish()
    },
  }
}
