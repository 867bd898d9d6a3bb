// The audit key: HMAC-SHA-256 (RFC 2104, FIPS 198-1) over each record's hash, on Web Crypto.
import { AuditError } from './errors.ts'

const encoder = new TextEncoder()
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const toHex = (bytes: ArrayBuffer) => {
  let hex = ''
  for (const byte of new Uint8Array(bytes)) hex += HEX[byte]
  return hex
}

/** What `kid` is the HMAC of (its first 16 hex digits). */
export const KID_LABEL = 'mcp-docker audit key id'

/** Shortest audit key accepted, in bytes (RFC 2104 §3: at least the hash output length). */
export const MIN_AUDIT_KEY_BYTES = 32

/** An imported audit key: what the writer seals with and a verifier holding the key checks. */
export interface AuditKey {
  /** 16 lowercase hex: HMAC of a fixed label under the key, so records name their key without revealing it. */
  readonly kid: string
  /** HMAC-SHA-256 of the ASCII text `hash` (a record's 64-hex hash), as lowercase hex. */
  mac(hash: string): string | Promise<string>
}

/**
 * Decodes key text: 64+ hex digits, or base64/base64url of at least 32 bytes (as `openssl rand
 * -base64 32` or `mcp-docker keys` print). Throws `AuditError('ERR_AUDIT_INVALID_OPTION')` naming the rule,
 * never the value.
 */
export function decodeAuditKey(text: string): Uint8Array {
  const trimmed = text.trim()
  let bytes: Uint8Array | undefined
  if (/^(?:[0-9a-fA-F]{2}){32,}$/.test(trimmed)) {
    bytes = new Uint8Array(trimmed.length / 2)
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(trimmed.slice(2 * i, 2 * i + 2), 16)
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    try {
      const b64 = trimmed.replace(/-/g, '+').replace(/_/g, '/')
      bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
    } catch {
      bytes = undefined
    }
  }
  if (!bytes || bytes.length < MIN_AUDIT_KEY_BYTES) {
    throw new AuditError(
      'ERR_AUDIT_INVALID_OPTION',
      `the audit key must be at least ${MIN_AUDIT_KEY_BYTES} random bytes, as hex or base64`,
    )
  }
  return bytes
}

/** Imports raw key bytes (≥ 32) for HMAC-SHA-256 (non-extractable). */
export async function importAuditKey(raw: Uint8Array | string): Promise<AuditKey> {
  const bytes = typeof raw === 'string' ? decodeAuditKey(raw) : raw
  if (!(bytes instanceof Uint8Array) || bytes.length < MIN_AUDIT_KEY_BYTES) {
    throw new AuditError(
      'ERR_AUDIT_INVALID_OPTION',
      `the audit key must be at least ${MIN_AUDIT_KEY_BYTES} bytes`,
    )
  }
  const key = await crypto.subtle.importKey(
    'raw',
    bytes as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const sign = async (text: string) =>
    toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(text)))
  const kid = (await sign(KID_LABEL)).slice(0, 16)
  return { kid, mac: sign }
}

/** Constant-time comparison of two equal-length lowercase hex strings. */
export function hexEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
