// Access token verification: RFC 9068 §4 and RFC 8725 checks through jose, one error class out.
// Documented deviation (JW-5): RFC 9068 §2.1 asks for RS256 support; we accept HS256 (default) and
// ES256 (the asymmetric production option) only, each key bound to its one algorithm (JW-6).
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  importJWK,
  jwtVerify,
} from 'jose'
import type { CryptoKey, JWTVerifyGetKey, JWTVerifyOptions, ProtectedHeaderParameters } from 'jose'
import { REQUIRED_CLAIMS, isScopeToken, parseScope } from './claims.ts'
import type { AccessTokenClaims } from './claims.ts'
import { AccessTokenError, JwtConfigError, JwtKeyError } from './errors.ts'
import { ACCESS_TOKEN_TYP } from './issue.ts'
import { hs256Key } from './keys.ts'
import { isLoopback } from '../http/loopback.ts'
import type { JsonWebKey, SigningKey } from './keys.ts'

/** Where the verifier gets its key; the choice fixes the one accepted algorithm (JW-6). */
export type VerificationKey =
  /** The AS's own key (HS256 secret, or an ES256 pair whose public half is used). */
  | SigningKey
  /** An HS256 secret as text (UTF-8 bytes) or bytes, at least 32 bytes (JW-7). */
  | { alg: 'HS256'; secret: string | Uint8Array }
  /** A JWKS document with the AS's ES256 public keys; keys are picked by `kid` among these only. */
  | { jwks: { keys: JsonWebKey[] } }
  /** The AS's `jwks_uri`, fetched with `fetch` and cached per jose defaults (ES256 only). */
  | { jwksUrl: string | URL }

/** Options of `createAccessTokenVerifier`, checked once at construction. */
export interface VerifyOptions {
  /** Expected `iss`, compared exactly (RFC 9068 §4, JW-4). */
  issuer: string
  /**
   * This resource server's identifier; `aud` must be it or an array containing it (JW-4, JW-8).
   * Several identifiers (the authorization server inspecting the tokens it issued for each of
   * its resources): `aud` must name at least one of them (jose's multi-audience check).
   */
  audience: string | readonly string[]
  /** Verification key; HS256 secret, local key/JWKS or remote JWKS URL (ES256). */
  key: VerificationKey
  /** Leeway for `exp`, `nbf` and future `iat`, in seconds, 0–300 (JW-9). Default 30. */
  clockToleranceSeconds?: number
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number
  /**
   * Allow an `http:` JWKS URL on a non-loopback host (e.g. a private Docker network). Default
   * false: `https:` is required except for localhost, 127.0.0.1 and [::1].
   */
  allowInsecureJwksUrl?: boolean
}

export interface AccessTokenVerifier {
  /** Resolves with the token's claims, or rejects with an `AccessTokenError` (never anything else). */
  verify(token: string): Promise<AccessTokenClaims>
}

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30
/** RFC 7519 §4.1.4: leeway "usually no more than a few minutes". */
const MAX_CLOCK_TOLERANCE_SECONDS = 300
/** Longer input is refused before any parsing (access tokens are well under a header line). */
export const MAX_TOKEN_LENGTH = 16384
/** Header and payload non-empty; the signature may be empty so `alg: none` reaches the alg check. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
/** RFC 8725 §3.10: header parameters that would let the token choose or carry its own key. */
const KEY_STEERING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const

const fail = (code: AccessTokenError['code'], message: string, claim?: string) =>
  new AccessTokenError(code, message, claim)

/** An attacker-chosen `alg` is echoed only when it looks like an algorithm name. */
const describeAlg = (alg: unknown) =>
  typeof alg === 'string' && /^[A-Za-z0-9+-]{1,16}$/.test(alg) ? `"${alg}"` : '(unrecognised)'

/** Claim names reach messages only when they look like claim names we could have asked about. */
const safeName = (name: unknown) =>
  typeof name === 'string' && /^[a-z_]{1,32}$/.test(name) ? name : undefined

/** Turns a key-resolution failure (JWKS lookup or fetch) into our error. */
function keyError(error: unknown): AccessTokenError {
  if (error instanceof AccessTokenError) return error
  if (error instanceof errors.JWKSNoMatchingKey)
    return fail(
      'ERR_JWT_KEY_NOT_FOUND',
      'no configured key matches the token "kid" and "alg"',
      'kid',
    )
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return fail(
      'ERR_JWT_KEY_NOT_FOUND',
      'several configured keys match; the token must name one by "kid"',
      'kid',
    )
  return fail(
    'ERR_JWT_KEY_UNAVAILABLE',
    'the JSON Web Key Set could not be loaded or has no usable key',
  )
}

/** Maps jose's errors to stable codes with messages we wrote (never jose's, never the token). */
function joseError(error: unknown): AccessTokenError {
  if (error instanceof AccessTokenError) return error
  if (error instanceof errors.JWTExpired)
    return fail('ERR_JWT_EXPIRED', 'token has expired (exp)', 'exp')
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = safeName(error.claim)
    if (claim === 'typ')
      return fail(
        'ERR_JWT_HEADER_INVALID',
        `header "typ" must be "${ACCESS_TOKEN_TYP}" (RFC 9068 §4)`,
        'typ',
      )
    if (error.reason === 'missing')
      return fail('ERR_JWT_CLAIM_INVALID', `missing required claim "${claim}"`, claim)
    if (claim === 'nbf') return fail('ERR_JWT_CLAIM_INVALID', 'token is not valid yet (nbf)', claim)
    if (error.reason === 'invalid')
      return fail('ERR_JWT_CLAIM_INVALID', `claim "${claim}" has the wrong type`, claim)
    return fail('ERR_JWT_CLAIM_INVALID', `claim "${claim}" does not have the expected value`, claim)
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return fail('ERR_JWT_ALG_NOT_ALLOWED', 'token algorithm is not allowed', 'alg')
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return fail('ERR_JWT_SIGNATURE_INVALID', 'token signature is invalid')
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  )
    return fail('ERR_JWT_MALFORMED', 'token is not a well-formed signed JWT')
  return fail('ERR_JWT_INVALID', 'token could not be verified')
}

interface ResolvedKey {
  /** The one algorithm the key is used with (RFC 8725 §3.1). */
  alg: 'HS256' | 'ES256'
  /** For a single local key: its kid (undefined for HS256, which has none). */
  kid?: string
  /** True when `kid` selects among several keys (JWKS); false for a single configured key. */
  selectsByKid: boolean
  /** Resolver over several keys (JWKS), or… */
  getKey?: JWTVerifyGetKey
  /** …the one key, imported once on first use. */
  cryptoKey?: () => Promise<CryptoKey>
}

function checkJwks(jwks: { keys: JsonWebKey[] }): JsonWebKey[] {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys))
    throw new JwtKeyError('JWKS must be an object with a "keys" array')
  for (const jwk of jwks.keys)
    if (typeof jwk !== 'object' || jwk === null || 'd' in jwk || 'k' in jwk)
      throw new JwtKeyError('JWKS must hold public keys only')
  const usable = jwks.keys.filter(
    (jwk) =>
      jwk.kty === 'EC' &&
      jwk.crv === 'P-256' &&
      (jwk.alg === undefined || jwk.alg === 'ES256') &&
      (jwk.use === undefined || jwk.use === 'sig') &&
      typeof jwk.x === 'string' &&
      typeof jwk.y === 'string',
  )
  if (usable.length === 0) throw new JwtKeyError('JWKS has no ES256 (EC P-256, use sig) key')
  return usable
}

function jwksUrlOf(url: string | URL, allowInsecure: boolean): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new JwtConfigError('jwksUrl must be an absolute URL')
  }
  const loopback = isLoopback(parsed.hostname)
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && (loopback || allowInsecure)))
    throw new JwtConfigError('jwksUrl must use https: (http: only on loopback or when allowed)')
  return parsed
}

/** Wraps a JWKS resolver so lookup and fetch failures become AccessTokenErrors. */
const guarded =
  (resolve: JWTVerifyGetKey): JWTVerifyGetKey =>
  async (header, token) => {
    try {
      return await resolve(header, token)
    } catch (error) {
      throw keyError(error)
    }
  }

function resolveKey(key: VerificationKey, allowInsecure: boolean): ResolvedKey {
  if (typeof key !== 'object' || key === null)
    throw new JwtKeyError('a verification key is required')
  if ('jwksUrl' in key) {
    const remote = createRemoteJWKSet(jwksUrlOf(key.jwksUrl, allowInsecure))
    return { alg: 'ES256', selectsByKid: true, getKey: guarded(remote) }
  }
  if ('jwks' in key) {
    let local: JWTVerifyGetKey
    try {
      local = createLocalJWKSet({ keys: checkJwks(key.jwks) })
    } catch (error) {
      if (error instanceof JwtKeyError) throw error
      throw new JwtKeyError('JWKS is malformed')
    }
    return { alg: 'ES256', selectsByKid: true, getKey: guarded(local) }
  }
  if (key.alg === 'HS256') {
    const { secret } = hs256Key(key.secret) as { secret: Uint8Array }
    let imported: Promise<CryptoKey> | undefined
    const hmac = { name: 'HMAC', hash: 'SHA-256' }
    return {
      alg: 'HS256',
      selectsByKid: false,
      cryptoKey: () =>
        (imported ??= crypto.subtle.importKey('raw', secret, hmac, false, [
          'verify',
        ]) as Promise<CryptoKey>),
    }
  }
  if (key.alg === 'ES256') {
    const { kid, publicJwk } = key
    checkJwks({ keys: [publicJwk] })
    const { kty, crv, x, y } = publicJwk
    let imported: Promise<CryptoKey> | undefined
    return {
      alg: 'ES256',
      kid,
      selectsByKid: false,
      cryptoKey: () => (imported ??= importJWK({ kty, crv, x, y }, 'ES256') as Promise<CryptoKey>),
    }
  }
  throw new JwtKeyError('verification key must be HS256, ES256, a JWKS or a JWKS URL')
}

/** Header checks made before any key is touched: JW-1/JW-6 alg, JW-8 kid/jku/x5u/jwk/x5c. */
function checkHeader(header: ProtectedHeaderParameters, resolved: ResolvedKey): void {
  if (header.alg !== resolved.alg)
    throw fail(
      'ERR_JWT_ALG_NOT_ALLOWED',
      `algorithm ${describeAlg(header.alg)} is not allowed; this verifier accepts ${resolved.alg} only`,
      'alg',
    )
  for (const name of KEY_STEERING_HEADERS)
    if (Object.hasOwn(header, name))
      throw fail(
        'ERR_JWT_HEADER_INVALID',
        `header "${name}" is not accepted: keys come from configuration only (RFC 8725 §3.10)`,
        name,
      )
  if (!Object.hasOwn(header, 'kid')) return
  const kid: unknown = header.kid
  if (typeof kid !== 'string' || kid === '' || kid.length > 256)
    throw fail('ERR_JWT_HEADER_INVALID', 'header "kid" must be a short non-empty string', 'kid')
  if (!resolved.selectsByKid && kid !== resolved.kid)
    throw fail('ERR_JWT_KEY_NOT_FOUND', 'no configured key has the token "kid"', 'kid')
}

const nonEmpty = (value: unknown) => typeof value === 'string' && value !== ''

/** Type checks jose leaves to us (it checks presence, iss/aud values and the time claims). */
function checkClaims(claims: Record<string, unknown>, nowSeconds: number, tolerance: number) {
  for (const claim of ['sub', 'client_id', 'jti'] as const)
    if (!nonEmpty(claims[claim]))
      throw fail('ERR_JWT_CLAIM_INVALID', `claim "${claim}" must be a non-empty string`, claim)
  const { aud, scope, iat } = claims
  if (Array.isArray(aud) && !aud.every((a) => typeof a === 'string'))
    throw fail(
      'ERR_JWT_CLAIM_INVALID',
      'claim "aud" must be a string or an array of strings',
      'aud',
    )
  if (typeof iat === 'number' && iat > nowSeconds + tolerance)
    throw fail('ERR_JWT_CLAIM_INVALID', 'claim "iat" is in the future', 'iat')
  if (scope !== undefined && (typeof scope !== 'string' || !parseScope(scope).every(isScopeToken)))
    throw fail(
      'ERR_JWT_CLAIM_INVALID',
      'claim "scope" must be a space-separated scope string',
      'scope',
    )
}

/**
 * Creates the verifier resource servers (the gateway, `/hello`, introspection) use. Checks, in
 * order: compact JWS shape; `alg` is the key's one algorithm (rejects `none`, RS256, HS512: JW-6);
 * no `jku`/`x5u`/`jwk`/`x5c`, `kid` only selects among configured keys (JW-8); signature (JW-4);
 * `typ` is `at+jwt` or `application/at+jwt` (JW-4); required claims iss, sub, aud, exp, iat, jti,
 * client_id (JW-2); `iss` exact; `aud` contains `audience` (or one of them); `exp`/`nbf` with leeway (JW-9);
 * claim types. Every failure is an `AccessTokenError` (RS-4 → `invalid_token`).
 */
export function createAccessTokenVerifier(options: VerifyOptions): AccessTokenVerifier {
  const {
    issuer,
    audience,
    clockToleranceSeconds = DEFAULT_CLOCK_TOLERANCE_SECONDS,
    clock = Date.now,
    allowInsecureJwksUrl = false,
  } = options
  if (!nonEmpty(issuer)) throw new JwtConfigError('issuer must be a non-empty string')
  const audiences = typeof audience === 'string' ? [audience] : [...(audience ?? [])]
  if (audiences.length === 0 || !audiences.every(nonEmpty))
    throw new JwtConfigError('audience must be a non-empty string or a list of them')
  if (
    typeof clockToleranceSeconds !== 'number' ||
    !Number.isFinite(clockToleranceSeconds) ||
    clockToleranceSeconds < 0 ||
    clockToleranceSeconds > MAX_CLOCK_TOLERANCE_SECONDS
  )
    throw new JwtConfigError(
      `clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`,
    )
  if (typeof clock !== 'function') throw new JwtConfigError('clock must be a function')
  const resolved = resolveKey(options.key, allowInsecureJwksUrl)
  const algorithms = [resolved.alg]
  const requiredClaims = [...REQUIRED_CLAIMS]

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token))
        throw fail('ERR_JWT_MALFORMED', 'token is not a compact JWS (three base64url parts)')
      let header: ProtectedHeaderParameters
      try {
        header = decodeProtectedHeader(token)
      } catch {
        throw fail('ERR_JWT_MALFORMED', 'token header is not a base64url JSON object')
      }
      checkHeader(header, resolved)
      const now = clock()
      const nowSeconds = Math.floor(now / 1000)
      let payload: Record<string, unknown>
      try {
        const checks: JWTVerifyOptions = {
          algorithms,
          issuer,
          audience: audiences,
          typ: ACCESS_TOKEN_TYP,
          requiredClaims,
          clockTolerance: clockToleranceSeconds,
          currentDate: new Date(now),
        }
        const result = resolved.getKey
          ? await jwtVerify<Record<string, unknown>>(token, resolved.getKey, checks)
          : await jwtVerify<Record<string, unknown>>(token, await resolved.cryptoKey!(), checks)
        payload = result.payload
      } catch (error) {
        throw joseError(error)
      }
      checkClaims(payload, nowSeconds, clockToleranceSeconds)
      return payload as AccessTokenClaims
    },
  }
}
