// Streamable HTTP sessions of the gateway (MCP-T5, MCP-A12): one SDK transport and one front
// server per session, a secure random id bound to the client id of the token that opened it,
// closed after idle time, DELETE or the revocation of its token; bounded in number globally and
// per client (the idle sessions of the biggest holder make room when the global cap is hit); the
// open response streams and the tools/call requests in flight of each session.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

/** A JSON-RPC request id. */
export type RequestId = string | number

/** One session. */
export interface Session {
  /** `Mcp-Session-Id`: a random UUID (122 random bits, visible ASCII: MCP-T5). */
  readonly id: string
  /** The client id of the token that opened it; other clients never reach it (MCP-A12). */
  readonly clientId: string
  /** `jti` of the token whose `initialize` opened it: revoking that token ends the session. */
  readonly openedBy: string
  readonly transport: WebStandardStreamableHTTPServerTransport
  readonly server: Server
  /** The protocol revision negotiated by `initialize` (the route records it). */
  protocolVersion: string
  /** Last request, ms. */
  lastSeen: number
  /** Tool calls running in the front server. */
  inflight: number
  /** Response streams open (the GET stream, SSE answers still being written). */
  readonly streams: number
  /** Ids of the tools/call requests accepted and not answered yet (nor cancelled). */
  readonly calls: ReadonlySet<RequestId>
}

/** Hooks a front server calls so the manager knows a session is busy. */
export interface SessionHooks {
  onCallStart(): void
  onCallEnd(): void
}

/** Why a session ended. */
export type CloseReason = 'deleted' | 'idle' | 'closed' | 'evicted' | 'revoked'

export interface SessionManagerOptions {
  /** Makes the front server of a new session. */
  createServer: (hooks: SessionHooks) => Server
  /** A session that is not busy (no call, no open stream) and has had no request for this long is closed, ms. */
  idleMs: number
  /**
   * Most sessions at once. When a new session would exceed it, the least recently used idle
   * session (no call in flight, no open stream) of the client holding the most sessions is
   * closed to make room; only when no session is idle is the new one refused.
   */
  maxSessions: number
  /**
   * Most sessions of one client id at once (keep it well below `maxSessions`); a client at it
   * is refused (`client_full`): its sessions are its own to end (DELETE) or to let expire.
   */
  maxPerClient: number
  /** Most tools/call requests in flight for one client id, over all its sessions. Default unlimited. */
  maxCallsPerClient?: number
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /** How often idle sessions are looked for, ms. Default min(idleMs / 2, 60 000). */
  sweepEveryMs?: number
  /** Told when a session ends, with the reason. */
  onClose?: (session: Session, reason: CloseReason) => void
  /** Secure random session ids. Default `crypto.randomUUID`. */
  newId?: () => string
}

/** Why a new session was refused. */
export type OpenRefusal = 'full' | 'client_full'

export interface SessionManager {
  /**
   * Opens a session for `clientId`, opened by the token `jti` (its transport still has to handle
   * the initialize request).
   */
  open(clientId: string, jti: string): Promise<Session | OpenRefusal>
  /** The session `id` of `clientId`; undefined when unknown, ended, or another client's. */
  get(id: string, clientId: string): Session | undefined
  /** Ends a session (its streams close; later requests with its id get 404). */
  close(session: Session, reason?: CloseReason): Promise<void>
  /**
   * Counts `response`'s body as an open stream of `session` opened with the token `jti` until it
   * ends (then `onEnd` is called); returns the response to send (the same status and headers).
   * Bodiless answers pass.
   */
  track(session: Session, jti: string, response: Response, onEnd?: () => void): Response
  /**
   * Records tools/call requests accepted on `session` and returns the ids newly recorded;
   * undefined (nothing recorded) when they would take its client over `maxCallsPerClient`. Each
   * is released when its response is sent, when the client cancels it (`cancelled`), or when the
   * session ends.
   */
  reserveCalls(session: Session, ids: readonly RequestId[]): RequestId[] | undefined
  /** Releases calls the client cancelled (`notifications/cancelled`): no response will follow. */
  cancelled(session: Session, ids: readonly RequestId[]): void
  /** tools/call requests in flight for `clientId`. */
  callsOf(clientId: string): number
  /**
   * The token `jti` was revoked: ends the response streams opened with it and the sessions it
   * opened. Returns how many streams and sessions were ended.
   */
  revoke(jti: string): Promise<number>
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

/** Mutable session state behind the read-only view. */
interface SessionState extends Session {
  streams: number
  calls: Set<RequestId>
  /** Closers of the open streams of this session. */
  closers: Set<() => void>
}

/** Is `message` a JSON-RPC response (result or error) with an id? */
const responseId = (message: JSONRPCMessage): RequestId | undefined => {
  const m = message as { id?: unknown; result?: unknown; error?: unknown; method?: unknown }
  if (m.method !== undefined || (m.result === undefined && m.error === undefined)) return undefined
  return typeof m.id === 'string' || typeof m.id === 'number' ? m.id : undefined
}

/**
 * `body` re-emitted chunk by chunk (no buffering: a chunk is read when the consumer wants one),
 * with `onEnd` called once when it ends, fails or is cancelled, and `close()` to end it from here
 * (the source is cancelled, so the SDK drops its stream mapping).
 */
function trackedBody(
  body: ReadableStream<Uint8Array>,
  onEnd: () => void,
): { stream: ReadableStream<Uint8Array>; close: () => void } {
  const reader = body.getReader()
  let ended = false
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const end = () => {
    if (ended) return false
    ended = true
    onEnd()
    return true
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      async pull(c) {
        let chunk: Awaited<ReturnType<typeof reader.read>>
        try {
          chunk = await reader.read()
        } catch (error) {
          if (end()) c.error(error)
          return
        }
        if (ended) return
        if (chunk.done) {
          end()
          c.close()
        } else c.enqueue(chunk.value)
      },
      cancel(reason) {
        end()
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
  const close = () => {
    if (!end()) return
    try {
      controller.close()
    } catch {
      // already closed or errored
    }
    void reader.cancel().catch(() => {})
  }
  return { stream, close }
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const clock = options.clock ?? Date.now
  const newId = options.newId ?? (() => crypto.randomUUID())
  const maxCalls = options.maxCallsPerClient ?? Number.POSITIVE_INFINITY
  const sessions = new Map<string, SessionState>()
  const perClient = new Map<string, number>()
  const callsPerClient = new Map<string, number>()
  /** Stream closers by the `jti` of the token that opened the stream. */
  const streamsByToken = new Map<string, Set<() => void>>()

  const bump = (map: Map<string, number>, key: string, delta: number) => {
    const next = (map.get(key) ?? 0) + delta
    if (next <= 0) map.delete(key)
    else map.set(key, next)
  }
  const releaseCall = (session: SessionState, id: RequestId) => {
    if (session.calls.delete(id)) bump(callsPerClient, session.clientId, -1)
  }

  const remove = (session: SessionState, reason: CloseReason) => {
    if (sessions.get(session.id) !== session) return false
    sessions.delete(session.id)
    bump(perClient, session.clientId, -1)
    for (const id of [...session.calls]) releaseCall(session, id)
    options.onClose?.(session, reason)
    return true
  }

  /** Not busy: no call running or awaiting its answer, no open stream. */
  const isIdle = (s: SessionState) => s.inflight === 0 && s.calls.size === 0 && s.streams === 0

  /**
   * The session to close for room: an idle one of the client holding the most sessions, the
   * least recently used of them; undefined when every session is busy.
   */
  const evictionVictim = (): SessionState | undefined => {
    let victim: SessionState | undefined
    for (const s of sessions.values()) {
      if (!isIdle(s)) continue
      if (!victim) {
        victim = s
        continue
      }
      const held = perClient.get(s.clientId)!
      const victimHeld = perClient.get(victim.clientId)!
      if (held > victimHeld || (held === victimHeld && s.lastSeen < victim.lastSeen)) victim = s
    }
    return victim
  }

  const manager: SessionManager = {
    async open(clientId, jti) {
      if ((perClient.get(clientId) ?? 0) >= options.maxPerClient) return 'client_full'
      if (sessions.size >= options.maxSessions) {
        const victim = evictionVictim()
        if (!victim) return 'full'
        // Removed now (the count drops before any await); its server closes in the background.
        void manager.close(victim, 'evicted')
      }
      const id = newId()
      let session: SessionState
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        // DELETE (MCP-T5): the transport closes itself after this.
        onsessionclosed: () => void remove(session, 'deleted'),
      })
      // A call's slot is free once its answer is sent (also when its stream is gone).
      const send = transport.send.bind(transport)
      transport.send = (message, sendOptions) => {
        const answered = responseId(message)
        if (answered !== undefined) releaseCall(session, answered)
        return send(message, sendOptions)
      }
      const server = options.createServer({
        onCallStart: () => void session.inflight++,
        onCallEnd: () => {
          session.inflight--
          session.lastSeen = clock()
        },
      })
      session = {
        id,
        clientId,
        openedBy: jti,
        transport,
        server,
        protocolVersion: LATEST_PROTOCOL_VERSION,
        lastSeen: clock(),
        inflight: 0,
        streams: 0,
        calls: new Set(),
        closers: new Set(),
      }
      // Counted before the first await: concurrent opens cannot overshoot the limits.
      sessions.set(id, session)
      bump(perClient, clientId, 1)
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
      remove(session as SessionState, reason)
      for (const close of [...(session as SessionState).closers]) close()
      await session.server.close().catch(() => {})
    },
    track(view, jti, response, onEnd) {
      const session = view as SessionState
      if (!response.body) return response
      let closers = streamsByToken.get(jti)
      if (!closers) streamsByToken.set(jti, (closers = new Set()))
      const tokenClosers = closers
      session.streams++
      const tracked = trackedBody(response.body, () => {
        session.streams--
        session.lastSeen = clock()
        session.closers.delete(tracked.close)
        tokenClosers.delete(tracked.close)
        if (tokenClosers.size === 0 && streamsByToken.get(jti) === tokenClosers)
          streamsByToken.delete(jti)
        onEnd?.()
      })
      session.closers.add(tracked.close)
      tokenClosers.add(tracked.close)
      return new Response(tracked.stream, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      })
    },
    reserveCalls(view, ids) {
      const session = view as SessionState
      const fresh = [...new Set(ids)].filter((id) => !session.calls.has(id))
      if ((callsPerClient.get(session.clientId) ?? 0) + fresh.length > maxCalls) return undefined
      for (const id of fresh) session.calls.add(id)
      bump(callsPerClient, session.clientId, fresh.length)
      return fresh
    },
    cancelled(view, ids) {
      for (const id of ids) releaseCall(view as SessionState, id)
    },
    callsOf: (clientId) => callsPerClient.get(clientId) ?? 0,
    async revoke(jti) {
      const streams = [...(streamsByToken.get(jti) ?? [])]
      for (const close of streams) close()
      const opened = [...sessions.values()].filter((s) => s.openedBy === jti)
      await Promise.all(opened.map((s) => manager.close(s, 'revoked')))
      return streams.length + opened.length
    },
    async sweep() {
      const now = clock()
      const idle = [...sessions.values()].filter(
        (s) => isIdle(s) && now - s.lastSeen >= options.idleMs,
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
