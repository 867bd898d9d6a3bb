// Origin and Host validation on the MCP endpoint (MCP-T2; DNS rebinding): a present Origin must
// be allowed, and so must Host; anything else is 403 before authentication is even looked at.
import type { MiddlewareHandler } from 'hono'
import { jsonRpcErrorResponse } from './json-rpc-error.ts'

export interface OriginCheckOptions {
  /** Allowed `Origin` values, `scheme://host[:port]` (compared case-insensitively). */
  allowedOrigins: readonly string[]
  /** Allowed `Host` values, `host[:port]` (compared case-insensitively). */
  allowedHosts: readonly string[]
}

/**
 * 403 (JSON-RPC error, `id: null`) when `Origin` is present and not allowed (`null` included:
 * opaque origins are never ours), or when `Host` is missing or not allowed. Requests without an
 * Origin (non-browser clients) pass the Origin check.
 */
export function originCheck(options: OriginCheckOptions): MiddlewareHandler {
  const origins = new Set(options.allowedOrigins.map((o) => o.toLowerCase()))
  const hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()))
  if (hosts.size === 0) throw new TypeError('originCheck: allowedHosts must not be empty')
  return async function originCheckMiddleware(c, next) {
    const origin = c.req.header('origin')
    if (origin !== undefined && !origins.has(origin.toLowerCase()))
      return jsonRpcErrorResponse(403, -32000, 'Forbidden: Origin not allowed')
    const host = c.req.header('host') ?? hostOf(c.req.url)
    if (host === undefined || !hosts.has(host.toLowerCase()))
      return jsonRpcErrorResponse(403, -32000, 'Forbidden: Host not allowed')
    await next()
  }
}

/** The Host of the request URL, for runtimes that do not keep a Host header (app.request). */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}
