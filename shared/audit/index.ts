// Public API of the audit log (Web-standard core); Node sinks live in shared/node/audit/.
export { AuditError, type AuditErrorCode } from './errors.ts'
export {
  createAuditLog,
  type AuditLog,
  type AuditLogOptions,
  type AuditSink,
  type ChainHead,
} from './log.ts'
export { createMemorySink, type MemorySink } from './memory-sink.ts'
export type { Scrubber } from './normalize.ts'
export { parseAuditLine, readAuditRecords, type InvalidLineHandler } from './read.ts'
export {
  GENESIS_PREV,
  canonicalBody,
  type AuditDirection,
  type AuditEvent,
  type AuditOutcome,
  type AuditRecord,
} from './record.ts'
export { MAX_DETAIL_LENGTH, MAX_IDENTIFIER_LENGTH, REDACTED, scrubSecrets } from './scrub.ts'
export {
  verifyAuditChain,
  type ChainBroken,
  type ChainFailureReason,
  type ChainVerification,
  type ChainVerified,
  type ChainVerifyOptions,
} from './verify.ts'
