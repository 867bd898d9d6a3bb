// Verifies tokens this server issued, whatever their audience (introspection and revocation).
import { createAccessTokenVerifier } from '../../shared/jwt/verify.ts'
import type { AccessTokenClaims } from '../../shared/jwt/claims.ts'
import type { SigningKey } from '../../shared/jwt/keys.ts'

export interface TokenInspectorOptions {
  /** Our issuer identifier (exact `iss`). */
  issuer: string
  /** Our signing key; for ES256 its public half verifies. */
  key: SigningKey
  /** Every audience we issue tokens for (the default resource and the clients' audiences). */
  audiences: readonly string[]
  /** Leeway for exp/nbf in seconds (JW-9). */
  clockToleranceSeconds: number
  /** Current time in milliseconds. */
  clock: () => number
}

export interface TokenInspector {
  /** The claims when the token is one of ours and valid now (not checking revocation); else undefined. */
  inspect(token: string): Promise<AccessTokenClaims | undefined>
}

/**
 * One verifier for every audience we issue for (jose's multi-audience `jwtVerify`: `aud` must
 * name at least one of them), with every RFC 9068 §4 check (JW-4). Any failure is undefined:
 * introspection answers `{"active": false}` and revocation 200 without telling why.
 */
export function createTokenInspector(options: TokenInspectorOptions): TokenInspector {
  const verifier = createAccessTokenVerifier({
    issuer: options.issuer,
    audience: [...new Set(options.audiences)],
    key: options.key,
    clockToleranceSeconds: options.clockToleranceSeconds,
    clock: options.clock,
  })
  return {
    async inspect(token) {
      try {
        return await verifier.verify(token)
      } catch {
        return undefined
      }
    },
  }
}
