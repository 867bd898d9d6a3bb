// Reading the audit log back: the bounded newest-first scan both audit tools share, over the
// reader interface of shared/audit/reader.ts (re-exported here for the tools).
import type { AuditReader } from '../../shared/audit/reader.ts'
import type { AuditRecord } from '../../shared/audit/record.ts'

export {
  AuditReadError,
  NO_AUDIT_FILE,
  type AuditChainBroken,
  type AuditChainStatus,
  type AuditChainVerified,
  type AuditReader,
  type AuditReadResult,
} from '../../shared/audit/reader.ts'

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
