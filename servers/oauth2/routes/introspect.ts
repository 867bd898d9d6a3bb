// POST /oauth2/introspect: token introspection for authenticated clients (RFC 7662; IN-1..IN-6).
import { Hono } from 'hono'
import { readForm } from '../../../shared/http/form.ts'
import { noStoreJson, OAuthError } from '../../../shared/http/oauth-error.ts'
import type { OAuth2Context } from '../context.ts'

export const INTROSPECT_PATH = '/oauth2/introspect'

/**
 * IN-6 decision (RFC 7662 §4, "whether the token can be used at the resource server making the
 * call"): a caller sees `active: true` only for a valid, unrevoked token of ours that was issued
 * to the caller itself, or whose audience is one the caller is registered for (a resource server
 * registers as a client listing its own resource identifier). Everything else is exactly
 * `{"active": false}` (IN-4).
 */
export function introspectRoute(ctx: OAuth2Context): Hono {
  const app = new Hono()
  app.post(INTROSPECT_PATH, async (c) => {
    const form = await readForm(c.req.raw, { maxBytes: ctx.limits.maxBodyBytes })
    const caller = await ctx.authenticate(c, form, 'introspect') // IN-2, IN-5
    const token = form.get('token')
    if (token === undefined) throw new OAuthError('invalid_request', 'token is required') // IN-1
    form.get('token_type_hint') // IN-1: read only to refuse repeats; we hold access tokens only
    const claims = await ctx.inspector.inspect(token)
    const audiences =
      claims === undefined ? [] : typeof claims.aud === 'string' ? [claims.aud] : claims.aud
    const visible =
      claims !== undefined &&
      !ctx.denylist.has(claims.jti) &&
      (claims.client_id === caller.clientId ||
        audiences.some((a) => ctx.audiencesOf(caller).includes(a)))
    ctx.audit(c, 'token_introspected', {
      outcome: 'ok',
      client_id: caller.clientId,
      ...(claims ? { jti: claims.jti } : {}),
      detail: `active=${visible}`,
    })
    if (!visible) return noStoreJson({ active: false })
    // IN-3: RFC 7662 §2.2 members, from the verified claims.
    return noStoreJson({
      active: true,
      ...(claims.scope !== undefined ? { scope: claims.scope } : {}),
      client_id: claims.client_id,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}),
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
    })
  })
  // IN-2: GET (any method but POST) is a 405 from the app's methodNotAllowed (app.ts).
  return app
}
