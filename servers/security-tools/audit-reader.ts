// Reading the audit log back: the reader the entry injects (files on Node, nothing when the log
// goes to stderr) and the bounded newest-first scan both audit tools share.
import type { AuditRecord } from '../../shared/audit/record.ts'

/** Records read from the end of the log. */
export interface AuditReadResult {
  /** Newest first, shape-checked (not verified: see `verify`). */
  records: AuditRecord[]
  /** Lines passed over because they are not records (a line cut by a crash, garbage). */
  invalidLines: number
}

/** The hash chain of the whole rotation set verifies (STANDARDS LOG-3, shared/audit/record.ts). */
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
 * Read access to the server's audit log. The core never touches files: the stdio entry injects a
 * reader over `AUDIT_LOG_FILE` (entry/audit-file-reader.ts); tests inject one over a temp file.
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

/** What the audit tools say when there is no file to read. */
export const NO_AUDIT_FILE_MESSAGE =
  'no audit records are available: the audit log is written to standard error because ' +
  'AUDIT_LOG_FILE is not set; set AUDIT_LOG_FILE to a file path to read the log back'

export interface CollectOptions {
  /** Keep at most this many records. */
  limit: number
  /** Read at most this many records (newest first): the bound on the work of one call. */
  maxScan: number
  /** Which records to keep. Default: all. */
  accept?: (record: AuditRecord) => boolean
  /** Stop at the first record older than this (ms since the epoch): the log is in time order. */
  since?: number
}

export interface Collected {
  /** The kept records, newest first. */
  records: AuditRecord[]
  /** Records looked at (within `since`). */
  scanned: number
  /** True when every record in range was looked at (the start of the log or `since` reached). */
  complete: boolean
  /** Non-record lines passed over while reading. */
  invalidLines: number
}

/** First read window; it grows fourfold while too few records are kept. */
const FIRST_WINDOW = 256

/**
 * Scans the log newest first, keeping the records `accept` keeps, until `limit` are kept, the
 * `since` bound or the start of the log is reached, or `maxScan` records were read. The reader
 * is asked for a window of records that grows fourfold (each read starts again from the end,
 * which costs at most a third more than one read of the final window), so an unfiltered call
 * reads little and a narrow filter still finds old records.
 */
export async function collectRecords(
  reader: AuditReader,
  options: CollectOptions,
): Promise<Collected> {
  const { limit, maxScan, accept, since } = options
  let window = Math.min(maxScan, Math.max(FIRST_WINDOW, limit * 4))
  for (;;) {
    const batch = await reader.read(window)
    const records: AuditRecord[] = []
    let scanned = 0
    let reachedSince = false
    for (const record of batch.records) {
      if (since !== undefined && Date.parse(record.ts) < since) {
        reachedSince = true
        break
      }
      scanned++
      if (accept && !accept(record)) continue
      if (records.push(record) >= limit) break
    }
    const endOfLog = batch.records.length < window
    const full = records.length >= limit
    if (full || reachedSince || endOfLog || window >= maxScan) {
      const complete = reachedSince || (endOfLog && scanned === batch.records.length)
      return { records, scanned, complete, invalidLines: batch.invalidLines }
    }
    window = Math.min(maxScan, window * 4)
  }
}

/** The free-text fields of a record (every other field is a number, enum, hash or count map). */
const TEXT_FIELDS = ['tool', 'client_id', 'jti', 'request_id', 'detail'] as const

/**
 * The record with its free-text fields passed through `scrub` (the guard's PII labeller). Our
 * logger scrubs them when it writes (LOG-2), but a log written by another program may not have:
 * the audit tools never hand out what the log should not hold.
 */
export function scrubRecord(record: AuditRecord, scrub: (text: string) => string): AuditRecord {
  let copy: AuditRecord | undefined
  for (const field of TEXT_FIELDS) {
    const value = record[field]
    if (value === undefined) continue
    const clean = scrub(value)
    if (clean !== value) (copy ??= { ...record })[field] = clean
  }
  return copy ?? record
}
