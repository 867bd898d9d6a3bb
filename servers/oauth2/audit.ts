// Audit records of the OAuth2 server (LOG-4): who did what with which token id, never the secret or token.
import type { Context } from 'hono'
import type { AuditEvent } from '../../shared/audit/index.ts'
import type { AuditRecorder } from '../../shared/audit/recorder.ts'

/** Event names this server writes. */
export type OAuth2AuditEvent =
  | 'token_issued'
  | 'token_request_failed'
  | 'client_auth_failed'
  | 'token_introspected'
  | 'token_revoked'
  | 'token_rejected'

/**
 * The request's id (LOG-4 correlation): set by `hono/request-id` in app.ts from a checked
 * `X-Request-Id` or a fresh UUID; a fresh UUID when the route runs without that middleware.
 */
export function requestIdOf(c: Context): string {
  const id: unknown = c.get('requestId')
  return typeof id === 'string' ? id : crypto.randomUUID()
}

/** Records without making the request wait; a record failure goes to `onError`, never to the client. */
export function createAuditor(recorder: AuditRecorder, onError: (error: unknown) => void) {
  return function audit(
    c: Context,
    event: OAuth2AuditEvent,
    fields: Omit<AuditEvent, 'event' | 'request_id'>,
  ): void {
    recorder.record({ event, ...fields, request_id: requestIdOf(c) }).catch(onError)
  }
}

export type Auditor = ReturnType<typeof createAuditor>
