// Client secrets: generation, SHA-256 hashing (`sha256:<hex>`) and constant-time comparison (OA-11).
//
// Generated secrets carry 256 random bits, so a single SHA-256 is a sound verifier for them (no
// dictionary to search). Human-chosen secrets would need a slow KDF; the only one this project
// knows is the development demo secret, which production refuses to start with.

/** Bytes of randomness in a generated client secret. */
export const CLIENT_SECRET_BYTES = 32

/** Prefix of a stored secret hash; the algorithm is named so another can be added later. */
export const SHA256_PREFIX = 'sha256:'
/** `sha256:` + 64 lowercase hex digits. */
export const SECRET_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/

const toHex = (bytes: Uint8Array): string => {
  let out = ''
  for (const byte of bytes) out += (byte < 16 ? '0' : '') + byte.toString(16)
  return out
}

const base64url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A fresh client secret: 32 random bytes as base64url (43 characters, no `+`, `/`, `=` or `%`). */
export function generateClientSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(CLIENT_SECRET_BYTES)))
}

/** SHA-256 of the secret's UTF-8 bytes. */
export async function secretDigest(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)))
}

/** The stored form of a secret: `sha256:<64 hex>`. */
export async function hashClientSecret(secret: string): Promise<string> {
  return SHA256_PREFIX + toHex(await secretDigest(secret))
}

/** The 32 digest bytes of a stored hash; throws on a malformed hash. */
export function digestOfHash(hash: string): Uint8Array {
  if (!SECRET_HASH_PATTERN.test(hash)) throw new TypeError('secret hash must be sha256:<64 hex>')
  const hex = hash.slice(SHA256_PREFIX.length)
  const bytes = new Uint8Array(32)
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/**
 * Compares two byte strings in time that depends only on their length (OA-11). Callers compare
 * fixed-length digests, so the length itself reveals nothing.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  let diff = 0
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/** True when `secret` hashes to `digest` (the 32 bytes of a stored hash), in constant time. */
export async function secretMatches(secret: string, digest: Uint8Array): Promise<boolean> {
  return timingSafeEqual(await secretDigest(secret), digest)
}
