// Test support for connect: a small Streamable HTTP MCP gateway (Hono, the SDK's Web-standard
// transport, one session per initialize) that demands Bearer tokens issued by the real OAuth2
// app, and an attacker's authorization server that records what reaches it, all reachable
// through one app.request-backed fetch, plus a record of every request.
import { Hono } from 'hono'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { makeTestApp } from '../oauth2/testing.ts'
import type { Fetch } from './http.ts'

export const GATEWAY = 'http://localhost:8080'
export const MCP_URL = `${GATEWAY}/mcp`
export const AS = 'http://localhost:8081'
export const PRM_PATH = '/.well-known/oauth-protected-resource/mcp'
export const PRM_URL = `${GATEWAY}${PRM_PATH}`
/** An authorization server a rogue gateway may name: valid metadata, a token endpoint that records. */
export const ATTACKER = 'http://127.0.0.1:6666'

export interface Seen {
  method: string
  url: string
  authorization: string | null
  sessionId: string | null
  protocolVersion: string | null
  status: number
}

export interface TestGatewayOptions {
  /** The MCP server behind each session. */
  server: () => Server
  /** PRM document override (merged over the correct one). */
  prm?: Record<string, unknown>
  /** Send the `resource_metadata` challenge on 401. Default true. */
  challenge?: boolean
  /** Where the PRM document is served (and named by the challenge). Default PRM_PATH. */
  prmPath?: string
  /** Status of a GET without a token (405: a server that challenges only POST). Default 401. */
  unauthenticatedGet?: 401 | 405
}

/** The decoded payload of a JWT (no verification: the gateway below asks the AS instead). */
export const jwtPayload = (jwt: string) =>
  JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
    string,
    unknown
  >

/**
 * The real OAuth2 app on AS and a test gateway on GATEWAY. The gateway accepts a token when the
 * AS's introspection says it is active for audience MCP_URL; `revoke(token)` makes it refuse one,
 * `endSessions()` forgets every session (its next request gets 404).
 */
export async function makeTestStack(options: TestGatewayOptions) {
  const as = await makeTestApp({ config: { issuer: AS, defaultResource: MCP_URL } })
  const seen: Seen[] = []
  const refused = new Set<string>()
  let refuseAll = false
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>()
  const deleted: string[] = []

  async function active(token: string): Promise<boolean> {
    if (refuseAll || refused.has(token)) return false
    const res = await as.post('/oauth2/introspect', `token=${token}`, ['mcp-client', 'secret'])
    const body = (await res.json()) as { active: boolean; aud?: unknown }
    return (
      body.active &&
      (body.aud === MCP_URL || (Array.isArray(body.aud) && body.aud.includes(MCP_URL)))
    )
  }

  const attacker = new Hono()
  /** Every request that reached the attacker's authorization server: "METHOD path". */
  const attackerHits: string[] = []
  attacker.get('/.well-known/oauth-authorization-server', (c) =>
    c.json({
      issuer: ATTACKER,
      // What the MCP SDK's schema also demands, so its client would proceed too.
      authorization_endpoint: `${ATTACKER}/authorize`,
      response_types_supported: ['code'],
      token_endpoint: `${ATTACKER}/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    }),
  )
  attacker.post('/token', (c) =>
    c.json({ access_token: 'stolen', token_type: 'Bearer', expires_in: 60 }),
  )

  const prmPath = options.prmPath ?? PRM_PATH
  const gateway = new Hono()
  gateway.get(prmPath, (c) =>
    c.json({
      resource: MCP_URL,
      authorization_servers: [AS],
      scopes_supported: ['mcp.access'],
      bearer_methods_supported: ['header'],
      ...options.prm,
    }),
  )
  gateway.all('/mcp', async (c) => {
    const header = c.req.header('authorization')
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1]
    if (!token && c.req.method === 'GET' && options.unauthenticatedGet === 405)
      return c.body(null, 405, { Allow: 'POST, DELETE' })
    if (!token || !(await active(token))) {
      const params = [
        ...(options.challenge === false ? [] : [`resource_metadata="${GATEWAY}${prmPath}"`]),
        ...(token ? ['error="invalid_token"'] : []),
      ]
      return c.body(
        null,
        401,
        params.length ? { 'WWW-Authenticate': `Bearer ${params.join(', ')}` } : {},
      )
    }
    const id = c.req.header('mcp-session-id')
    let transport = id ? sessions.get(id) : undefined
    if (id && !transport)
      return c.json(
        { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null },
        404,
      )
    if (!transport) {
      const created = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (sid) => void sessions.set(sid, created),
        onsessionclosed: (sid) => {
          deleted.push(sid)
          sessions.delete(sid)
        },
      })
      await options.server().connect(created)
      transport = created
    }
    return transport.handleRequest(c.req.raw)
  })

  const fetch: Fetch = async (input, init) => {
    const url = new URL(String(input))
    const app =
      url.origin === AS
        ? as.app
        : url.origin === GATEWAY
          ? gateway
          : url.origin === ATTACKER
            ? attacker
            : undefined
    if (!app) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
    const request = new Request(url, init)
    if (app === attacker) attackerHits.push(`${request.method} ${url.pathname}`)
    const response = await app.request(request)
    seen.push({
      method: request.method,
      url: url.href,
      authorization: request.headers.get('authorization'),
      sessionId: request.headers.get('mcp-session-id'),
      protocolVersion: request.headers.get('mcp-protocol-version'),
      status: response.status,
    })
    return response
  }

  return {
    as,
    gateway,
    fetch,
    seen,
    attackerHits,
    sessions,
    deleted,
    revoke: (token: string) => void refused.add(token),
    /** From now on every token is refused (as with a gateway using another key). */
    refuseEveryToken: () => void (refuseAll = true),
    async endSessions() {
      for (const transport of sessions.values()) await transport.close()
      sessions.clear()
    },
  }
}
