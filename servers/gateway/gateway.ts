// Builds a running gateway from its configuration: upstream connections (in-process servers with
// a pass-through guard, stdio children through the runtime's opener), the tool catalog, the
// session manager with a front server per session, token checks, and the Hono app over them.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { ServerNotification } from '@modelcontextprotocol/sdk/types.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { Hono } from 'hono'
import { ConfigError } from '../../shared/config/errors.ts'
import type { VerificationKey } from '../../shared/jwt/verify.ts'
import { createPassThroughGuard } from '../../shared/mcp/guard/pass-through.ts'
import type { AuditRecorder } from '../../shared/audit/recorder.ts'
import type { Guard } from '../../shared/mcp/guard/guard.ts'
import type { ToolServerDeps } from '../../shared/mcp/server.ts'
import { createApp } from './app.ts'
import { createIntrospectionClient, createRevocationCheck } from './auth/revocation.ts'
import { createTokenVerifier } from './auth/verifier.ts'
import { createCatalog, type Catalog } from './catalog.ts'
import type { GatewayConfig, ServerConfig } from './config.ts'
import { createFeatureEvents } from './mcp/feature-events.ts'
import { createFrontServer } from './mcp/front-server.ts'
import { createSessionManager, type SessionManager } from './mcp/sessions.ts'
import type { BackoffOptions } from './upstream/backoff.ts'
import { openInProcess } from './upstream/in-process.ts'
import { createUpstream, type Upstream } from './upstream/upstream.ts'

/** Makes an in-process tool server (its `createServer`), given deps with a pass-through guard. */
export type InProcessFactory = (deps: ToolServerDeps) => Server

export interface GatewayDeps {
  /** The one guard at the front: PII policy both ways and the audit record of every call. */
  guard: Guard
  /** The audit log (refused tokens, scope denials; the guard writes tool calls to its own). */
  audit: AuditRecorder
  /** In-process servers by name (the composition root's built-ins). */
  inProcess: Readonly<Record<string, InProcessFactory>>
  /** Opens a child server's transport (Node: entry/child-transport.ts). Absent: children refused. */
  openChild?: (server: ServerConfig) => () => Transport | Promise<Transport>
  /** The token verification key (HS256 secret, JWKS URL…), resolved by the entry. */
  key: VerificationKey
  /** Fetch for introspection and the AS health check. Default `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>
  /** Synchronous SHA-256 (hex) for the verified-token cache key. Default crypto.subtle. */
  digest?: (token: string) => string | Promise<string>
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /** Operator log lines (start-up, upstream crashes and restarts, internal errors). Default none. */
  log?: (line: string) => void
  /** Restart delays of upstreams. Default: 0.5 s doubling to 30 s. */
  restart?: BackoffOptions
  /** `serverInfo` of the gateway. Default `{ name: 'mcp-docker-gateway', version: '0.1.0' }`. */
  info?: { name: string; version: string }
}

export interface Gateway {
  app: Hono
  upstreams: readonly Upstream[]
  catalog: Catalog
  sessions: SessionManager
  /** Ends every session and upstream (children are stopped). */
  close(): Promise<void>
}

/** How long an AS health answer is reused by /ready, ms. */
const AS_HEALTH_CACHE_MS = 5000

/**
 * Connects every enabled upstream (each bounded by its connect timeout; one that fails is
 * retried in the background and reported by /ready) and returns the gateway.
 * @throws ConfigError when a configured server has no factory or opener here
 */
export async function createGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const log = deps.log ?? (() => {})
  const clock = deps.clock ?? Date.now
  const doFetch = deps.fetch ?? ((request: Request) => fetch(request))
  const mounted: ToolServerDeps = {
    guard: createPassThroughGuard(deps.guard),
    onError: log,
  }
  const problems: string[] = []
  const upstreams = new Map<string, Upstream>()
  const events = createFeatureEvents()
  let catalog: Catalog | undefined
  let sessions: SessionManager | undefined

  for (const server of config.servers) {
    let open: () => Transport | Promise<Transport>
    if (server.kind === 'in-process') {
      const factory = deps.inProcess[server.name]
      if (!factory) {
        problems.push(`server ${server.name}: no in-process server of that name in this build`)
        continue
      }
      open = openInProcess(() => factory(mounted))
    } else {
      if (!deps.openChild) {
        problems.push(`server ${server.name}: this runtime cannot start child processes`)
        continue
      }
      open = deps.openChild(server)
    }
    upstreams.set(
      server.name,
      createUpstream(
        {
          name: server.name,
          kind: server.kind,
          open,
          callTimeoutMs: server.callTimeoutMs,
          maxCallMs: config.limits.maxCallSeconds * 1000,
          connectTimeoutMs: config.limits.connectTimeoutSeconds * 1000,
          ...(deps.restart ? { restart: deps.restart } : {}),
        },
        {
          log,
          clock,
          clientInfo: deps.info ?? { name: 'mcp-docker-gateway', version: '0.1.0' },
          onToolsChanged: () => {
            if (catalog?.refresh()) sessions?.toolsChanged()
          },
          onNotification: (upstream, notification) =>
            events.emit(upstream.name, notification as ServerNotification),
          onUnroutedLog: (upstream, params) => {
            let text: string
            try {
              text = deps.guard.scrub(JSON.stringify(params.data) ?? '')
            } catch {
              text = '(unprintable)'
            }
            log(`${upstream.name}: ${params.level}: ${text.slice(0, 500)}`)
          },
        },
      ),
    )
  }
  if (problems.length > 0) throw new ConfigError(problems)

  await Promise.all([...upstreams.values()].map((u) => u.start()))
  catalog = createCatalog({
    servers: config.servers,
    upstreams,
    requiredScopes: config.requiredScopes,
  })
  const info = deps.info ?? { name: 'mcp-docker-gateway', version: '0.1.0' }
  const tools = catalog
  sessions = createSessionManager({
    createServer: (hooks) =>
      createFrontServer({
        catalog: tools,
        guard: deps.guard,
        audit: deps.audit,
        events,
        info,
        onError: log,
        ...hooks,
      }),
    idleMs: config.limits.sessionIdleSeconds * 1000,
    maxSessions: config.limits.maxSessions,
    maxPerClient: config.limits.maxSessionsPerClient,
    maxCallsPerClient: config.limits.maxCallsInFlightPerClient,
    clock,
  })

  const verify = createTokenVerifier({
    issuer: config.issuer,
    audience: config.resource,
    key: deps.key,
    allowInsecureJwksUrl: config.allowHttp,
    clock,
    ...(deps.digest ? { digest: deps.digest } : {}),
  })
  const revocation = config.introspection
    ? createRevocationCheck({
        introspect: createIntrospectionClient({ ...config.introspection, fetch: doFetch }),
        cacheMs: config.introspection.cacheMs,
        clock,
        onUnavailable: (error) => log(`revocation check: ${error.message}`),
      })
    : undefined
  const needsAs = config.introspection !== undefined || config.verification.alg === 'ES256'

  const app = createApp(config, {
    verify,
    ...(revocation ? { revocation } : {}),
    sessions,
    catalog,
    upstreams: [...upstreams.values()],
    audit: deps.audit,
    ...(needsAs
      ? { authorizationServer: asHealth(`${config.oauth2Url}/health`, doFetch, clock) }
      : {}),
    clock,
    onUnexpectedError: (error) =>
      log(
        `unexpected error: ${deps.guard.scrub(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`,
      ),
  })

  const all = [...upstreams.values()]
  const manager = sessions
  return {
    app,
    upstreams: all,
    catalog,
    sessions: manager,
    async close() {
      await manager.closeAll()
      await Promise.all(all.map((u) => u.close()))
    },
  }
}

/** GET <url> answered 2xx within 2 s; the answer is reused for a few seconds. */
function asHealth(
  url: string,
  doFetch: (request: Request) => Promise<Response>,
  clock: () => number,
): () => Promise<boolean> {
  let last: { at: number; ok: boolean } | undefined
  return async () => {
    if (last && clock() - last.at < AS_HEALTH_CACHE_MS) return last.ok
    let ok = false
    try {
      const response = await doFetch(new Request(url, { signal: AbortSignal.timeout(2000) }))
      await response.body?.cancel().catch(() => {})
      ok = response.ok
    } catch {
      ok = false
    }
    last = { at: clock(), ok }
    return ok
  }
}
