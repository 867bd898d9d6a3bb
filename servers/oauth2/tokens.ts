// Verifies tokens this server issued, whatever their audience (introspection and revocation).
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../../shared/jwt/verify.ts'
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

/** The `aud` values of a compact JWT's payload, read WITHOUT verifying (to pick the verifier). */
function unverifiedAudiences(token: string): string[] {
  const payload = token.split('.')[1]
  if (payload === undefined || payload.length > 16384) return []
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const aud: unknown = JSON.parse(json)?.aud
    if (typeof aud === 'string') return [aud]
    if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string')
  } catch {
    // not a JWT: no audience
  }
  return []
}

/**
 * One verifier per audience we issue for (shared/jwt verifies one audience each); a token is
 * verified by the verifier of an audience it names, with every RFC 9068 §4 check (JW-4).
 */
export function createTokenInspector(options: TokenInspectorOptions): TokenInspector {
  const verifiers = new Map<string, AccessTokenVerifier>()
  for (const audience of new Set(options.audiences)) {
    verifiers.set(
      audience,
      createAccessTokenVerifier({
        issuer: options.issuer,
        audience,
        key: options.key,
        clockToleranceSeconds: options.clockToleranceSeconds,
        clock: options.clock,
      }),
    )
  }
  return {
    async inspect(token) {
      for (const audience of unverifiedAudiences(token)) {
        const verifier = verifiers.get(audience)
        if (verifier === undefined) continue
        try {
          return await verifier.verify(token)
        } catch {
          return undefined
        }
      }
      return undefined
    },
  }
}
