// The caller as the gateway knows it once its token verified: client id, token id, scopes and
// expiry, and the AuthInfo handed to the MCP layer (never carrying the token: MCP-A8, LOG-1).
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { BearerPrincipal } from '../../../shared/http/bearer-auth.ts'
import { scopesOf, type AccessTokenClaims } from '../../../shared/jwt/claims.ts'

/** A verified access token's principal (`c.get('auth')` on /mcp). */
export interface GatewayPrincipal extends BearerPrincipal {
  /** `client_id` claim (RFC 9068 §2.2). */
  readonly clientId: string
  /** `jti` claim: the token id recorded in audit records and used for revocation checks. */
  readonly jti: string
  /** `exp` claim, seconds since the epoch (the verified-token cache keeps it until then). */
  readonly exp: number
  /** Granted scopes, without duplicates. */
  readonly scopes: readonly string[]
  /** The same identity as the SDK's AuthInfo, made once per token. */
  readonly authInfo: AuthInfo
}

/** The principal of verified claims. Its `authInfo.token` is '' (the token stays in the HTTP layer). */
export function principalOf(claims: AccessTokenClaims): GatewayPrincipal {
  const scopes = Object.freeze(scopesOf(claims))
  return Object.freeze({
    clientId: claims.client_id,
    jti: claims.jti,
    exp: claims.exp,
    scopes,
    authInfo: Object.freeze({
      token: '',
      clientId: claims.client_id,
      scopes: [...scopes],
      expiresAt: claims.exp,
      extra: { jti: claims.jti },
    }),
  })
}

/** True when `granted` holds every scope of `needed`. */
export function hasScopes(granted: readonly string[], needed: readonly string[]): boolean {
  for (const scope of needed) if (!granted.includes(scope)) return false
  return true
}
