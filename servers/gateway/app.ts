// The gateway as a Web-standard Hono app: createApp(config, deps), no globals. /mcp (Streamable
// HTTP behind Origin/Host checks, bearer auth, rate limit, revocation), RFC 9728 metadata,
// /health and /ready; errors mapped in one place. A revocation the gateway learns of ends that
// token's streams and sessions.
import { Hono } from 'hono'
import { jsonErrorHandler, jsonNotFound } from '../../shared/http/error-handler.ts'
import type { AuditRecorder } from '../../shared/audit/recorder.ts'
import type { GatewayPrincipal } from './auth/principal.ts'
import type { RevocationCheck } from './auth/revocation.ts'
import { createRevocationWatch } from './auth/revocation-watch.ts'
import type { Catalog } from './catalog.ts'
import { gatewayBearer, revokedTokenCheck, type GatewayEnv } from './http/auth.ts'
import { clientRateLimit } from './http/client-rate-limit.ts'
import { originCheck } from './http/origin.ts'
import type { SessionManager } from './mcp/sessions.ts'
import { healthRoute } from './routes/health.ts'
import { mcpRoute } from './routes/mcp.ts'
import { metadataRoute, resourceMetadataUrl } from './routes/metadata.ts'
import { readyRoute } from './routes/ready.ts'
import type { Upstream } from './upstream/upstream.ts'

/** What `createApp` needs from the configuration (a `GatewayConfig` fits). */
export interface AppConfig {
  /** `<GATEWAY_PUBLIC_URL>/mcp`: the PRM `resource` and the audience tokens must carry. */
  resource: string
  /** OAUTH2_ISSUER: the PRM `authorization_servers` entry. */
  issuer: string
  /** Scopes every /mcp request needs. */
  requiredScopes: readonly string[]
  /** Allowed Origin and Host values (MCP-T2). */
  allowedOrigins: readonly string[]
  allowedHosts: readonly string[]
  limits: {
    /** Requests per minute per client id on /mcp; 0 disables. */
    requestsPerMinute: number
    /** Largest request body, bytes. */
    maxBodyBytes: number
    /** Most tools/call in flight per client (enforced by `deps.sessions`; named in its 429). */
    maxCallsInFlightPerClient: number
    /** How long a revocation answer is reused, seconds: the tokens of open streams are re-checked this often (at least every 5 s). Default 30. */
    revocationCacheSeconds?: number
  }
  /** PRM `resource_name`. Default `mcp-docker gateway`. */
  resourceName?: string
}

/** Runtime dependencies (gateway.ts builds them from the configuration). */
export interface AppDeps {
  /** Verifies a bearer token (cached); throws for an invalid one. */
  verify: (token: string) => Promise<GatewayPrincipal>
  /** Revocation by introspection; undefined: not checked (GATEWAY_REVOCATION_CHECK=off). */
  revocation?: RevocationCheck
  sessions: SessionManager
  catalog: Catalog
  upstreams: readonly Upstream[]
  /** Audit log: refused tokens and scope denials (tool calls are recorded by the guard). */
  audit: AuditRecorder
  /** Reachability of the AS for /ready; undefined when the gateway does not need it to serve. */
  authorizationServer?: () => Promise<boolean>
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /** Told about unexpected errors (500s); responses never carry them. */
  onUnexpectedError?: (error: unknown) => void
}

export function createApp(config: AppConfig, deps: AppDeps): Hono {
  const metadataUrl = resourceMetadataUrl(config.resource)
  // RFC 7009 §2 / RV-5: once the gateway learns a token is revoked (an introspection answer, also
  // for a token only holding a stream open), its streams and the sessions it opened end.
  const watch = deps.revocation
    ? createRevocationWatch({
        check: deps.revocation,
        everyMs: Math.max(config.limits.revocationCacheSeconds ?? 30, 5) * 1000,
        ...(deps.clock ? { clock: deps.clock } : {}),
      })
    : undefined
  deps.revocation?.onRevoked((jti) => void deps.sessions.revoke(jti))
  const app = new Hono<GatewayEnv>()
  app.onError(
    jsonErrorHandler(deps.onUnexpectedError ? { onUnexpected: deps.onUnexpectedError } : {}),
  )
  app.notFound(jsonNotFound)
  const checks = [
    originCheck({ allowedOrigins: config.allowedOrigins, allowedHosts: config.allowedHosts }),
    gatewayBearer({
      verify: deps.verify,
      requiredScopes: config.requiredScopes,
      resourceMetadataUrl: metadataUrl,
      audit: deps.audit,
    }),
    clientRateLimit({
      perMinute: config.limits.requestsPerMinute,
      ...(deps.clock ? { clock: deps.clock } : {}),
    }),
    ...(deps.revocation
      ? [
          revokedTokenCheck({
            check: deps.revocation,
            requiredScopes: config.requiredScopes,
            resourceMetadataUrl: metadataUrl,
            audit: deps.audit,
          }),
        ]
      : []),
  ]
  app.route(
    '/',
    mcpRoute({
      sessions: deps.sessions,
      catalog: deps.catalog,
      audit: deps.audit,
      checks,
      maxBodyBytes: config.limits.maxBodyBytes,
      maxCallsInFlight: config.limits.maxCallsInFlightPerClient,
      resourceMetadataUrl: metadataUrl,
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(watch ? { onStreamOpen: watch.watch } : {}),
    }),
  )
  app.route(
    '/',
    metadataRoute({
      resource: config.resource,
      authorizationServers: [config.issuer],
      scopes: () => deps.catalog.scopes(),
      resourceName: config.resourceName ?? 'mcp-docker gateway',
    }),
  )
  app.route('/', healthRoute())
  app.route(
    '/',
    readyRoute({
      upstreams: deps.upstreams,
      ...(deps.authorizationServer ? { authorizationServer: deps.authorizationServer } : {}),
    }),
  )
  return app as unknown as Hono
}
