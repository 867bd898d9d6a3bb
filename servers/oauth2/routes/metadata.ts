// GET /.well-known/oauth-authorization-server (RFC 8414; MD-1..MD-5) and the OpenID discovery path.
import { Hono } from 'hono'
import type { OAuth2Context } from '../context.ts'
import { AUTHORIZE_PATH } from './authorize.ts'
import { INTROSPECT_PATH } from './introspect.ts'
import { JWKS_PATH } from './jwks.ts'
import { REVOKE_PATH } from './revoke.ts'
import { TOKEN_PATH } from './token.ts'

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post']

/**
 * The RFC 8414 §2 document. Zero-element claims are omitted (MD-1), except the REQUIRED
 * `response_types_supported`.
 *
 * MD-4 decision: `response_types_supported` is `[]`. This server implements no response type:
 * it has no authorization-code flow yet (issue 16), and `none` (OAuth 2.0 Multiple Response Type
 * Encoding Practices §4) would promise a redirect after the resource owner decides, which never
 * happens here. An empty list is the true answer, and the MCP SDK's `OAuthMetadataSchema` and
 * oauth4webapi accept it. `authorization_endpoint` stays because the SDK's schema requires it;
 * it exists and refuses every request without redirecting. Clients that go through the SDK's
 * `startAuthorization` (mcp-remote without `--token-endpoint`) stop with "does not support
 * response type code" whatever this list holds short of a real code flow; docs/oauth2.md gives
 * the mcp-remote flags that work.
 *
 * `scopes_supported` (issue 9 §6): the scopes the operator marks public (`publicScopes`) that
 * some registered client holds; never the full list of every client's scopes.
 */
export function authorizationServerMetadata(ctx: OAuth2Context): Record<string, unknown> {
  const base = ctx.config.issuer
  const held = new Set(ctx.clients.all().flatMap((c) => c.scopes))
  const scopes = [...new Set(ctx.config.publicScopes)].filter((s) => held.has(s)).sort()
  return {
    issuer: base, // MD-2
    authorization_endpoint: base + AUTHORIZE_PATH,
    token_endpoint: base + TOKEN_PATH, // MD-3
    ...(ctx.key.alg === 'ES256' ? { jwks_uri: base + JWKS_PATH } : {}),
    ...(scopes.length > 0 ? { scopes_supported: scopes } : {}),
    response_types_supported: [], // MD-4: none implemented (see above)
    grant_types_supported: ['client_credentials'], // MD-5
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint: base + REVOKE_PATH,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint: base + INTROSPECT_PATH,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
  }
}

/**
 * MD-1: the document lives at `/.well-known/oauth-authorization-server` with the issuer's path
 * appended (RFC 8414 §3); the OpenID Connect Discovery path serves the same document (the seed
 * README queries it; it is not an OpenID Provider document, this server issues no ID tokens).
 */
export function metadataRoute(ctx: OAuth2Context): Hono {
  const app = new Hono()
  const body = JSON.stringify(authorizationServerMetadata(ctx))
  const issuerPath = new URL(ctx.config.issuer).pathname.replace(/\/+$/, '')
  const paths = new Set([
    `/.well-known/oauth-authorization-server${issuerPath}`,
    `/.well-known/openid-configuration${issuerPath}`,
    `${issuerPath}/.well-known/openid-configuration`,
  ])
  for (const path of paths) {
    app.get(
      path,
      () =>
        new Response(body, {
          headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' },
        }),
    )
  }
  return app
}
