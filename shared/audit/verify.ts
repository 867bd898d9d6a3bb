// Verifies a JSON Lines audit chain and names the first broken line (tamper evidence, LOG-3).
import type { CheckpointVerifier } from './checkpoint.ts'
import { sha256Hex } from './hash.ts'
import { hexEqual, type AuditKey } from './keyed.ts'
import { GENESIS_PREV, canonicalBody, recordShapeError, type AuditRecord } from './record.ts'

/** Stable codes for the first problem found. */
export type ChainFailureReason =
  /** The line is not JSON and is not a crash-cut line the writer recorded recovering from. */
  | 'invalid_json'
  /** A line that looks like the start of a record (`{"ts":"…`) but is none, inside the chain: junk. */
  | 'foreign_line'
  /** JSON, but not a record: bad field, unknown field, `hash` not last, not canonical. */
  | 'invalid_record'
  /** The line's bytes do not hash to its `hash`: the line was edited. */
  | 'hash_mismatch'
  /** `prev` is not the previous record's hash: a line was deleted, inserted or moved. */
  | 'prev_mismatch'
  /** The chain links but `seq` is not the previous `seq` + 1 (or 1 after genesis). */
  | 'seq_gap'
  /** Two records continue the same earlier record: a second writer forked the chain. */
  | 'forked'
  /** A keyed record whose `mac` (or `kid`) is not the audit key's: forged or recomputed. */
  | 'mac_mismatch'
  /** An unkeyed record after a keyed one, checked with the key: rewritten without the key. */
  | 'unkeyed_record'
  /** A checkpoint whose signature does not verify under the public key. */
  | 'bad_checkpoint'

export interface ChainVerifyOptions {
  /**
   * The hash the first record's `prev` must equal: the last hash of the previous (rotated) file,
   * or `GENESIS_PREV` for a log that must start a new chain. Default: accept what the first
   * record links to and report it as `anchor` (a rotated file verified on its own).
   */
  anchor?: string
  /** `seq` of the record `anchor` is the hash of; the first record must then be `anchorSeq + 1`. */
  anchorSeq?: number
  /** The audit key: check every keyed record's `mac`, and refuse unkeyed records after a keyed one. */
  key?: AuditKey
  /** Records before this file were keyed (the previous rotated file ended keyed). Default: false. */
  keyedBefore?: boolean
  /** The checkpoint public key: check every `audit.checkpoint` signature. */
  checkpoints?: CheckpointVerifier
}

/** What an `audit.rotated_out` record says the disk budget deleted (a documented gap). */
export interface RotatedOut {
  /** The deleted file's name. */
  file: string
  /** `seq` of its first and last records. */
  firstSeq: number
  lastSeq: number
  /** `hash` of its last record: what the next file's first record links to. */
  lastHash: string
  /** `seq` of the record that says so. */
  recordedAt: number
}

/** The whole text is one unbroken chain. */
export interface ChainVerified {
  ok: true
  /** Records verified. */
  records: number
  /** `hash` of the last record (the anchor if there is none): keep it elsewhere to detect tail loss. */
  lastHash: string
  /** `seq` of the last record (`anchorSeq`, or 0, if there is none). */
  lastSeq: number
  /** What the first record links to: `GENESIS_PREV` for a new chain, else the previous file's hash. */
  anchor: string
  /** 1-based numbers of lines cut short by a crash that the chain continues over (see below). */
  truncated: number[]
  /** Records with `kid`/`mac`; their macs were checked exactly when `key` was given. */
  keyed: number
  /** `audit.checkpoint` records; their signatures were checked exactly when `checkpoints` was given. */
  checkpoints: number
  /** The last checkpoint record: the `seq` and `hash` it covers. */
  lastCheckpoint?: { seq: number; hash: string }
  /** Deleted files the chain recorded (`audit.rotated_out`). */
  rotatedOut: RotatedOut[]
  /** `seq` → `hash` of every record, for cross-checks (a published checkpoint, forks across files). */
  hashes: Map<number, string>
}

/** The first broken line. */
export interface ChainBroken {
  ok: false
  /** 1-based line number. */
  line: number
  reason: ChainFailureReason
  /** Human-readable explanation, written by us (no field values). */
  message: string
  /** Records verified before the broken line. */
  records: number
}

export type ChainVerification = ChainVerified | ChainBroken

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"(?:,"mac":"([0-9a-f]{64})")?\}$/
const WINDOW = 64
/** The event the file log writes after terminating a line a crash cut short. */
export const RECOVERED_EVENT = 'audit.recovered'
/** The event the file log writes when the disk budget deleted a rotated file. */
export const ROTATED_OUT_EVENT = 'audit.rotated_out'
const ROTATED_DETAIL = /^file=(\S{1,200}) seq=(\d{1,15})-(\d{1,15}) last_hash=([0-9a-f]{64})$/

/** The `detail` of an `audit.rotated_out` record. */
export function rotatedOutDetail(
  file: string,
  firstSeq: number,
  lastSeq: number,
  lastHash: string,
) {
  return `file=${file.replace(/\s/g, '_')} seq=${firstSeq}-${lastSeq} last_hash=${lastHash}`
}

/** The body a line's hash covers: the line without its final `,"hash":"…"` member. */
const bodyOf = (line: string, suffix: RegExpExecArray) => `${line.slice(0, suffix.index)}}`

/** SHA-256 of the line's body, started now; undefined when the line has no hash suffix. */
function digestOf(line: string): Promise<string> | undefined {
  const suffix = HASH_SUFFIX.exec(line)
  if (!suffix) return undefined
  const digest = sha256Hex(bodyOf(line, suffix))
  digest.catch(() => undefined) // awaited later, or dropped when verification stops earlier
  return digest
}

const RECORD_START = '{"ts":"'

/** A crash mid-write leaves a prefix of a record line: non-empty, starting like every record. */
const maybeCutRecord = (line: string) =>
  line.length > 0 && (line.startsWith(RECORD_START) || RECORD_START.startsWith(line))

/**
 * Verifies every line of `text` (a log file's content) against the chain rule in `record.ts`:
 * each line parses, has the record shape, hashes to its `hash`, is canonical, links to the
 * previous record's `hash` and has the next `seq`; with `key`, every keyed record's `mac`; with
 * `checkpoints`, every checkpoint's signature. Stops at the FIRST broken line.
 *
 * Crash-cut lines: a line that is not JSON but looks like the start of a record is accepted,
 * and listed in `truncated`, only when it is the last line (a cut tail) or when the next record
 * is the writer's `audit.recovered` record and links to the last complete record before it (the
 * file log writes exactly that after terminating such a line). Anywhere else it is a
 * `foreign_line`: junk that merely starts like a record is never skipped silently.
 */
export async function verifyAuditChain(
  text: string,
  options: ChainVerifyOptions = {},
): Promise<ChainVerification> {
  const { key, checkpoints: verifier } = options
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()

  let expectedPrev = options.anchor
  let expectedSeq =
    options.anchor === GENESIS_PREV
      ? 1
      : options.anchorSeq !== undefined
        ? options.anchorSeq + 1
        : undefined
  let anchor = options.anchor
  let lastHash = options.anchor ?? GENESIS_PREV
  let lastSeq = options.anchor === GENESIS_PREV ? 0 : (options.anchorSeq ?? 0)
  let records = 0
  let keyed = 0
  let keyedSeen = options.keyedBefore ?? false
  let checkpointCount = 0
  let lastCheckpoint: ChainVerified['lastCheckpoint']
  const rotatedOut: RotatedOut[] = []
  const hashes = new Map<number, string>()
  const seenHashes = new Set<string>()
  let pending: number[] = []
  const truncated: number[] = []
  const broken = (line: number, reason: ChainFailureReason, message: string): ChainBroken => ({
    ok: false,
    line,
    reason,
    message,
    records,
  })

  // Line digests are independent of the chain: compute them WINDOW at a time, concurrently
  // (Web Crypto digests are asynchronous; this is ~3× faster than one at a time on a 10 MiB log).
  let digests: Array<Promise<string> | undefined> = []
  for (let i = 0; i < lines.length; i++) {
    if (i % WINDOW === 0) digests = lines.slice(i, i + WINDOW).map(digestOf)
    const raw = lines[i]!
    const n = i + 1
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      if (maybeCutRecord(raw)) {
        pending.push(n)
        continue
      }
      return broken(n, 'invalid_json', raw.length ? 'line is not JSON' : 'empty line')
    }
    if (pending.length > 0 && (parsed as { event?: unknown })?.event !== RECOVERED_EVENT) {
      return broken(
        pending[0]!,
        'foreign_line',
        'a line that starts like a record but is none, and the writer did not record recovering from a crash there (junk inserted)',
      )
    }
    const shapeError = recordShapeError(parsed)
    if (shapeError) return broken(n, 'invalid_record', `not an audit record: ${shapeError}`)
    const record = parsed as AuditRecord
    const suffix = HASH_SUFFIX.exec(raw)
    const digest = digests[i % WINDOW]
    if (!suffix || !digest)
      return broken(n, 'invalid_record', 'hash is not the last member of the line')
    const body = bodyOf(raw, suffix)
    if ((await digest) !== suffix[1]) {
      return broken(n, 'hash_mismatch', 'line does not hash to its hash field (edited)')
    }
    const { hash: _hash, mac: _mac, ...fields } = record
    if (canonicalBody(fields) !== body) {
      return broken(n, 'invalid_record', 'line is not in canonical form (field order, spacing)')
    }
    if (expectedPrev === undefined) {
      anchor = record.prev
      if (record.prev === GENESIS_PREV) expectedSeq = 1
    } else if (record.prev !== expectedPrev) {
      if (pending.length > 0) {
        return broken(
          pending[0]!,
          'foreign_line',
          'a line that is not a record, and the next record does not continue the chain over it',
        )
      }
      if (seenHashes.has(record.prev) || (record.prev === anchor && records > 0)) {
        return broken(
          n,
          'forked',
          `seq ${record.seq} continues a record that already has a successor: a second writer appended to this file`,
        )
      }
      return broken(n, 'prev_mismatch', prevMismatchMessage(record.seq, expectedSeq, records))
    }
    if (expectedSeq !== undefined && record.seq !== expectedSeq) {
      return broken(n, 'seq_gap', `seq is ${record.seq}, expected ${expectedSeq}`)
    }
    if (record.kid !== undefined) {
      keyed++
      keyedSeen = true
      if (key) {
        if (record.kid !== key.kid) {
          return broken(n, 'mac_mismatch', 'record is keyed with another key (kid differs)')
        }
        if (!hexEqual(await key.mac(record.hash), record.mac!)) {
          return broken(
            n,
            'mac_mismatch',
            'mac does not verify under the audit key (forged or recomputed)',
          )
        }
      }
    } else if (key && keyedSeen) {
      return broken(
        n,
        'unkeyed_record',
        'unkeyed record after keyed ones (rewritten without the key)',
      )
    }
    if (record.event === 'audit.checkpoint' && record.sig !== undefined) {
      checkpointCount++
      if (verifier && !(await verifier.verify(record.seq - 1, record.prev, record.sig))) {
        return broken(
          n,
          'bad_checkpoint',
          'checkpoint signature does not verify under the public key',
        )
      }
      lastCheckpoint = { seq: record.seq - 1, hash: record.prev }
    }
    if (record.event === ROTATED_OUT_EVENT && record.detail) {
      const m = ROTATED_DETAIL.exec(record.detail)
      if (m) {
        rotatedOut.push({
          file: m[1]!,
          firstSeq: Number(m[2]),
          lastSeq: Number(m[3]),
          lastHash: m[4]!,
          recordedAt: record.seq,
        })
      }
    }
    truncated.push(...pending)
    pending = []
    seenHashes.add(record.prev)
    hashes.set(record.seq, record.hash)
    expectedPrev = lastHash = record.hash
    lastSeq = record.seq
    expectedSeq = record.seq + 1
    records++
  }
  truncated.push(...pending)
  return {
    ok: true,
    records,
    lastHash,
    lastSeq,
    anchor: anchor ?? GENESIS_PREV,
    truncated,
    keyed,
    checkpoints: checkpointCount,
    ...(lastCheckpoint ? { lastCheckpoint } : {}),
    rotatedOut,
    hashes,
  }
}

function prevMismatchMessage(seq: number, expected: number | undefined, records: number): string {
  const base =
    records === 0 ? 'prev is not the expected anchor' : "prev is not the previous record's hash"
  if (expected === undefined || seq === expected)
    return `${base} (previous line edited or replaced)`
  if (seq > expected) return `${base} (records missing: seq ${seq}, expected ${expected})`
  return `${base} (line inserted or moved: seq ${seq}, expected ${expected})`
}
