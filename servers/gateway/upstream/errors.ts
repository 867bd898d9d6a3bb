// Why a call to an upstream server did not produce a result: one class, stable codes, messages
// we wrote (they reach the caller as `isError` text and the audit record's detail).

export type UpstreamErrorCode =
  /** The server is not connected (starting, restarting after a crash, or never came up). */
  | 'ERR_UPSTREAM_UNAVAILABLE'
  /** The connection to the server closed while the call was running (the child crashed). */
  | 'ERR_UPSTREAM_CRASHED'
  /** No result (or progress) within the call timeout; the call was cancelled upstream. */
  | 'ERR_UPSTREAM_TIMEOUT'
  /** The caller cancelled the call; the cancellation was passed upstream. */
  | 'ERR_UPSTREAM_CANCELLED'
  /** The gateway is shutting down. */
  | 'ERR_UPSTREAM_CLOSED'

/**
 * The short word of each code, as the gateway's audit details (`upstream_timeout`…) and its
 * error messages to clients (`could not answer (timeout)`) have always named it.
 */
export const UPSTREAM_ERROR_WORD: Record<UpstreamErrorCode, string> = {
  ERR_UPSTREAM_UNAVAILABLE: 'unavailable',
  ERR_UPSTREAM_CRASHED: 'crashed',
  ERR_UPSTREAM_TIMEOUT: 'timeout',
  ERR_UPSTREAM_CANCELLED: 'cancelled',
  ERR_UPSTREAM_CLOSED: 'closed',
}

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode
  /** The server the call was for. */
  readonly server: string
  /** For `ERR_UPSTREAM_UNAVAILABLE`: ms until the next connection attempt, when one is scheduled. */
  readonly retryAfterMs: number | undefined

  constructor(code: UpstreamErrorCode, server: string, message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'UpstreamError'
    this.code = code
    this.server = server
    this.retryAfterMs = retryAfterMs
  }
}
