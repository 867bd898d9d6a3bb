// Per-client request rate limit on /mcp, after authentication: 429 with Retry-After.
import type { MiddlewareHandler } from 'hono'
import type { BearerAuthEnv } from '../../../shared/http/bearer-auth.ts'
import { createRateLimiter } from '../../../shared/http/rate-limit.ts'
import type { GatewayPrincipal } from '../auth/principal.ts'
import { jsonRpcErrorResponse } from './json-rpc-error.ts'

export interface ClientRateLimitOptions {
  /** Requests per minute per client id; 0 disables the limit. */
  perMinute: number
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
}

/** Counts every request of a client id in fixed one-minute windows; over the limit → 429. */
export function clientRateLimit(
  options: ClientRateLimitOptions,
): MiddlewareHandler<BearerAuthEnv<GatewayPrincipal>> {
  if (options.perMinute === 0) return async (_c, next) => next()
  const limiter = createRateLimiter({
    limit: options.perMinute,
    windowMs: 60_000,
    ...(options.clock ? { clock: options.clock } : {}),
  })
  return async function clientRateLimitMiddleware(c, next) {
    const clientId = c.get('auth').clientId
    // `hit` reports the wait for the NEXT event; this request is allowed while under the limit.
    const wait = limiter.retryAfter(clientId)
    if (wait > 0)
      return jsonRpcErrorResponse(429, -32000, `Too many requests: retry after ${wait} s`, {
        'Retry-After': String(wait),
      })
    limiter.hit(clientId)
    await next()
  }
}
