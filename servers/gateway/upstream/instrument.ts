// The transport wrapper between an upstream's SDK `Client` and its transport: strips our call
// marker from outgoing tools/call `_meta`, hands the caller's authInfo to the in-process link, and
// routes progress, log notifications and the upstream's own requests to the call they belong to.
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type {
  JSONRPCMessage,
  LoggingMessageNotification,
  Progress,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js'
import type { LinkMessageExtra, LinkSendOptions } from './link.ts'

/**
 * `in-process`: a server mounted through the in-process link, which says which request a
 * notification relates to. `child`: a stdio process; its log notifications carry no request, so
 * one is given to a call only when that call is the only one running on the child.
 */
export type UpstreamKind = 'in-process' | 'child'

/** The `params` of a `notifications/message` (MCP logging). */
export type LogParams = LoggingMessageNotification['params']

/** Answers a request the upstream sent while serving a call: its result, or an `McpError`. */
export type UpstreamRequestHandler = (
  request: { method: string; params?: Record<string, unknown> },
  signal: AbortSignal,
) => Promise<Record<string, unknown>>

/** `_meta` key marking our own tools/call requests on their way out (stripped before sending). */
export const CALL_KEY = 'dev.mcp-docker.gateway/call'

/** One running call, as the routing sees it. */
export interface CallContext {
  authInfo?: AuthInfo
  onlog?: (params: LogParams) => void
  onprogress?: (progress: Progress) => void
  /** `ended` of the connection when the call started (child log attribution). */
  endedBefore?: number
  onrequest?: UpstreamRequestHandler
}

/** The routing state of one connection. */
export interface CallRoutes {
  /** Calls in flight by the JSON-RPC id our client gave them. */
  byId: Map<RequestId, CallContext>
  /** Calls ended on this connection so far (answered, failed, cancelled or timed out). */
  ended: number
  /** Requests of the upstream by their id, with the call they belong to. */
  asked: Map<RequestId, CallContext>
}

/** What `instrument` needs from its upstream; all required. */
export interface InstrumentOptions {
  /** How log notifications name their call (see `UpstreamKind`). */
  kind: UpstreamKind
  /** The routing state of the connection this transport belongs to. */
  connection: () => CallRoutes | undefined
  /** The call our marker (and progressToken) `key` stands for, while it runs. */
  pending: (key: number) => CallContext | undefined
  /** A log notification that belongs to no call. */
  onUnroutedLog: (params: LogParams) => void
}

const isRequest = (
  m: JSONRPCMessage,
): m is Extract<JSONRPCMessage, { method: string; id: RequestId }> => 'method' in m && 'id' in m
const isResponse = (m: JSONRPCMessage): m is Extract<JSONRPCMessage, { id: RequestId }> =>
  !('method' in m) && 'id' in m

/** Wraps the transport: strips our call marker, adds authInfo, routes notifications and requests. */
export function instrument(inner: Transport, options: InstrumentOptions): Transport {
  const { kind, connection: conn, pending, onUnroutedLog } = options
  const outer: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    async send(message, sendOptions) {
      if (isRequest(message) && message.method === 'tools/call') {
        const params = message.params as { _meta?: Record<string, unknown> } | undefined
        const key = params?._meta?.[CALL_KEY]
        const context = typeof key === 'number' ? pending(key) : undefined
        if (params?._meta && context) {
          const { _meta: _, ...rest } = params
          const { [CALL_KEY]: __, ...meta } = params._meta
          const stripped = {
            ...message,
            params: Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest,
          }
          conn()?.byId.set(message.id, context)
          const linkOptions: LinkSendOptions = { ...sendOptions }
          if (context.authInfo) linkOptions.authInfo = context.authInfo
          return inner.send(stripped, linkOptions)
        }
      }
      return inner.send(message, sendOptions)
    },
  }
  if (inner.setProtocolVersion)
    outer.setProtocolVersion = (version) => inner.setProtocolVersion?.(version)
  inner.onclose = () => outer.onclose?.()
  inner.onerror = (error) => outer.onerror?.(error)
  inner.onmessage = (message: JSONRPCMessage, extra?: LinkMessageExtra) => {
    const current = conn()
    // Progress is routed here, synchronously, by our own progressToken: the SDK defers
    // notifications to a microtask and drops progress that arrives in the same read as the
    // response (its handler is gone by then).
    if ('method' in message && !('id' in message) && message.method === 'notifications/progress') {
      const { progressToken, ...progress } = message.params as Progress & {
        progressToken?: unknown
      }
      const context = typeof progressToken === 'number' ? pending(progressToken) : undefined
      context?.onprogress?.(progress as Progress)
      return
    }
    if ('method' in message && !('id' in message) && message.method === 'notifications/message') {
      const params = message.params as LogParams
      let context: CallContext | undefined
      if (extra?.relatedRequestId !== undefined) context = current?.byId.get(extra.relatedRequestId)
      else if (kind === 'child' && current?.byId.size === 1) {
        // A child's log line names no request: it goes to a call only when that call is the
        // only one running and no other call ended since it began (whose late lines it could be).
        const only = current.byId.values().next().value!
        if (only.endedBefore === current.ended) context = only
      }
      if (context?.onlog) context.onlog(params)
      else onUnroutedLog(params)
      return
    }
    if (isResponse(message)) current?.byId.delete(message.id)
    if (isRequest(message) && current) {
      // A request of the upstream: the call it serves, as for log lines.
      let context: CallContext | undefined
      if (extra?.relatedRequestId !== undefined) context = current.byId.get(extra.relatedRequestId)
      else if (current.byId.size === 1) context = current.byId.values().next().value!
      if (context) current.asked.set(message.id, context)
    }
    outer.onmessage?.(message, extra)
  }
  return outer
}
