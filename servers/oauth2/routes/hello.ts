// GET /hello: the seed's protected demo resource, behind the shared bearer middleware (RS-1..RS-6).
import { Hono } from 'hono'
import { bearerAuth, type BearerAuthEnv } from '../../../shared/http/bearer-auth.ts'
import { cachedVerifier } from '../../../shared/http/verified-token-cache.ts'
import { scopesOf } from '../../../shared/jwt/claims.ts'
import { AccessTokenError } from '../../../shared/jwt/errors.ts'
import { createAccessTokenVerifier } from '../../../shared/jwt/verify.ts'
import type { OAuth2Context } from '../context.ts'

/** The scope /hello requires (the seed's demo scope). */
export const HELLO_SCOPE = 'mcp.access'

/** The principal /hello sees. */
interface HelloPrincipal {
  clientId: string
  jti: string
  scopes: string[]
  exp: number
}

class RevokedTokenError extends Error {
  override name = 'RevokedTokenError'
}

/**
 * /hello is a resource identified by the default resource (so the seed's token request without
 * `resource` yields a token /hello accepts). Verified tokens are cached until `exp` keyed by their
 * SHA-256; the revocation denylist is checked on every request (RV-5).
 */
export function helloRoute(ctx: OAuth2Context): Hono<BearerAuthEnv<HelloPrincipal>> {
  const app = new Hono<BearerAuthEnv<HelloPrincipal>>()
  const verifier = createAccessTokenVerifier({
    issuer: ctx.config.issuer,
    audience: ctx.config.defaultResource,
    key: ctx.key,
    clockToleranceSeconds: ctx.limits.clockToleranceSeconds,
    clock: ctx.clock,
  })
  const tolerance = ctx.limits.clockToleranceSeconds
  const verified = cachedVerifier(
    async (token): Promise<HelloPrincipal> => {
      const claims = await verifier.verify(token)
      // Cached until exp + leeway: exactly as long as the verifier itself would accept it.
      return {
        clientId: claims.client_id,
        jti: claims.jti,
        scopes: scopesOf(claims),
        exp: claims.exp + tolerance,
      }
    },
    {
      maxEntries: ctx.limits.tokenCacheMaxEntries,
      clock: ctx.clock,
      ...(ctx.tokenDigest ? { digest: ctx.tokenDigest } : {}),
    },
  )
  app.use(
    '/hello',
    bearerAuth<HelloPrincipal>({
      verify: async (token) => {
        const principal = await verified(token)
        if (ctx.denylist.has(principal.jti))
          throw new RevokedTokenError('the access token was revoked')
        return principal
      },
      requiredScopes: [HELLO_SCOPE],
      realm: ctx.realm,
      describeError: (cause) =>
        cause instanceof AccessTokenError || cause instanceof RevokedTokenError
          ? cause.message
          : 'the access token is invalid or expired',
      // LOG-4: invalid_request, invalid_token and insufficient_scope are recorded; a request
      // without credentials is the normal first step of a client and is not.
      onReject: (rejection, c) => {
        if (rejection.error === undefined) return
        ctx.audit(c, 'token_rejected', {
          outcome: 'denied',
          ...(rejection.principal
            ? { client_id: rejection.principal.clientId, jti: rejection.principal.jti }
            : {}),
          detail: `hello: ${rejection.error}`,
        })
      },
    }),
  )
  app.get('/hello', (c) =>
    c.json({
      message: 'Hello from MCP OAuth2 Demo!',
      authenticated_client: c.get('auth').clientId,
      timestamp: new Date(ctx.clock()).toISOString(),
    }),
  )
  return app
}
