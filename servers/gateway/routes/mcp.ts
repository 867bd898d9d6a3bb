// /mcp: the one Streamable HTTP endpoint (MCP-T1..T7) behind Origin/Host checks, bearer
// authentication, a per-client rate limit and the revocation check; sessions bound to the
// token's client; per-tool scopes enforced before a call reaches the transport (MCP-A6).
import { Hono, type MiddlewareHandler } from 'hono'
import { decodeUtf8, readBodyBytes, RequestBodyError } from '../../../shared/http/body.ts'
import type { AuditRecorder } from '../../../shared/mcp/guard.ts'
import { hasScopes, type GatewayPrincipal } from '../auth/principal.ts'
import type { Catalog } from '../catalog.ts'
import { insufficientScope, type GatewayEnv } from '../http/auth.ts'
import { jsonRpcErrorResponse } from '../http/json-rpc-error.ts'
import type { Session, SessionManager } from '../mcp/sessions.ts'

export const MCP_PATH = '/mcp'

export interface McpRouteOptions {
  sessions: SessionManager
  catalog: Catalog
  audit: AuditRecorder
  /** Middleware run before every method, in order: Origin/Host, bearer, rate limit, revocation. */
  guards: MiddlewareHandler<GatewayEnv>[]
  /** Largest request body, bytes (413 above). */
  maxBodyBytes: number
  /** For the 403 challenge of a tool scope. */
  resourceMetadataUrl: string
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
}

const SESSION_HEADER = 'mcp-session-id'

/** Does a parsed message (or batch) hold an `initialize` request? */
const isInitialize = (message: unknown) =>
  typeof message === 'object' &&
  message !== null &&
  (message as { method?: unknown }).method === 'initialize'

/** The tool names of the `tools/call` requests in `messages`. */
function calledTools(messages: unknown[]): string[] {
  const names: string[] = []
  for (const message of messages) {
    const m = message as { method?: unknown; id?: unknown; params?: { name?: unknown } } | null
    if (m?.method === 'tools/call' && m.id !== undefined && typeof m.params?.name === 'string')
      names.push(m.params.name)
  }
  return names
}

export function mcpRoute(options: McpRouteOptions): Hono<GatewayEnv> {
  const { sessions, catalog } = options
  const clock = options.clock ?? Date.now
  const app = new Hono<GatewayEnv>()
  for (const guard of options.guards) app.use(MCP_PATH, guard)

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

    // MCP-A6: a call needing scopes the token lacks is refused at the HTTP level.
    for (const name of calledTools(messages)) {
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
      const result = await sessions.open(principal.clientId)
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
      opened = true
    } else {
      const found = sessionOf(request, principal)
      if (found instanceof Response) return found
      session = found
    }
    const response = await session.transport.handleRequest(request, {
      parsedBody: parsed,
      authInfo: principal.authInfo,
    })
    // An initialize the transport refused leaves no session behind.
    if (opened && (response.status !== 200 || session.transport.sessionId === undefined))
      await sessions.close(session)
    return response
  })

  // MCP-T4: the SSE stream for server-initiated messages of a session.
  app.get(MCP_PATH, async (c) => {
    const session = sessionOf(c.req.raw, c.get('auth'))
    if (session instanceof Response) return session
    return session.transport.handleRequest(c.req.raw, { authInfo: c.get('auth').authInfo })
  })

  // MCP-T5: DELETE ends the session; later requests with its id get 404.
  app.delete(MCP_PATH, async (c) => {
    const session = sessionOf(c.req.raw, c.get('auth'))
    if (session instanceof Response) return session
    return session.transport.handleRequest(c.req.raw, { authInfo: c.get('auth').authInfo })
  })

  app.all(MCP_PATH, () =>
    jsonRpcErrorResponse(405, -32000, 'Method not allowed.', { Allow: 'GET, POST, DELETE' }),
  )
  return app
}
