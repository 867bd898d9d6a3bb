// Fernet keys (FN-1): decoding and checking one key, parsing key lists from configuration,
// generating new keys.
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { FernetKeyError } from './errors.ts'

/** A Fernet key is 32 bytes: signing key (16) ‖ encryption key (16) (FN-1). */
export const FERNET_KEY_BYTES = 32

/** Why `key` is not a Fernet key, as the end of "Fernet key … must be 32 bytes of base64url, …". */
function keyProblem(key: string): { bytes: Uint8Array } | { problem: string } {
  if (typeof key !== 'string') return { problem: `got ${typeof key} instead of text` }
  const bytes = decodeBase64Url(key)
  if (bytes === undefined) {
    if (/[+/]/.test(key)) return { problem: 'got standard base64 (+ /) instead of base64url (- _)' }
    return { problem: `got ${key.length} characters that are not base64url` }
  }
  if (bytes.length !== FERNET_KEY_BYTES) return { problem: `got ${bytes.length} bytes` }
  return { bytes }
}

/**
 * The 32 bytes of a Fernet key given as base64url, padded or not (FN-1, strict per FN-6).
 * Throws `FernetKeyError` whose message names the key by `position` (e.g. "2 of 3") if given,
 * never by its value.
 */
export function decodeFernetKey(key: string, position?: string): Uint8Array {
  const result = keyProblem(key)
  if ('problem' in result) {
    const name = position === undefined ? 'Fernet key' : `Fernet key ${position}`
    throw new FernetKeyError(`${name} must be 32 bytes of base64url, ${result.problem}`)
  }
  return result.bytes
}

/** A new random key, padded base64url of 32 bytes like Python's `Fernet.generate_key()`. */
export function generateFernetKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(FERNET_KEY_BYTES))
  try {
    return encodeBase64Url(bytes)
  } finally {
    bytes.fill(0)
  }
}

/**
 * The keys in a configuration value: `FERNET_KEY` (comma-separated) or the content of a
 * `FERNET_KEY_FILE` (one key per line and/or comma-separated). Whitespace around keys, blank
 * lines, empty entries and `#` comments (to the end of the line) are ignored; order is kept,
 * so the first key is the one that encrypts. Every key is checked; a `FernetKeyError` names
 * the bad key's position (and line, for multi-line text), never its value.
 */
export function parseFernetKeys(text: string): string[] {
  if (typeof text !== 'string') throw new FernetKeyError('Fernet keys must be given as text')
  const lines = text.split(/\r\n|\r|\n/)
  const multiline = lines.length > 1
  const keys: string[] = []
  lines.forEach((line, index) => {
    const hash = line.indexOf('#')
    const content = hash < 0 ? line : line.slice(0, hash)
    for (const entry of content.split(',')) {
      const key = entry.trim()
      if (key === '') continue
      const position = `${keys.length + 1}${multiline ? ` (line ${index + 1})` : ''}`
      decodeFernetKey(key, position).fill(0)
      keys.push(key)
    }
  })
  if (keys.length === 0) {
    throw new FernetKeyError(
      'No Fernet key given: expected one or more base64url keys separated by commas or lines',
    )
  }
  return keys
}
