// JWT errors: one base class, stable string codes, messages that never carry a token or a secret.

/** Base class of every error this folder throws; `code` is stable and safe to branch on. */
export class JwtError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'JwtError'
    this.code = code
  }
}

/** A signing or verification key is unusable (too short, wrong curve, private part in a JWKS…). */
export class JwtKeyError extends JwtError {
  declare readonly code: 'ERR_JWT_KEY'

  constructor(message: string) {
    super('ERR_JWT_KEY', message)
    this.name = 'JwtKeyError'
  }
}

/** Issuer or verifier options are invalid (empty issuer, negative TTL, insecure JWKS URL…). */
export class JwtConfigError extends JwtError {
  declare readonly code: 'ERR_JWT_CONFIG'

  constructor(message: string) {
    super('ERR_JWT_CONFIG', message)
    this.name = 'JwtConfigError'
  }
}

/** `issue()` was called with input that cannot become a valid token (bad scope, reserved extra…). */
export class JwtIssueError extends JwtError {
  declare readonly code: 'ERR_JWT_ISSUE'

  constructor(message: string) {
    super('ERR_JWT_ISSUE', message)
    this.name = 'JwtIssueError'
  }
}

/**
 * Why an access token was refused. Every code maps to RFC 6750 §3.1 `invalid_token` at the HTTP
 * layer (RS-4, RFC 9068 §4); `ERR_JWT_KEY_UNAVAILABLE` is the one caused by our side (JWKS unreachable or
 * unusable), which the HTTP layer may log louder.
 */
export type AccessTokenErrorCode =
  /** Not a compact JWS with a JSON header and a JSON object payload (RFC 7515 §7.1, 8725 §3.7). */
  | 'ERR_JWT_MALFORMED'
  /** `alg` is not the one algorithm of the configured key: `none`, RS256, HS512… (JW-1, JW-6). */
  | 'ERR_JWT_ALG_NOT_ALLOWED'
  /** `typ` is not `at+jwt` (JW-4, RFC 8725 §3.11), or `kid`/`jku`/`x5u`/`jwk`/`x5c` (JW-8). */
  | 'ERR_JWT_HEADER_INVALID'
  /** No configured key matches the token's `kid`/`alg` (JWKS verifiers only). */
  | 'ERR_JWT_KEY_NOT_FOUND'
  /** The JWKS could not be fetched or holds no usable key. */
  | 'ERR_JWT_KEY_UNAVAILABLE'
  /** The signature does not verify with the configured key (JW-4). */
  | 'ERR_JWT_SIGNATURE_INVALID'
  /** `exp` is at or before now minus the clock tolerance (JW-9). */
  | 'ERR_JWT_EXPIRED'
  /** A claim is missing, of the wrong type or value; `claim` names it (JW-2, JW-4, JW-8, JW-9). */
  | 'ERR_JWT_CLAIM_INVALID'
  /** Any other failure while verifying; never expected, kept so `verify` only throws this class. */
  | 'ERR_JWT_INVALID'

/**
 * The only error `verify()` throws. The message is written by us from constants and claim names:
 * it never contains the token, its claims' values or a key.
 */
export class AccessTokenError extends JwtError {
  declare readonly code: AccessTokenErrorCode
  /** The claim or header parameter at fault, when there is one (`aud`, `iss`, `typ`, `kid`…). */
  readonly claim: string | undefined

  constructor(code: AccessTokenErrorCode, message: string, claim?: string) {
    super(code, message)
    this.name = 'AccessTokenError'
    this.claim = claim
  }
}
