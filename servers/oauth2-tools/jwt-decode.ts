// Reads a JWT's header and payload WITHOUT verifying its signature (jose's decodeJwt and
// decodeProtectedHeader): for showing a test token's claims to a person. Never use the result to
// trust a token (RFC 8725 §3.1, JW-4).
import { decodeJwt, decodeProtectedHeader } from 'jose'

/** The two JSON parts of a JWS compact serialization (RFC 7515 §7.1), unverified. */
export interface UnverifiedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

/**
 * Header and payload of `token`, or undefined when it is not a three-part JWS whose first two
 * parts are base64url JSON objects (an opaque token, say). Anything here may be forged.
 */
export function decodeJwtUnverified(token: string): UnverifiedJwt | undefined {
  try {
    const payload = decodeJwt(token) // throws unless 3 parts with a JSON object payload
    return { header: { ...decodeProtectedHeader(token) }, payload: { ...payload } }
  } catch {
    return undefined
  }
}
