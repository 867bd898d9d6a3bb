// The context a tool handler gets: caller identity, cancellation, MCP logging and progress
// notifications (MCP 2025-11-25 server/utilities/logging, basic/utilities/progress).
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js'
import type {
  LoggingLevel,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js'
import type { Identity } from './identity.ts'

/** What the SDK hands a request handler. */
export type HandlerExtra = RequestHandlerExtra<ServerRequest, ServerNotification>

/** Sends `notifications/message` to the client. Never throws; messages are PII-masked (LOG-2). */
export type LogMethod = (message: string, data?: Record<string, unknown>) => void

/** The levels a tool can log at (RFC 5424 severities as MCP names them), lowest first. */
export interface ToolLogger {
  debug: LogMethod
  info: LogMethod
  notice: LogMethod
  warning: LogMethod
  error: LogMethod
}

/**
 * Reports progress of a long call as `notifications/progress`, only when the client asked for it
 * with a `progressToken`. `progress` must increase from call to call (MCP progress rule): values
 * that do not are dropped. Resolves once sent; never rejects.
 */
export type ProgressReporter = (progress: number, total?: number, message?: string) => Promise<void>

export interface ToolContext {
  /** The caller: client id and token id on HTTP, all undefined on stdio. */
  readonly identity: Identity
  /** Aborted when the client cancels the request or the transport closes. */
  readonly signal: AbortSignal
  /** MCP logging notifications, filtered by the client's `logging/setLevel`. */
  readonly log: ToolLogger
  /** Progress notifications for the client's `progressToken`; a no-op without one. */
  readonly progress: ProgressReporter
  /** JSON-RPC id of the `tools/call` request. */
  readonly requestId: string | number
  /** Transport session id (Streamable HTTP), undefined on stdio. */
  readonly sessionId?: string
}

/** Severity order of MCP logging levels. */
export const LOG_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
]

export interface ContextOptions {
  /** Tool name, sent as the `logger` of log notifications. */
  tool: string
  identity: Identity
  extra: HandlerExtra
  /** Lowest level the client wants (from `logging/setLevel`). */
  minLevel: () => LoggingLevel
  /** Masks PII in free text before it leaves the process (the guard's scrubber). */
  scrub: (text: string) => string
  /** Masks PII in every string of a JSON value; throws on values it cannot walk. */
  scrubValue: <T>(value: T) => T
}

/** Builds the context of one call from the SDK's request extra. */
export function createToolContext(options: ContextOptions): ToolContext {
  const { tool, identity, extra, minLevel, scrub, scrubValue } = options
  const send = (notification: ServerNotification) =>
    extra.sendNotification(notification).catch(() => undefined)

  const logAt =
    (level: LoggingLevel): LogMethod =>
    (message, data) => {
      if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(minLevel())) return
      let payload: unknown = scrub(message)
      if (data !== undefined) {
        try {
          payload = { message: payload, data: scrubValue(data) }
        } catch {
          // Data the scrubber cannot walk (cycles, class instances) is dropped, not sent raw.
        }
      }
      void send({ method: 'notifications/message', params: { level, logger: tool, data: payload } })
    }

  const token = extra._meta?.progressToken
  let last = -Infinity
  const progress: ProgressReporter = async (value, total, message) => {
    if (token === undefined || !(value > last)) return
    last = value
    await send({
      method: 'notifications/progress',
      params: {
        progressToken: token,
        progress: value,
        ...(total !== undefined ? { total } : {}),
        ...(message !== undefined ? { message: scrub(message) } : {}),
      },
    })
  }

  return {
    identity,
    signal: extra.signal,
    log: {
      debug: logAt('debug'),
      info: logAt('info'),
      notice: logAt('notice'),
      warning: logAt('warning'),
      error: logAt('error'),
    },
    progress,
    requestId: extra.requestId,
    ...(extra.sessionId !== undefined ? { sessionId: extra.sessionId } : {}),
  }
}
