// POST /oauth2/revoke: token revocation (RFC 7009; RV-1..RV-5) onto the jti denylist.
import { Hono } from 'hono'
import { readForm } from '../../../shared/http/form.ts'
import { NO_STORE_HEADERS, OAuthError } from '../../../shared/http/oauth-error.ts'
import type { OAuth2Context } from '../context.ts'

export const REVOKE_PATH = '/oauth2/revoke'

/**
 * RV-2/RV-3 decision: a client may revoke only tokens issued to itself. For a token of another
 * client we answer 200 and change nothing, as RFC 7009 §2.2 does for invalid tokens, instead of
 * §2.1's error: an error would tell the caller that the token is valid and belongs to someone
 * else. The attempt is audited as `denied`. Unknown, invalid or expired tokens: 200 (RV-3).
 * 503 (RFC 7009 §2.2.1: the client must assume the token still exists and may retry) only for
 * the caller's own reasons: it holds its quota of live revocations (Retry-After: until its
 * earliest one expires), or the store could not save the revocation (RV-4). One client's
 * revocations never use another's capacity.
 */
export function revokeRoute(ctx: OAuth2Context): Hono {
  const app = new Hono()
  app.post(REVOKE_PATH, async (c) => {
    const form = await readForm(c.req.raw, { maxBytes: ctx.limits.maxBodyBytes })
    const caller = await ctx.authenticate(c, form, 'revoke')
    const token = form.get('token')
    if (token === undefined) throw new OAuthError('invalid_request', 'token is required') // RV-1
    form.get('token_type_hint') // RV-3: any hint value is ignored (repeats still refused, OA-3)
    const claims = await ctx.inspector.inspect(token)
    if (claims === undefined) {
      ctx.audit(c, 'token_revoked', {
        outcome: 'rejected',
        client_id: caller.clientId,
        detail: 'invalid_token',
      })
    } else if (claims.client_id !== caller.clientId) {
      ctx.audit(c, 'token_revoked', {
        outcome: 'denied',
        client_id: caller.clientId,
        jti: claims.jti,
        detail: 'token belongs to another client',
      })
    } else {
      // Kept until exp plus the verifiers' leeway: until then the token would still be accepted.
      const added = await ctx.denylist.add(
        claims.jti,
        claims.exp + ctx.limits.clockToleranceSeconds,
        caller.clientId,
      )
      if (added.status !== 'ok') {
        const quota = added.status === 'quota'
        ctx.audit(c, 'token_revoked', {
          outcome: 'error',
          client_id: caller.clientId,
          jti: claims.jti,
          detail: quota ? 'revocation quota of this client reached' : 'revocation not saved',
        })
        throw new OAuthError(
          'temporarily_unavailable',
          quota
            ? 'this client holds too many live revocations; retry when one expires'
            : 'revocation is unavailable; retry later',
          { status: 503, headers: { 'Retry-After': String(quota ? added.retryAfter : 60) } },
        )
      }
      ctx.audit(c, 'token_revoked', { outcome: 'ok', client_id: caller.clientId, jti: claims.jti })
    }
    return new Response(null, { status: 200, headers: NO_STORE_HEADERS })
  })
  // Anything but POST (RFC 7009 §2.1): a 405 from the app's methodNotAllowed (app.ts).
  return app
}
