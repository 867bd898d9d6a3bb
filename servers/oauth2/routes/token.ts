// POST /oauth2/token: the client credentials grant (RFC 6749 §4.4; OA-1..OA-23, JW-1..JW-3).
import { Hono } from 'hono'
import type { RegisteredClient } from '../../../shared/clients/registry.ts'
import { isResourceIndicator, SCOPE_TOKEN_PATTERN } from '../../../shared/clients/registry.ts'
import { readForm } from '../../../shared/http/form.ts'
import { noStoreJson, OAuthError } from '../../../shared/http/oauth-error.ts'
import type { OAuth2Context } from '../context.ts'

export const TOKEN_PATH = '/oauth2/token'

/**
 * OA-19 and the omitted-scope decision: no `scope` → every scope the client is allowed (its
 * pre-defined default, RFC 6749 §3.3); otherwise each token must be well-formed and allowed,
 * else `invalid_scope`. Duplicates are dropped.
 */
export function grantedScopes(requested: string | undefined, client: RegisteredClient): string[] {
  if (requested === undefined) return client.scopes
  const tokens = [...new Set(requested.split(' ').filter((s) => s !== ''))]
  if (tokens.length === 0) return client.scopes
  for (const token of tokens) {
    if (!SCOPE_TOKEN_PATTERN.test(token)) throw new OAuthError('invalid_scope', 'malformed scope')
    if (!client.scopes.includes(token)) {
      throw new OAuthError(
        'invalid_scope',
        'the requested scope exceeds what the client may request',
      )
    }
  }
  return tokens
}

/**
 * OA-21..OA-23, JW-3: the token's one audience. No `resource` → the default resource (RFC 9068
 * §3); one `resource` → it must be an absolute URI without fragment that the client may use;
 * more than one → `invalid_target` (OA-23 decision: single-audience tokens only, RFC 8707 §3).
 */
export function audienceFor(
  resources: string[],
  allowed: readonly string[],
  fallback: string,
): string {
  if (resources.length > 1) {
    throw new OAuthError('invalid_target', 'request one resource per token')
  }
  const resource = resources[0]
  if (resource === undefined) {
    if (!allowed.includes(fallback)) {
      throw new OAuthError('invalid_target', 'this client must name a resource')
    }
    return fallback
  }
  if (!isResourceIndicator(resource)) {
    throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment')
  }
  if (!allowed.includes(resource)) {
    throw new OAuthError('invalid_target', 'the resource is unknown or not allowed for this client')
  }
  return resource
}

export function tokenRoute(ctx: OAuth2Context): Hono {
  const app = new Hono()
  app.post(TOKEN_PATH, async (c) => {
    let clientId: string | undefined
    try {
      // OA-8: credentials never in the request URI.
      const url = c.req.url
      if (url.includes('?') && new URL(url).searchParams.has('client_secret')) {
        throw new OAuthError('invalid_request', 'client credentials must not be sent in the URI')
      }
      const form = await readForm(c.req.raw, { maxBytes: ctx.limits.maxBodyBytes })
      const grantType = form.get('grant_type')
      if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required')
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'only client_credentials is supported')
      }
      const scopeParam = form.get('scope')
      const resources = form.getAll('resource')
      const client = await ctx.authenticate(c, form, 'token')
      clientId = client.clientId
      const scopes = grantedScopes(scopeParam, client)
      const audience = audienceFor(resources, ctx.audiencesOf(client), ctx.config.defaultResource)
      const issued = await ctx.issuer.issue({ clientId, audience, scope: scopes })
      const scope = scopes.join(' ')
      ctx.audit(c, 'token_issued', {
        outcome: 'ok',
        client_id: clientId,
        jti: issued.claims.jti,
        detail: `aud=${audience} scope=${scope}`,
      })
      // OA-12, OA-13 (no refresh token), OA-14 (no-store), OA-15; scope always echoed (OA-19).
      return noStoreJson({
        access_token: issued.token,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        scope,
      })
    } catch (error) {
      // invalid_client and 429 are audited by the authenticator; the rest of the failures here.
      if (error instanceof OAuthError && error.code !== 'invalid_client') {
        ctx.audit(c, 'token_request_failed', {
          outcome: 'rejected',
          ...(clientId ? { client_id: clientId } : {}),
          detail: error.code,
        })
      }
      throw error
    }
  })
  // OA-1: anything but POST is not a token request: 405 from the app's methodNotAllowed (app.ts).
  return app
}
