// Streamable HTTP sessions of the gateway (MCP-T5, MCP-A12): one SDK transport and one front
// server per session, a secure random id bound to the client id of the token that opened it,
// closed after idle time or DELETE, bounded in number globally and per client.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'

/** One session. */
export interface Session {
  /** `Mcp-Session-Id`: a random UUID (122 random bits, visible ASCII: MCP-T5). */
  readonly id: string
  /** The client id of the token that opened it; other clients never reach it (MCP-A12). */
  readonly clientId: string
  readonly transport: WebStandardStreamableHTTPServerTransport
  readonly server: Server
  /** Last request, ms. */
  lastSeen: number
  /** Tool calls running. A session with calls running is never idle. */
  inflight: number
}

/** Hooks a front server calls so the manager knows a session is busy. */
export interface SessionHooks {
  onCallStart(): void
  onCallEnd(): void
}

export interface SessionManagerOptions {
  /** Makes the front server of a new session. */
  createServer: (hooks: SessionHooks) => Server
  /** A session without requests (and no call running) for this long is closed, ms. */
  idleMs: number
  /** Most sessions at once. */
  maxSessions: number
  /** Most sessions of one client id at once. */
  maxPerClient: number
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /** How often idle sessions are looked for, ms. Default min(idleMs / 2, 60 000). */
  sweepEveryMs?: number
  /** Told when a session ends: `deleted` (DELETE), `idle`, `closed` (shutdown or transport). */
  onClose?: (session: Session, reason: 'deleted' | 'idle' | 'closed') => void
  /** Secure random session ids. Default `crypto.randomUUID`. */
  newId?: () => string
}

/** Why a new session was refused. */
export type OpenRefusal = 'full' | 'client_full'

export interface SessionManager {
  /** Opens a session for `clientId` (its transport still has to handle the initialize request). */
  open(clientId: string): Promise<Session | OpenRefusal>
  /** The session `id` of `clientId`; undefined when unknown, ended, or another client's. */
  get(id: string, clientId: string): Session | undefined
  /** Ends a session (its streams close; later requests with its id get 404). */
  close(session: Session, reason?: 'deleted' | 'idle' | 'closed'): Promise<void>
  /** Closes sessions idle for longer than `idleMs`. */
  sweep(): Promise<void>
  /** Tells every session the tool list changed (`notifications/tools/list_changed`). */
  toolsChanged(): void
  /** Ends every session and stops the sweep timer. */
  closeAll(): Promise<void>
  /** Sessions open. */
  readonly size: number
  /** Sessions open for `clientId`. */
  countOf(clientId: string): number
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const clock = options.clock ?? Date.now
  const newId = options.newId ?? (() => crypto.randomUUID())
  const sessions = new Map<string, Session>()
  const perClient = new Map<string, number>()
  const count = (clientId: string, delta: number) => {
    const next = (perClient.get(clientId) ?? 0) + delta
    if (next <= 0) perClient.delete(clientId)
    else perClient.set(clientId, next)
  }

  const remove = (session: Session, reason: 'deleted' | 'idle' | 'closed') => {
    if (sessions.get(session.id) !== session) return false
    sessions.delete(session.id)
    count(session.clientId, -1)
    options.onClose?.(session, reason)
    return true
  }

  const manager: SessionManager = {
    async open(clientId) {
      if (sessions.size >= options.maxSessions) return 'full'
      if ((perClient.get(clientId) ?? 0) >= options.maxPerClient) return 'client_full'
      const id = newId()
      let session: Session
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        // DELETE (MCP-T5): the transport closes itself after this.
        onsessionclosed: () => void remove(session, 'deleted'),
      })
      const server = options.createServer({
        onCallStart: () => void session.inflight++,
        onCallEnd: () => {
          session.inflight--
          session.lastSeen = clock()
        },
      })
      session = { id, clientId, transport, server, lastSeen: clock(), inflight: 0 }
      // Counted before the first await: concurrent opens cannot overshoot the limits.
      sessions.set(id, session)
      count(clientId, 1)
      server.onclose = () => void remove(session, 'closed')
      try {
        await server.connect(transport)
      } catch (error) {
        remove(session, 'closed')
        throw error
      }
      return session
    },
    get(id, clientId) {
      const session = sessions.get(id)
      // Another client's session answers exactly like an unknown one (MCP-A12, MCP-T5 404).
      return session && session.clientId === clientId ? session : undefined
    },
    async close(session, reason = 'closed') {
      remove(session, reason)
      await session.server.close().catch(() => {})
    },
    async sweep() {
      const now = clock()
      const idle = [...sessions.values()].filter(
        (s) => s.inflight === 0 && now - s.lastSeen >= options.idleMs,
      )
      await Promise.all(idle.map((s) => manager.close(s, 'idle')))
    },
    toolsChanged() {
      for (const session of sessions.values())
        if (session.transport.sessionId !== undefined)
          session.server.sendToolListChanged().catch(() => {})
    },
    async closeAll() {
      clearInterval(timer)
      await Promise.all([...sessions.values()].map((s) => manager.close(s, 'closed')))
    },
    get size() {
      return sessions.size
    },
    countOf: (clientId) => perClient.get(clientId) ?? 0,
  }

  const every = options.sweepEveryMs ?? Math.min(options.idleMs / 2, 60_000)
  const timer = setInterval(() => void manager.sweep(), Math.max(every, 10))
  ;(timer as { unref?: () => void }).unref?.()
  return manager
}
