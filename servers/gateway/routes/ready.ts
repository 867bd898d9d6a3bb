// GET /ready: readiness. 200 when every upstream is connected and, when the gateway needs it at
// run time (introspection, JWKS), the OAuth2 server answers its /health; otherwise 503.
import { Hono } from 'hono'
import type { Upstream, UpstreamState } from '../upstream/upstream.ts'

export interface ReadyOptions {
  upstreams: readonly Upstream[]
  /**
   * Whether the AS answers (cached by the caller); undefined when the gateway does not need the
   * AS to serve (HS256 without introspection).
   */
  authorizationServer?: () => Promise<boolean>
}

export function readyRoute(options: ReadyOptions): Hono {
  const app = new Hono()
  app.get('/ready', async (c) => {
    const upstreams: Record<string, UpstreamState> = {}
    for (const upstream of options.upstreams) upstreams[upstream.name] = upstream.state
    const reachable = options.authorizationServer ? await options.authorizationServer() : undefined
    const ready =
      Object.values(upstreams).every((state) => state === 'ready') && reachable !== false
    return c.json(
      {
        status: ready ? 'ready' : 'not_ready',
        upstreams,
        authorization_server:
          reachable === undefined ? 'not_needed' : reachable ? 'reachable' : 'unreachable',
      },
      ready ? 200 : 503,
      { 'Cache-Control': 'no-store' },
    )
  })
  return app
}
