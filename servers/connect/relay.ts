// The relay: every JSON-RPC message from the client goes to the gateway and every message from
// the gateway goes to the client, unchanged (requests, notifications, responses, server-to-client
// requests, progress). It keeps the session (Mcp-Session-Id, MCP-Protocol-Version, MCP-T5/T6),
// opens a new one when the gateway ended it, answers requests it cannot deliver with a JSON-RPC
// error, and ends the session with DELETE when the client goes away.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js'
import { asConnectError, ConnectError, RELAY_ERROR_CODE } from './errors.ts'

/** The gateway side: the SDK's StreamableHTTPClientTransport has these members. */
export interface UpstreamTransport extends Transport {
  setProtocolVersion(version: string): void
  terminateSession(): Promise<void>
  readonly sessionId?: string | undefined
}

export interface RelayOptions {
  /** The client side (stdio in the entry). The relay starts it. */
  downstream: Transport
  /** A new, unstarted transport to the gateway: at start, and again after the gateway lost the session. */
  openUpstream: () => UpstreamTransport
  /** Status and error lines (stderr). Default: none. */
  log?: (line: string) => void
  /** Longest wait for the DELETE that ends the session at close, ms. Default 2000. */
  closeTimeoutMs?: number
}

export interface Relay {
  /** Starts both sides. */
  start(): Promise<void>
  /** Ends the gateway session (DELETE), closes both sides. Idempotent. */
  close(): Promise<void>
  /** Resolves once closed (by `close()` or the client side closing). */
  readonly done: Promise<void>
}

interface Pending {
  method: string
  /** The transport the request went out on. */
  via: UpstreamTransport
  /** Being sent again on a new session (the gateway answered 404). */
  retrying: boolean
}

const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { id: RequestId; method: string } =>
  'method' in m && 'id' in m
const isResponse = (m: JSONRPCMessage): m is JSONRPCMessage & { id: RequestId } =>
  !('method' in m) && 'id' in m && m.id !== undefined

/** The HTTP status the SDK's StreamableHTTPError carries as `code` (or ours as `status`). */
function httpStatus(error: unknown): number | undefined {
  if (error instanceof ConnectError) return error.status
  const code = (error as { code?: unknown })?.code
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined
}

/** A one-line description of a delivery failure. */
function describeFailure(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error
  const status = httpStatus(error)
  const text = (error instanceof Error ? error.message : String(error))
    .replace(/^Streamable HTTP error: /, '')
    .replace(/\s+/g, ' ')
    .slice(0, 300)
  return status !== undefined
    ? new ConnectError(
        'ERR_GATEWAY_REFUSED',
        `the gateway answered HTTP ${status}: ${text}`,
        status,
      )
    : asConnectError(error, 'ERR_GATEWAY_UNREACHABLE')
}

export function createRelay(options: RelayOptions): Relay {
  const { downstream, openUpstream } = options
  const log = options.log ?? (() => undefined)
  const closeTimeoutMs = options.closeTimeoutMs ?? 2000
  const pending = new Map<RequestId, Pending>()
  /** Our own requests on a new session (the replayed initialize), by id. */
  const internal = new Map<RequestId, (message: JSONRPCMessage) => void>()
  let upstream: UpstreamTransport | undefined
  /** The client's initialize request and whether it sent `initialized`, for a new session. */
  let initialize: (JSONRPCMessage & { id: RequestId; method: string }) | undefined
  let initialized = false
  /**
   * Set while the client's initialize is on its way: messages sent before its answer (which
   * carries the session id, MCP-T5) wait for it, in order, instead of reaching the gateway
   * without a session (400).
   */
  let initializing: { done: Promise<void>; resolve: () => void } | undefined
  let reopening: Promise<void> | undefined
  let reopenCount = 0
  let closing: Promise<void> | undefined
  let resolveDone!: () => void
  const done = new Promise<void>((resolve) => (resolveDone = resolve))

  const toClient = (message: JSONRPCMessage) =>
    downstream.send(message).catch((error) => log(`cannot write to the client: ${String(error)}`))

  function initializeSettled() {
    initializing?.resolve()
    initializing = undefined
  }

  function answerWithError(id: RequestId, method: string, failure: ConnectError) {
    if (method === 'initialize') initializeSettled()
    pending.delete(id)
    void toClient({
      jsonrpc: '2.0',
      id,
      error: {
        code: RELAY_ERROR_CODE,
        message: `connect could not deliver ${method} to the gateway: ${failure.message}`,
        data: {
          code: failure.code,
          ...(failure.status !== undefined ? { status: failure.status } : {}),
        },
      },
    })
  }

  function wire(transport: UpstreamTransport) {
    transport.onmessage = (message) => fromGateway(transport, message)
    transport.onerror = (error) => {
      if (closing || transport !== upstream) return
      if ((error as { name?: string })?.name === 'AbortError') return
      log(describeFailure(error).message)
    }
  }

  function fromGateway(via: UpstreamTransport, message: JSONRPCMessage) {
    if (isResponse(message)) {
      const waiter = internal.get(message.id)
      if (waiter) {
        internal.delete(message.id)
        waiter(message)
        return
      }
      const entry = pending.get(message.id)
      if (entry) {
        pending.delete(message.id)
        // MCP-T6: later requests carry the negotiated version (the SDK client does this itself).
        const result = (message as { result?: { protocolVersion?: unknown } }).result
        if (entry.method === 'initialize' && typeof result?.protocolVersion === 'string')
          via.setProtocolVersion(result.protocolVersion)
        if (entry.method === 'initialize') initializeSettled()
      }
    }
    void toClient(message)
  }

  async function forward(message: JSONRPCMessage) {
    const isInitialize = isRequest(message) && message.method === 'initialize'
    if (!isInitialize && initializing) await initializing.done
    if (reopening) await reopening.catch(() => undefined)
    if (closing) {
      if (isRequest(message)) {
        answerWithError(message.id, message.method, new ConnectError('ERR_CLOSED', 'closing'))
      }
      return
    }
    const via = upstream!
    if (isRequest(message)) {
      const entry = pending.get(message.id)
      if (entry) entry.via = via
      else pending.set(message.id, { method: message.method, via, retrying: false })
    }
    try {
      await via.send(message)
    } catch (error) {
      await failed(message, via, error)
    }
  }

  async function failed(message: JSONRPCMessage, via: UpstreamTransport, error: unknown) {
    const entry = isRequest(message) ? pending.get(message.id) : undefined
    // MCP-T5: 404 to a request with a session id means the session is gone; the client must
    // initialize again. The client here is connect: a new session, then this message once more.
    if (
      httpStatus(error) === 404 &&
      via.sessionId !== undefined &&
      initialize !== undefined &&
      !(isRequest(message) && message.method === 'initialize') &&
      !entry?.retrying
    ) {
      if (entry) entry.retrying = true
      try {
        await reopen(via)
        await forward(message)
        return
      } catch (reopenError) {
        error = reopenError
      }
    }
    if (isRequest(message)) answerWithError(message.id, message.method, describeFailure(error))
  }

  /** A new session after the gateway ended `lost`: replay the client's initialize and initialized. */
  function reopen(lost: UpstreamTransport): Promise<void> {
    if (upstream !== lost) return reopening ?? Promise.resolve()
    reopening ??= (async () => {
      log('the gateway ended the session (404); opening a new one')
      const next = openUpstream()
      wire(next)
      await next.start()
      upstream = next
      void lost.close().catch(() => undefined)
      const id = `connect-session-${++reopenCount}`
      const answer = new Promise<JSONRPCMessage>((resolve) => internal.set(id, resolve))
      try {
        await next.send({ ...initialize!, id })
      } catch (error) {
        internal.delete(id)
        throw error
      }
      const response = (await answer) as { result?: { protocolVersion?: unknown }; error?: unknown }
      if (!response.result)
        throw new ConnectError('ERR_GATEWAY_REFUSED', 'the gateway refused the new session')
      if (typeof response.result.protocolVersion === 'string')
        next.setProtocolVersion(response.result.protocolVersion)
      if (initialized) await next.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
      // Requests still waiting on the lost session will get no answer there.
      for (const [id, entry] of pending)
        if (entry.via === lost && !entry.retrying)
          answerWithError(
            id,
            entry.method,
            new ConnectError(
              'ERR_GATEWAY_REFUSED',
              'the gateway ended the session during the call',
            ),
          )
      log(`new gateway session open`)
    })().finally(() => (reopening = undefined))
    return reopening
  }

  function fromClient(message: JSONRPCMessage) {
    if (isRequest(message) && message.method === 'initialize') {
      initialize = message
      if (!initializing) {
        let resolve!: () => void
        const done = new Promise<void>((r) => (resolve = r))
        initializing = { done, resolve }
      }
    }
    if ('method' in message && message.method === 'notifications/initialized') initialized = true
    void forward(message)
  }

  async function close(): Promise<void> {
    closing ??= (async () => {
      const via = upstream
      if (via?.sessionId !== undefined) {
        // MCP-T5: the client SHOULD end the session it no longer needs with DELETE.
        let timer: ReturnType<typeof setTimeout> | undefined
        const timeout = new Promise<void>(
          (resolve) => (timer = setTimeout(resolve, closeTimeoutMs)),
        )
        await Promise.race([
          via.terminateSession().catch((error) => {
            log(`could not end the gateway session: ${describeFailure(error).message}`)
          }),
          timeout,
        ])
        clearTimeout(timer)
      }
      await via?.close().catch(() => undefined)
      await downstream.close().catch(() => undefined)
      initializeSettled()
      resolveDone()
    })()
    return closing
  }

  return {
    done,
    async start() {
      downstream.onmessage = fromClient
      downstream.onclose = () => void close()
      downstream.onerror = (error) =>
        log(`client: ${String(error instanceof Error ? error.message : error)}`)
      upstream = openUpstream()
      wire(upstream)
      await upstream.start()
      await downstream.start()
    },
    close,
  }
}
