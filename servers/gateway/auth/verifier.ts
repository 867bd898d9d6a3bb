// Local access token verification for the gateway (RFC 9068 §4, JW-4..JW-9; MCP-A7 audience):
// shared/jwt's verifier with the verified-token cache in front, so a hot client costs no
// signature check per request.
import { cachedVerifier, type CachedVerifier } from '../../../shared/http/verified-token-cache.ts'
import { createAccessTokenVerifier, type VerificationKey } from '../../../shared/jwt/verify.ts'
import { principalOf, type GatewayPrincipal } from './principal.ts'

export interface TokenVerifierOptions {
  /** Exact `iss` (OAUTH2_ISSUER). */
  issuer: string
  /** This gateway's resource identifier (`<GATEWAY_PUBLIC_URL>/mcp`): `aud` must contain it. */
  audience: string
  /** HS256 secret, or the AS's JWKS / JWKS URL (ES256). */
  key: VerificationKey
  /** Allow an http JWKS URL off loopback (a private network). Default false. */
  allowInsecureJwksUrl?: boolean
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /** Synchronous SHA-256 for the cache key (the Node entry passes node:crypto's). */
  digest?: (token: string) => string | Promise<string>
  /** Most verified tokens kept. Default 10 000. */
  maxEntries?: number
}

/** Verifies a token (throws `AccessTokenError`) and returns its principal; cached until `exp`. */
export function createTokenVerifier(
  options: TokenVerifierOptions,
): CachedVerifier<GatewayPrincipal> {
  const clock = options.clock ?? Date.now
  const verifier = createAccessTokenVerifier({
    issuer: options.issuer,
    audience: options.audience,
    key: options.key,
    clock,
    ...(options.allowInsecureJwksUrl ? { allowInsecureJwksUrl: true } : {}),
  })
  return cachedVerifier(async (token) => principalOf(await verifier.verify(token)), {
    clock,
    ...(options.digest ? { digest: options.digest } : {}),
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
  })
}
