// RFC 9728 protected resource metadata (MCP-A1..A3) of the one protected resource, `<origin>/mcp`,
// at its well-known URL: the suffix inserted between the host and the path (RFC 9728 §3.1), so
// `/.well-known/oauth-protected-resource/mcp`. Its `resource` is exactly the identifier the URL
// was formed from (§3.3). No document is served at the root form
// (`/.well-known/oauth-protected-resource`): that URL belongs to the resource `<origin>`, which
// the gateway does not protect (tokens for it are refused), and a document there naming
// `<origin>/mcp` would fail the §3.3 check of a strict client. 404 is the honest answer.
import { Hono } from 'hono'
import { methodNotAllowed } from '../../../shared/http/error-handler.ts'

/** RFC 9728 §3: the well-known suffix. */
export const PRM_PREFIX = '/.well-known/oauth-protected-resource'

export interface MetadataOptions {
  /** The resource identifier, `<GATEWAY_PUBLIC_URL>/mcp` (MCP-A3: identical to the endpoint URL). */
  resource: string
  /** The AS issuer identifiers (MCP-A1: at least one). */
  authorizationServers: readonly string[]
  /** Every scope a tool of the gateway needs (RECOMMENDED `scopes_supported`). */
  scopes: () => readonly string[]
  /** Human-readable name (RECOMMENDED `resource_name`). */
  resourceName: string
}

/** The URL of the path-form document for `resource` (RFC 9728 §3.1: suffix inserted before the path). */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource)
  const path = url.pathname === '/' ? '' : url.pathname
  return `${url.origin}${PRM_PREFIX}${path}`
}

export function metadataRoute(options: MetadataOptions): Hono {
  const app = new Hono()
  const path = new URL(options.resource).pathname
  const document = () => {
    const scopes = options.scopes()
    return {
      resource: options.resource,
      authorization_servers: [...options.authorizationServers],
      ...(scopes.length > 0 ? { scopes_supported: [...scopes] } : {}), // §2: empty arrays omitted
      bearer_methods_supported: ['header'], // RS-1 / MCP-A9: never the query string
      resource_name: options.resourceName,
    }
  }
  // The resource's own well-known URL only (a path-less resource would make it the root form).
  const at = `${PRM_PREFIX}${path === '/' ? '' : path}`
  app.get(at, (c) =>
    c.json(document(), 200, {
      'Cache-Control': 'public, max-age=300',
      // A public document: browser-based MCP clients may read it from another origin.
      'Access-Control-Allow-Origin': '*',
    }),
  )
  // By hand rather than `hono/method-not-allowed` (which the OAuth2 app uses): it would answer
  // `Allow: GET, HEAD` where this route has always answered `GET`.
  app.all(at, () => methodNotAllowed(['GET']))
  return app
}
