// Audit log errors: one base class, stable string codes, messages written by us from constants.

/** Why an audit operation failed. */
export type AuditErrorCode =
  /** `record()` got an event the record format cannot hold (bad event name, enum, number…). */
  | 'ERR_AUDIT_INVALID_EVENT'
  /** `createAuditLog()` / a sink factory got invalid options. */
  | 'ERR_AUDIT_INVALID_OPTION'
  /** A sink was written after `close()`. */
  | 'ERR_AUDIT_SINK_CLOSED'
  /** Another process holds the audit log's lock (one writer per chain). */
  | 'ERR_AUDIT_LOCKED'

/**
 * The short word of each code, as operator messages (`AUDIT_LOG_FILE: cannot open … (locked)`,
 * docs/audit.md) and the collector's drop notices have always named it.
 */
export const AUDIT_ERROR_WORD: Record<AuditErrorCode, string> = {
  ERR_AUDIT_INVALID_EVENT: 'invalid_event',
  ERR_AUDIT_INVALID_OPTION: 'invalid_option',
  ERR_AUDIT_SINK_CLOSED: 'sink_closed',
  ERR_AUDIT_LOCKED: 'locked',
}

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
