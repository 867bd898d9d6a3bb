// Access token issuance: RFC 9068 §2 JWTs signed with one configured key (HS256 or ES256).
import { SignJWT, base64url } from 'jose'
import type { CryptoKey } from 'jose'
import { RESERVED_CLAIMS, isScopeToken, parseScope } from './claims.ts'
import type { AccessTokenClaims } from './claims.ts'
import { JwtConfigError, JwtIssueError, JwtKeyError } from './errors.ts'
import { hs256Key } from './keys.ts'
import type { SigningKey } from './keys.ts'

/** Options of `createAccessTokenIssuer`, checked once at construction. */
export interface IssueOptions {
  /** Issuer identifier put in `iss`; resource servers compare it exactly (JW-4, MD-2). */
  issuer: string
  /** The one key tokens are signed with; its variant fixes `alg` (JW-6). */
  key: SigningKey
  /** Token lifetime in seconds, a positive integer. Default 1800 (30 minutes). */
  ttlSeconds?: number
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number
}

/** What `issue()` needs to know about one grant. */
export interface IssueInput {
  /** The authenticated client; becomes both `sub` and `client_id` (RFC 9068 §2.2). */
  clientId: string
  /** The one resource the token is for, put in `aud` as a string (RFC 9068 §3, JW-3). */
  audience: string
  /** Granted scope tokens, as an array or a space-separated string; omitted from the token when empty. */
  scope?: string[] | string
  /** Additional claims; may not name a reserved claim (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`, `client_id`, `scope`). */
  extra?: Record<string, unknown>
}

/** A signed token, its claims, and its lifetime for the token response's `expires_in`. */
export interface IssuedToken {
  token: string
  claims: AccessTokenClaims
  /** Seconds until `exp`, i.e. the configured TTL (RFC 6749 §5.1 `expires_in`). */
  expiresIn: number
}

export interface AccessTokenIssuer {
  issue(input: IssueInput): Promise<IssuedToken>
}

/** RFC 9068 §2.1: "using the media type application/at+jwt … the 'typ' value used SHOULD be 'at+jwt'". */
export const ACCESS_TOKEN_TYP = 'at+jwt'
const DEFAULT_TTL_SECONDS = 1800
/** 16 bytes = 128 bits of randomness per `jti` (RFC 7519 §4.1.7: collision probability negligible). */
const JTI_BYTES = 16

/** A fresh random token id: 128 bits, base64url (22 characters). */
export function generateJti(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(JTI_BYTES)))
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== ''

function checkScope(scope: string[] | string | undefined): string | undefined {
  if (scope === undefined) return undefined
  const tokens = typeof scope === 'string' ? parseScope(scope) : scope
  if (!Array.isArray(tokens))
    throw new JwtIssueError('scope must be a string or an array of strings')
  for (const token of tokens)
    if (typeof token !== 'string' || !isScopeToken(token))
      throw new JwtIssueError('scope tokens must match RFC 6749 §3.3 scope-token syntax')
  const unique = [...new Set(tokens)]
  return unique.length > 0 ? unique.join(' ') : undefined
}

function checkExtra(extra: Record<string, unknown> | undefined): Array<[string, unknown]> {
  if (extra === undefined) return []
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
    throw new JwtIssueError('extra claims must be a plain object')
  const entries = Object.entries(extra).filter(([, value]) => value !== undefined)
  for (const [name] of entries)
    if (RESERVED_CLAIMS.has(name) || name === '__proto__')
      throw new JwtIssueError(`extra claim "${name}" is reserved and set by the issuer only`)
  return entries
}

async function signingKeyOf(key: SigningKey): Promise<CryptoKey> {
  if (key.alg === 'HS256') {
    // Re-checks the 32-byte minimum even for a hand-built object (JW-7).
    const { secret } = hs256Key(key.secret) as { secret: Uint8Array }
    const hmac = { name: 'HMAC', hash: 'SHA-256' }
    return (await crypto.subtle.importKey('raw', secret, hmac, false, ['sign'])) as CryptoKey
  }
  return key.privateKey
}

/**
 * Creates the issuer the OAuth2 server's token endpoint uses. Every token carries header
 * `typ: at+jwt`, `alg` (and `kid` for ES256) and claims iss, sub = client_id, client_id, aud,
 * scope (when not empty), iat, exp, jti (RFC 9068 §2.1–§2.2, JW-1, JW-2).
 */
export function createAccessTokenIssuer(options: IssueOptions): AccessTokenIssuer {
  const { issuer, key, ttlSeconds = DEFAULT_TTL_SECONDS, clock = Date.now } = options
  if (!nonEmpty(issuer)) throw new JwtConfigError('issuer must be a non-empty string')
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new JwtConfigError('ttlSeconds must be a positive integer')
  if (typeof clock !== 'function') throw new JwtConfigError('clock must be a function')
  if (key?.alg === 'ES256') {
    const algorithm = key.privateKey?.algorithm as
      { name?: string; namedCurve?: string } | undefined
    if (
      key.privateKey?.type !== 'private' ||
      algorithm?.name !== 'ECDSA' ||
      algorithm.namedCurve !== 'P-256'
    )
      throw new JwtKeyError('ES256 signing key must be a P-256 ECDSA private CryptoKey')
    if (!nonEmpty(key.kid)) throw new JwtKeyError('ES256 signing key needs a kid')
  } else if (key?.alg !== 'HS256') throw new JwtKeyError('signing key must be HS256 or ES256')
  const header =
    key.alg === 'ES256'
      ? { alg: key.alg, typ: ACCESS_TOKEN_TYP, kid: key.kid }
      : { alg: key.alg, typ: ACCESS_TOKEN_TYP }
  // Validate an HS256 secret now (throws synchronously), import it once, lazily.
  if (key.alg === 'HS256') hs256Key(key.secret)
  let cryptoKey: Promise<CryptoKey> | undefined

  return {
    async issue(input) {
      if (!nonEmpty(input?.clientId)) throw new JwtIssueError('clientId must be a non-empty string')
      if (!nonEmpty(input.audience)) throw new JwtIssueError('audience must be a non-empty string')
      const scope = checkScope(input.scope)
      const extra = checkExtra(input.extra)
      const now = clock()
      if (!Number.isFinite(now)) throw new JwtConfigError('clock returned a non-finite time')
      const iat = Math.floor(now / 1000)
      const claims: AccessTokenClaims = {
        iss: issuer,
        sub: input.clientId,
        aud: input.audience,
        exp: iat + ttlSeconds,
        iat,
        jti: generateJti(),
        client_id: input.clientId,
      }
      if (scope !== undefined) claims.scope = scope
      for (const [name, value] of extra) claims[name] = value
      let payload: AccessTokenClaims = claims
      if (extra.length > 0) {
        try {
          payload = JSON.parse(JSON.stringify(claims)) as AccessTokenClaims
        } catch {
          throw new JwtIssueError('extra claims must be JSON-serialisable')
        }
      }
      cryptoKey ??= signingKeyOf(key)
      const token = await new SignJWT(payload).setProtectedHeader(header).sign(await cryptoKey)
      return { token, claims: payload, expiresIn: ttlSeconds }
    },
  }
}
