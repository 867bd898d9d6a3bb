// Audit log errors: one base class, stable string codes, messages written by us from constants.

/** Why an audit operation failed. */
export type AuditErrorCode =
  /** `record()` got an event the record format cannot hold (bad event name, enum, number…). */
  | 'invalid_event'
  /** `createAuditLog()` / a sink factory got invalid options. */
  | 'invalid_option'
  /** A sink was written after `close()`. */
  | 'sink_closed'
  /** Another process holds the audit log's lock (one writer per chain). */
  | 'locked'

/**
 * The only error class this folder (and the node audit sinks) throws. Messages name fields and
 * rules, never field values, so they are safe to log (LOG-1).
 */
export class AuditError extends Error {
  readonly code: AuditErrorCode

  constructor(code: AuditErrorCode, message: string) {
    super(message)
    this.name = 'AuditError'
    this.code = code
  }
}
