// Reading an audit log back, as the Web-standard core sees it: the reader interface an entry
// injects (files on Node, nothing when the log goes to stderr), its results and its one error.
import type { AuditRecord } from './record.ts'

/** Records read from the end of the log. */
export interface AuditReadResult {
  /** Newest first, shape-checked (not verified: see `verify`). */
  records: AuditRecord[]
  /** Lines passed over because they are not records (a line cut by a crash, garbage). */
  invalidLines: number
}

/** The hash chain of the whole rotation set verifies (LOG-3, shared/audit/record.ts). */
export interface AuditChainVerified {
  ok: true
  /** Files verified (the active file and its rotated files). */
  files: number
  /** Records verified. */
  records: number
  /** `seq` and `hash` of the last record: keep them elsewhere to detect a dropped tail. */
  lastSeq: number
  lastHash: string
  /** Lines cut short by a crash that the chain continues over. */
  truncatedLines: number
}

/** The first broken line of the chain. */
export interface AuditChainBroken {
  ok: false
  /** The file holding it. */
  file: string
  /** 1-based line number in `file` (0: the file could not be read). */
  line: number
  /** Stable code: `hash_mismatch`, `prev_mismatch`, `seq_gap`, `invalid_json`, `invalid_record`, `unreadable_file`. */
  reason: string
  /** What is wrong, in words (no line content). */
  message: string
  /** Records verified before the break. */
  records: number
}

export type AuditChainStatus = AuditChainVerified | AuditChainBroken

/**
 * Read access to a server's audit log. Web-standard cores never touch files: an entry injects
 * the reader over `AUDIT_LOG_FILE` (shared/node/audit/file-reader.ts); tests inject one over a
 * temp file.
 */
export interface AuditReader {
  /** The audit log file, or undefined when the audit log goes to standard error (nothing to read). */
  readonly file: string | undefined
  /**
   * The newest `limit` records of the file and then of its rotated files (`file.1`, `file.2`…),
   * newest first. A missing file reads as no records.
   * @throws AuditReadError when the log exists but cannot be read
   */
  read(limit: number): Promise<AuditReadResult>
  /** Verifies the hash chain over the rotation set, oldest file first. */
  verify(): Promise<AuditChainStatus>
}

/** The audit log could not be read; the message (ours) names the file and the system error code. */
export class AuditReadError extends Error {
  readonly code = 'ERR_AUDIT_READ'
  override readonly name = 'AuditReadError'
}

/** The reader of a server whose audit log goes to standard error: there is no file to read. */
export const NO_AUDIT_FILE: AuditReader = Object.freeze({
  file: undefined,
  read: async () => ({ records: [], invalidLines: 0 }),
  verify: async (): Promise<AuditChainStatus> => ({
    ok: true,
    files: 0,
    records: 0,
    lastSeq: 0,
    lastHash: '0'.repeat(64),
    truncatedLines: 0,
  }),
})
