// Reads a JWT's header and payload WITHOUT verifying its signature: for showing a test token's
// claims to a person. Never use the result to trust a token (RFC 8725 §3.1, JW-4).
import { decodeBase64Url } from '../../shared/crypto/base64url.ts'

/** The two JSON parts of a JWS compact serialization (RFC 7515 §7.1), unverified. */
export interface UnverifiedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

/**
 * Splits `token` into header and payload and parses both, or undefined when it is not a
 * three-part JWS whose first two parts are base64url JSON objects (an opaque token, say).
 * The signature is not checked: anything here may be forged.
 */
export function decodeJwtUnverified(token: string): UnverifiedJwt | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const header = jsonObject(parts[0]!)
  const payload = jsonObject(parts[1]!)
  return header && payload ? { header, payload } : undefined
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  const bytes = part === '' ? undefined : decodeBase64Url(part)
  if (!bytes) return undefined
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
