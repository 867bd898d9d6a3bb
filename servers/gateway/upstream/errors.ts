// Why a call to an upstream server did not produce a result: one class, stable codes, messages
// we wrote (they reach the caller as `isError` text and the audit record's detail).

export type UpstreamErrorCode =
  /** The server is not connected (starting, restarting after a crash, or never came up). */
  | 'unavailable'
  /** The connection to the server closed while the call was running (the child crashed). */
  | 'crashed'
  /** No result (or progress) within the call timeout; the call was cancelled upstream. */
  | 'timeout'
  /** The caller cancelled the call; the cancellation was passed upstream. */
  | 'cancelled'
  /** The gateway is shutting down. */
  | 'closed'

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode
  /** The server the call was for. */
  readonly server: string
  /** For `unavailable`: ms until the next connection attempt, when one is scheduled. */
  readonly retryAfterMs: number | undefined

  constructor(code: UpstreamErrorCode, server: string, message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'UpstreamError'
    this.code = code
    this.server = server
    this.retryAfterMs = retryAfterMs
  }
}
