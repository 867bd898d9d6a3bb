// Access token claims (RFC 9068 §2.2): their type, the reserved names, and scope parsing.

/** Claims of a JWT access token as issued and as returned by `verify()` (RFC 9068 §2.2, JW-2). */
export interface AccessTokenClaims {
  /** Issuer identifier of the authorization server; compared exactly (JW-4). */
  iss: string
  /** Subject; for client credentials the client id (RFC 9068 §2.2). */
  sub: string
  /** Audience: the resource indicator; we issue one string, verifiers accept arrays (any-of). */
  aud: string | string[]
  /** Expiry, seconds since the epoch (RFC 7519 §4.1.4). */
  exp: number
  /** Issued at, seconds since the epoch (RFC 7519 §4.1.6). */
  iat: number
  /** Unique token id, ≥ 128 random bits, base64url (RFC 7519 §4.1.7). */
  jti: string
  /** The OAuth client the token was issued to (RFC 8693 §4.3). */
  client_id: string
  /** Space-separated scope tokens (RFC 8693 §4.2); absent when no scope was granted. */
  scope?: string
  [claim: string]: unknown
}

/**
 * Claims only the issuer sets: registered JWT claims (RFC 7519 §4.1) and RFC 9068 §2.2's
 * `client_id` and `scope`. `extra` input may not name them.
 */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'client_id',
  'scope',
])

/** Claims every access token must carry (RFC 9068 §2.2, JW-2). */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'] as const

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export const SCOPE_TOKEN_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** True when `token` is one valid RFC 6749 §3.3 scope token. */
export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN_PATTERN.test(token)
}

/** Splits a space-separated scope string into its tokens, ignoring repeated spaces. */
export function parseScope(scope: string): string[] {
  return scope.split(' ').filter((s) => s !== '')
}

/** The scope tokens a token grants, in order, without duplicates; `[]` when it has no scope. */
export function scopesOf(claims: Pick<AccessTokenClaims, 'scope'>): string[] {
  return typeof claims.scope === 'string' ? [...new Set(parseScope(claims.scope))] : []
}
