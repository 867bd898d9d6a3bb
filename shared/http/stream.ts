// Reads a whole body stream up to a byte limit, abandoning it as soon as it passes the limit:
// request bodies here, answers of other servers in the clients (a misdirected URL may serve
// anything, forever).

/**
 * All bytes of `body` (empty for `null`), or `undefined` when it holds more than `maxBytes`: the
 * stream is then cancelled and the caller raises its own error. Read errors propagate.
 */
export async function readStreamBounded(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  if (body === null) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  return concatBytes(chunks, total)
}

/** `chunks` joined into one array (the chunk itself when there is one); `total` is their size. */
export function concatBytes(
  chunks: readonly Uint8Array[],
  total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0),
): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
