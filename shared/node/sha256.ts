// Synchronous SHA-256 from node:crypto for hot paths (Node's crypto.subtle.digest is far slower per call).
import { createHash } from 'node:crypto'

/** SHA-256 of the UTF-8 bytes of `text` (for `createClientStore({ digest })`). */
export function sha256Bytes(text: string): Uint8Array {
  const digest = createHash('sha256').update(text, 'utf8').digest()
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
}

/** SHA-256 of the UTF-8 bytes of `text` as lowercase hex (for `cachedVerifier({ digest })`). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
