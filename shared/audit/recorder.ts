// What a producer of audit records needs from an audit log: `AuditLog` and the file, stream and
// collector sinks fit it; the guard, the gateway and the OAuth2 server take one.
import type { AuditEvent } from './record.ts'

/** Something that records audit events (`AuditLog` fits); the promise settles when it is stored. */
export interface AuditRecorder {
  record(event: AuditEvent): Promise<unknown>
}
