// `Cache-Control: no-store` on every answer of a route (RFC 9111 §5.2.2.5): answers of /mcp carry
// session state and tool results, so no cache may keep one, whoever produced it (our checks, the
// route, or the MCP SDK's transport, whose own 400s and SSE answers do not say no-store).
import type { MiddlewareHandler } from 'hono'

/** `value` with the `no-store` directive added (other directives, e.g. `no-transform`, kept). */
export function withNoStore(value: string | null): string {
  if (value === null || value.trim() === '') return 'no-store'
  const directives = value.split(',').map((d) => d.trim().toLowerCase())
  return directives.includes('no-store') ? value : `${value}, no-store`
}

/** Adds `no-store` to the `Cache-Control` of every response that passes through. */
export function noStore(): MiddlewareHandler {
  return async function noStoreMiddleware(c, next) {
    await next()
    const value = withNoStore(c.res.headers.get('cache-control'))
    try {
      c.res.headers.set('Cache-Control', value)
    } catch {
      // Immutable headers (a response from fetch): copy the response.
      c.res = new Response(c.res.body, c.res)
      c.res.headers.set('Cache-Control', value)
    }
  }
}
