// /mcp: the one Streamable HTTP endpoint (MCP-T1..T7) behind Origin/Host checks, bearer
// authentication, a per-client rate limit and the revocation check; sessions bound to the
// token's client; per-tool scopes enforced before a call reaches the transport (MCP-A6); batches
// only on sessions whose revision has them; a per-client bound on tools/call in flight; every
// answer `no-store`; response streams tracked so a revoked token's streams can be ended.
import { Hono, type MiddlewareHandler } from 'hono'
import { decodeUtf8, readBodyBytes, RequestBodyError } from '../../../shared/http/body.ts'
import type { AuditRecorder } from '../../../shared/audit/recorder.ts'
import { hasScopes, type GatewayPrincipal } from '../auth/principal.ts'
import type { Catalog } from '../catalog.ts'
import { insufficientScope, type GatewayEnv } from '../http/auth.ts'
import { jsonRpcErrorResponse } from '../http/json-rpc-error.ts'
import { noStore } from '../http/no-store.ts'
import { acceptsBatches, BATCHING_REMOVED_IN, negotiatedVersion } from '../http/protocol-version.ts'
import type { RequestId, Session, SessionManager } from '../mcp/sessions.ts'

export const MCP_PATH = '/mcp'

export interface McpRouteOptions {
  sessions: SessionManager
  catalog: Catalog
  audit: AuditRecorder
  /** Middleware run before every method, in order: Origin/Host, bearer, rate limit, revocation. */
  checks: MiddlewareHandler<GatewayEnv>[]
  /** Largest request body, bytes (413 above). */
  maxBodyBytes: number
  /** For the 403 challenge of a tool scope. */
  resourceMetadataUrl: string
  /** Most tools/call in flight per client (the session manager enforces it; named in the 429). */
  maxCallsInFlight: number
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /**
   * Told when a response stream opens with a token (`token`, `jti`, `exp` in seconds); call the
   * returned function when it ends. The revocation watch re-checks such tokens. Default none.
   */
  onStreamOpen?: (token: string, jti: string, exp: number) => () => void
}

const SESSION_HEADER = 'mcp-session-id'

/** Does a parsed message (or batch) hold an `initialize` request? */
const isInitialize = (message: unknown) =>
  typeof message === 'object' &&
  message !== null &&
  (message as { method?: unknown }).method === 'initialize'

type Message = { method?: unknown; id?: unknown; params?: { name?: unknown; requestId?: unknown } }
const isId = (id: unknown): id is RequestId => typeof id === 'string' || typeof id === 'number'

/** The `tools/call` requests in `messages`: their ids and tool names. */
function toolCalls(messages: unknown[]): Array<{ id: RequestId; name: string }> {
  const calls: Array<{ id: RequestId; name: string }> = []
  for (const message of messages) {
    const m = message as Message | null
    if (m?.method === 'tools/call' && isId(m.id) && typeof m.params?.name === 'string')
      calls.push({ id: m.id, name: m.params.name })
  }
  return calls
}

/** The request ids `notifications/cancelled` in `messages` name. */
function cancelledIds(messages: unknown[]): RequestId[] {
  const ids: RequestId[] = []
  for (const message of messages) {
    const m = message as Message | null
    if (m?.method === 'notifications/cancelled' && isId(m.params?.requestId))
      ids.push(m.params.requestId)
  }
  return ids
}

/** The raw bearer token of a request that passed authentication. */
const tokenOf = (request: Request) =>
  /^Bearer +(\S+)/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''

export function mcpRoute(options: McpRouteOptions): Hono<GatewayEnv> {
  const { sessions, catalog } = options
  const clock = options.clock ?? Date.now
  const app = new Hono<GatewayEnv>()
  // First, so it covers every answer: the checks' refusals, ours, and the SDK transport's.
  app.use(MCP_PATH, noStore())
  for (const check of options.checks) app.use(MCP_PATH, check)

  /** The response with its stream tracked (revocation ends it; an open stream keeps the session busy). */
  const tracked = (
    request: Request,
    principal: GatewayPrincipal,
    session: Session,
    response: Response,
  ) => {
    if (
      !response.body ||
      !(response.headers.get('content-type') ?? '').includes('text/event-stream')
    )
      return response
    const stop = options.onStreamOpen?.(tokenOf(request), principal.jti, principal.exp)
    return sessions.track(session, principal.jti, response, stop)
  }

  /** The caller's session named by Mcp-Session-Id, or the response refusing the request. */
  const sessionOf = (request: Request, principal: GatewayPrincipal): Session | Response => {
    const id = request.headers.get(SESSION_HEADER)
    if (id === null)
      return jsonRpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required')
    // Unknown, ended, expired, or another client's: all 404 (MCP-T5, MCP-A12).
    const session = sessions.get(id, principal.clientId)
    if (!session) return jsonRpcErrorResponse(404, -32001, 'Session not found')
    session.lastSeen = clock()
    return session
  }

  app.post(MCP_PATH, async (c) => {
    const request = c.req.raw
    const principal = c.get('auth')
    // MCP-T3: the checks the SDK transport makes, made before the body is read.
    const accept = request.headers.get('accept') ?? ''
    if (!accept.includes('application/json') || !accept.includes('text/event-stream'))
      return jsonRpcErrorResponse(
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      )
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/json')
      return jsonRpcErrorResponse(
        415,
        -32000,
        'Unsupported Media Type: Content-Type must be application/json',
      )
    let parsed: unknown
    try {
      parsed = JSON.parse(decodeUtf8(await readBodyBytes(request, options.maxBodyBytes)))
    } catch (error) {
      if (error instanceof RequestBodyError && error.status === 413)
        return jsonRpcErrorResponse(
          413,
          -32000,
          `Payload Too Large: the body is over ${options.maxBodyBytes} bytes`,
        )
      return jsonRpcErrorResponse(400, -32700, 'Parse error: Invalid JSON')
    }
    const messages = Array.isArray(parsed) ? parsed : [parsed]
    const calls = toolCalls(messages)

    // MCP-A6: a call needing scopes the token lacks is refused at the HTTP level.
    for (const { name } of calls) {
      const entry = catalog.get(name)
      if (entry && !hasScopes(principal.scopes, entry.scopes)) {
        void options.audit
          .record({
            event: 'tool_call',
            outcome: 'denied',
            tool: entry.name,
            client_id: principal.clientId,
            jti: principal.jti,
            detail: 'insufficient_scope',
          })
          .catch(() => {})
        return insufficientScope(entry.scopes, entry.name, options.resourceMetadataUrl)
      }
    }

    let session: Session
    let opened = false
    if (request.headers.get(SESSION_HEADER) === null && messages.some(isInitialize)) {
      const result = await sessions.open(principal.clientId, principal.jti)
      if (result === 'full')
        return jsonRpcErrorResponse(503, -32000, 'Service Unavailable: too many sessions', {
          'Retry-After': '30',
        })
      if (result === 'client_full')
        return jsonRpcErrorResponse(
          429,
          -32000,
          'Too many sessions for this client: end unused ones (DELETE /mcp) or wait for them to expire',
          { 'Retry-After': '60' },
        )
      session = result
      session.protocolVersion = negotiatedVersion(
        (messages.find(isInitialize) as { params?: { protocolVersion?: unknown } }).params
          ?.protocolVersion,
      )
      opened = true
    } else {
      const found = sessionOf(request, principal)
      if (found instanceof Response) return found
      session = found
      // 2025-06-18 removed batching: the POST body MUST be one JSON-RPC message (Streamable
      // HTTP, "Sending Messages to the Server"); older revisions still accept arrays.
      if (Array.isArray(parsed) && !acceptsBatches(session.protocolVersion))
        return jsonRpcErrorResponse(
          400,
          -32600,
          `Invalid Request: JSON-RPC batches are not part of protocol revision ${session.protocolVersion} (removed in ${BATCHING_REMOVED_IN}); send one message per POST`,
        )
      sessions.cancelled(session, cancelledIds(messages))
    }
    // Fairness: a bounded number of tools/call in flight per client, over all its sessions.
    const reserved =
      calls.length > 0
        ? sessions.reserveCalls(
            session,
            calls.map((c) => c.id),
          )
        : []
    if (!reserved)
      return jsonRpcErrorResponse(
        429,
        -32000,
        `Too many tool calls in flight for this client (at most ${options.maxCallsInFlight}): wait for one to finish`,
        { 'Retry-After': '1' },
      )
    let response: Response
    try {
      response = await session.transport.handleRequest(request, {
        parsedBody: parsed,
        authInfo: principal.authInfo,
      })
    } catch (error) {
      sessions.cancelled(session, reserved)
      throw error
    }
    // An initialize the transport refused leaves no session behind.
    if (opened && (response.status !== 200 || session.transport.sessionId === undefined)) {
      await sessions.close(session)
      return response
    }
    // Calls the transport refused (4xx) will get no answer through the session.
    if (response.status >= 400) sessions.cancelled(session, reserved)
    return tracked(request, principal, session, response)
  })

  // MCP-T4: the SSE stream for server-initiated messages of a session.
  app.get(MCP_PATH, async (c) => {
    const principal = c.get('auth')
    const session = sessionOf(c.req.raw, principal)
    if (session instanceof Response) return session
    const response = await session.transport.handleRequest(c.req.raw, {
      authInfo: principal.authInfo,
    })
    return tracked(c.req.raw, principal, session, response)
  })

  // MCP-T5: DELETE ends the session; later requests with its id get 404.
  app.delete(MCP_PATH, async (c) => {
    const session = sessionOf(c.req.raw, c.get('auth'))
    if (session instanceof Response) return session
    return session.transport.handleRequest(c.req.raw, { authInfo: c.get('auth').authInfo })
  })

  // RFC 9110 §15.5.6 by hand, not `hono/method-not-allowed`: this 405 is a JSON-RPC error body
  // (as the SDK's transport answers), and Hono's would add HEAD (Hono routes HEAD to the GET
  // handler) and order Allow by registration: `GET, POST, DELETE` is what clients have seen.
  app.all(MCP_PATH, () =>
    jsonRpcErrorResponse(405, -32000, 'Method not allowed.', { Allow: 'GET, POST, DELETE' }),
  )
  return app
}
