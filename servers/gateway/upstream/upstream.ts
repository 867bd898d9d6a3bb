// One upstream tool server behind the gateway, as a supervised MCP client connection: the SDK
// `Client` over whatever transport `open()` gives (the in-process link, or a stdio child), its
// tool list, calls with timeout and cancellation, notifications routed to the call they belong
// to (through `instrument.ts`), and reconnection with capped exponential backoff when the
// connection closes.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  McpError,
  ListToolsResultSchema,
  ResultSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Notification,
  type Progress,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { DEFAULT_BACKOFF, restartDelay, type BackoffOptions } from './backoff.ts'
import { UpstreamError } from './errors.ts'
import {
  CALL_KEY,
  instrument,
  type CallContext,
  type CallRoutes,
  type LogParams,
  type UpstreamKind,
  type UpstreamRequestHandler,
} from './instrument.ts'

export type { LogParams, UpstreamKind } from './instrument.ts'

/** `connecting` (first attempt), `ready`, `restarting` (waiting to reconnect), `stopped` (closed). */
export type UpstreamState = 'connecting' | 'ready' | 'restarting' | 'stopped'

/** How to reach one upstream server, and its limits. */
export interface UpstreamSpec {
  /** Server name from the configuration (tool name prefix, logs, error messages). */
  name: string
  kind: UpstreamKind
  /** Opens a new transport to the server: called at start and at every restart. */
  open: () => Promise<Transport> | Transport
  /** Longest wait for a call's result, ms; a progress notification restarts it. Default 60 000. */
  callTimeoutMs?: number
  /** Longest total time of a call, progress or not, ms. Default 600 000. */
  maxCallMs?: number
  /** Longest wait for connect + initialize + tools/list, ms. Default 15 000. */
  connectTimeoutMs?: number
  /** Restart delays after the connection closes or an attempt fails. */
  restart?: BackoffOptions
}

/** Per-call options of `Upstream.call`. */
export interface UpstreamCallOptions {
  /** Aborting it cancels the call upstream (`notifications/cancelled`). */
  signal?: AbortSignal
  /** Caller identity for in-process servers (`extra.authInfo`); its `token` must be ''. */
  authInfo?: AuthInfo
  /** Progress of the call; when given, the upstream is asked for progress (a progressToken). */
  onprogress?: (progress: Progress) => void
  /** Log notifications the upstream sent for this call. */
  onlog?: (params: LogParams) => void
  /**
   * Answers a request the upstream sent while serving this call (`sampling/createMessage`,
   * `elicitation/create`, `roots/list`): resolves with its result or rejects with an `McpError`.
   * Without it such requests are answered with an error.
   */
  onrequest?: UpstreamRequestHandler
}

export interface UpstreamOptions {
  /** Operator log (start, crash, restart lines). Default: none. */
  log?: (line: string) => void
  /** Called after the tool list changed: first connect, a reconnect with other tools, list_changed. */
  onToolsChanged?: (upstream: Upstream) => void
  /**
   * Any other notification of the upstream (`notifications/resources/updated`, resources and
   * prompts `list_changed`…), for the front servers to route. Default: dropped.
   */
  onNotification?: (upstream: Upstream, notification: Notification) => void
  /** A log notification that belongs to no call (kept out of every client's stream). */
  onUnroutedLog?: (upstream: Upstream, params: LogParams) => void
  /** Current time in ms. Default `Date.now`. */
  clock?: () => number
  /** `clientInfo` the gateway sends in `initialize`. */
  clientInfo?: { name: string; version: string }
}

/** A supervised upstream connection. */
export interface Upstream {
  readonly name: string
  readonly kind: UpstreamKind
  readonly state: UpstreamState
  /** The tools as last listed; kept while restarting; undefined until the first listing. */
  readonly tools: readonly Tool[] | undefined
  /** `serverInfo` and `instructions` of the last `initialize`. */
  readonly server: { name: string; version: string; instructions?: string } | undefined
  /** Connections lost or attempts failed since start. */
  readonly failures: number
  /** Calls running now. */
  readonly inflight: number
  /** Connects; resolves when connected or when the first attempt failed (a retry is scheduled). */
  start(): Promise<void>
  /**
   * Calls `tool` with `args`. Resolves with the upstream's result (`isError` results included);
   * rejects with an `UpstreamError` (not connected, crashed, timed out, cancelled, shutting down)
   * or with the SDK's `McpError` for a JSON-RPC error the upstream answered.
   */
  call(
    tool: string,
    args: Record<string, unknown>,
    options?: UpstreamCallOptions,
  ): Promise<CallToolResult>
  /** The capabilities of the last `initialize` (undefined until connected). */
  readonly capabilities: ServerCapabilities | undefined
  /**
   * Sends any other request (`resources/read`, `prompts/get`, `completion/complete`…) and resolves
   * with its raw result; rejects like `call` (an `UpstreamError`, or the SDK's `McpError`).
   */
  request(
    method: string,
    params: Record<string, unknown>,
    options?: { signal?: AbortSignal },
  ): Promise<Record<string, unknown>>
  /** Stops supervising and closes the connection (a child is ended). Idempotent. */
  close(): Promise<void>
}

/** A timeout far beyond ours: the SDK's own request timer must never be the one that fires. */
const SDK_TIMEOUT_MS = 2 ** 31 - 1

interface Connection extends CallRoutes {
  client: Client
  closed: boolean
  connectedAt: number
}

export function createUpstream(spec: UpstreamSpec, options: UpstreamOptions = {}): Upstream {
  const { name, kind } = spec
  const callTimeoutMs = spec.callTimeoutMs ?? 60_000
  const maxCallMs = spec.maxCallMs ?? 600_000
  const connectTimeoutMs = spec.connectTimeoutMs ?? 15_000
  const backoff = { ...DEFAULT_BACKOFF, ...spec.restart }
  const clock = options.clock ?? Date.now
  const log = options.log ?? (() => {})
  const clientInfo = options.clientInfo ?? { name: 'mcp-docker-gateway', version: '0.1.0' }

  let state: UpstreamState = 'connecting'
  /** Read through a call so TypeScript does not narrow it across awaits. */
  const stopped = () => state === 'stopped'
  let tools: Tool[] | undefined
  let server: Upstream['server']
  let failures = 0
  let inflight = 0
  let connection: Connection | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retryAt: number | undefined
  let attempt: Promise<void> | undefined
  const pending = new Map<number, CallContext>()
  let callSeq = 0

  const upstream: Upstream = {
    name,
    kind,
    get state() {
      return state
    },
    get tools() {
      return tools
    },
    get server() {
      return server
    },
    get failures() {
      return failures
    },
    get inflight() {
      return inflight
    },
    get capabilities() {
      return connection?.client.getServerCapabilities()
    },
    start: () => (attempt ??= connect()),
    call,
    request,
    close,
  }

  async function connect(): Promise<void> {
    retryTimer = undefined
    retryAt = undefined
    if (state === 'stopped') return
    let conn: Connection | undefined
    let transport: Transport | undefined
    try {
      transport = await spec.open()
      const client = new Client(clientInfo, {
        capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} },
      })
      conn = {
        client,
        closed: false,
        connectedAt: clock(),
        byId: new Map(),
        ended: 0,
        asked: new Map(),
      }
      const current = conn
      // MCP 2025-11-25 client/sampling, client/elicitation, client/roots: relayed to the session
      // whose call the upstream is serving; no such call (or a client without it): an error.
      for (const schema of [
        CreateMessageRequestSchema,
        ElicitRequestSchema,
        ListRootsRequestSchema,
      ])
        client.setRequestHandler(
          schema as typeof ListRootsRequestSchema,
          async (request, extra) => {
            const context = current.asked.get(extra.requestId)
            current.asked.delete(extra.requestId)
            if (!context?.onrequest)
              throw new McpError(
                ErrorCode.InvalidRequest,
                `${request.method} is only answered while a tool call of this server runs`,
              )
            return (await context.onrequest(request, extra.signal)) as never
          },
        )
      client.onclose = () => onClosed(current)
      client.onerror = () => {} // transport noise; a lost connection arrives as onclose
      client.fallbackNotificationHandler = async (notification) => {
        if (connection === current) options.onNotification?.(upstream, notification)
      }
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        if (connection === current) void relist(current)
      })
      await client.connect(
        instrument(transport, {
          kind,
          connection: () => current,
          pending: (key) => pending.get(key),
          onUnroutedLog: (params) => options.onUnroutedLog?.(upstream, params),
        }),
        { timeout: connectTimeoutMs },
      )
      const listed = await listAll(client)
      if (stopped() || current.closed) {
        await client.close().catch(() => {})
        return
      }
      connection = current
      current.connectedAt = clock()
      const info = client.getServerVersion()
      server = info
        ? {
            name: info.name,
            version: info.version,
            ...(client.getInstructions() ? { instructions: client.getInstructions()! } : {}),
          }
        : undefined
      state = 'ready'
      log(`${name}: connected (${listed.length} tools)`)
      setTools(listed)
    } catch (error) {
      failures++
      if (conn) {
        conn.closed = true
        await conn.client.close().catch(() => {})
      } else await transport?.close().catch(() => {})
      if (stopped()) return
      log(`${name}: cannot connect (${describe(error)})`)
      scheduleRetry()
    }
  }

  function setTools(listed: Tool[]): void {
    const changed = tools === undefined || JSON.stringify(tools) !== JSON.stringify(listed)
    tools = listed
    if (changed) options.onToolsChanged?.(upstream)
  }

  async function relist(conn: Connection): Promise<void> {
    try {
      const listed = await listAll(conn.client)
      if (connection === conn) setTools(listed)
    } catch (error) {
      log(`${name}: tools/list after list_changed failed (${describe(error)})`)
    }
  }

  async function listAll(client: Client): Promise<Tool[]> {
    const all: Tool[] = []
    let cursor: string | undefined
    for (let page = 0; page < 100; page++) {
      const result = await client.request(
        { method: 'tools/list', params: cursor === undefined ? {} : { cursor } },
        ListToolsResultSchema,
        { timeout: connectTimeoutMs },
      )
      all.push(...result.tools)
      cursor = result.nextCursor
      if (cursor === undefined) break
    }
    return all
  }

  function onClosed(conn: Connection): void {
    conn.closed = true
    if (connection !== conn) return
    connection = undefined
    if (state === 'stopped') return
    const lived = clock() - conn.connectedAt
    if (lived >= backoff.stableAfterMs) failures = 0
    failures++
    log(`${name}: connection closed after ${lived} ms`)
    scheduleRetry()
  }

  function scheduleRetry(): void {
    state = 'restarting'
    const delay = restartDelay(failures, backoff)
    retryAt = clock() + delay
    log(`${name}: next connection attempt in ${delay} ms`)
    retryTimer = setTimeout(() => void connect(), delay)
    ;(retryTimer as { unref?: () => void }).unref?.()
  }

  async function call(
    tool: string,
    args: Record<string, unknown>,
    callOptions: UpstreamCallOptions = {},
  ): Promise<CallToolResult> {
    const conn = ready()
    const { signal, onprogress } = callOptions
    if (signal?.aborted)
      throw new UpstreamError('ERR_UPSTREAM_CANCELLED', name, 'the call was cancelled')
    const key = ++callSeq
    const context: CallContext = { endedBefore: conn.ended }
    if (callOptions.authInfo) context.authInfo = callOptions.authInfo
    if (callOptions.onlog) context.onlog = callOptions.onlog
    if (callOptions.onrequest) context.onrequest = callOptions.onrequest

    // Our own timers (not the SDK's) so that a timeout is told apart from an upstream error code.
    const abort = new AbortController()
    let timedOut = false
    const expire = () => {
      timedOut = true
      abort.abort(new Error('timed out'))
    }
    let idle = setTimeout(expire, callTimeoutMs)
    const total = setTimeout(expire, maxCallMs)
    if (onprogress) {
      context.onprogress = (progress) => {
        clearTimeout(idle)
        idle = setTimeout(expire, callTimeoutMs)
        onprogress(progress)
      }
    }
    pending.set(key, context)
    const onAbort = () => abort.abort(new Error('cancelled by the client'))
    signal?.addEventListener('abort', onAbort, { once: true })
    inflight++
    try {
      // `key` doubles as the progressToken: unique per upstream connection, routed in instrument().
      const meta = { [CALL_KEY]: key, ...(onprogress ? { progressToken: key } : {}) }
      return await conn.client.request(
        { method: 'tools/call', params: { name: tool, arguments: args, _meta: meta } },
        CallToolResultSchema,
        { signal: abort.signal, timeout: SDK_TIMEOUT_MS },
      )
    } catch (error) {
      if (timedOut)
        throw new UpstreamError(
          'ERR_UPSTREAM_TIMEOUT',
          name,
          `tool ${tool} of server ${name} did not answer within ${Math.round(callTimeoutMs / 1000)} s; the call was cancelled`,
        )
      if (signal?.aborted)
        throw new UpstreamError('ERR_UPSTREAM_CANCELLED', name, 'the call was cancelled')
      if (conn.closed)
        throw new UpstreamError(
          'ERR_UPSTREAM_CRASHED',
          name,
          stopped()
            ? 'the gateway is shutting down'
            : `server ${name} stopped while the call was running; it is being restarted, try again shortly`,
        )
      throw error
    } finally {
      inflight--
      clearTimeout(idle)
      clearTimeout(total)
      signal?.removeEventListener('abort', onAbort)
      pending.delete(key)
      conn.ended++
      // A cancelled or timed-out call gets no response: forget its id here.
      for (const [id, entry] of conn.byId) if (entry === context) conn.byId.delete(id)
    }
  }

  async function request(
    method: string,
    params: Record<string, unknown>,
    requestOptions: { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const conn = ready()
    const { signal } = requestOptions
    if (signal?.aborted)
      throw new UpstreamError('ERR_UPSTREAM_CANCELLED', name, 'the request was cancelled')
    const abort = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      abort.abort(new Error('timed out'))
    }, callTimeoutMs)
    const onAbort = () => abort.abort(new Error('cancelled by the client'))
    signal?.addEventListener('abort', onAbort, { once: true })
    inflight++
    try {
      return await conn.client.request({ method, params }, ResultSchema.passthrough(), {
        signal: abort.signal,
        timeout: SDK_TIMEOUT_MS,
      })
    } catch (error) {
      if (timedOut)
        throw new UpstreamError(
          'ERR_UPSTREAM_TIMEOUT',
          name,
          `${method} of server ${name} did not answer within ${Math.round(callTimeoutMs / 1000)} s; the request was cancelled`,
        )
      if (signal?.aborted)
        throw new UpstreamError('ERR_UPSTREAM_CANCELLED', name, 'the request was cancelled')
      if (conn.closed)
        throw new UpstreamError(
          'ERR_UPSTREAM_CRASHED',
          name,
          `server ${name} stopped while the request was running; try again shortly`,
        )
      throw error
    } finally {
      inflight--
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** The live connection, or the `UpstreamError` saying why there is none. */
  function ready(): Connection {
    const conn = connection
    if (state === 'stopped')
      throw new UpstreamError('ERR_UPSTREAM_CLOSED', name, 'the gateway is shutting down')
    if (!conn || state !== 'ready') {
      const wait = retryAt === undefined ? undefined : Math.max(0, retryAt - clock())
      const when = wait === undefined ? '' : ` (next attempt in ${Math.ceil(wait / 1000)} s)`
      throw new UpstreamError(
        'ERR_UPSTREAM_UNAVAILABLE',
        name,
        state === 'connecting'
          ? `server ${name} is starting; try again shortly`
          : `server ${name} is restarting${when}; try again shortly`,
        wait,
      )
    }
    return conn
  }

  async function close(): Promise<void> {
    if (state === 'stopped') return
    state = 'stopped'
    if (retryTimer !== undefined) clearTimeout(retryTimer)
    const conn = connection
    connection = undefined
    if (conn) {
      conn.closed = true
      await conn.client.close().catch(() => {})
    }
  }

  return upstream
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 300)
  return 'unknown error'
}
