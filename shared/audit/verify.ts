// Verifies a JSON Lines audit chain and names the first broken line (tamper evidence, LOG-3).
import { sha256Hex } from './hash.ts'
import { GENESIS_PREV, canonicalBody, recordShapeError, type AuditRecord } from './record.ts'

/** Stable codes for the first problem found. */
export type ChainFailureReason =
  /** The line is not JSON (and is not a crash-truncated line the chain continues over). */
  | 'invalid_json'
  /** JSON, but not a record: bad field, unknown field, `hash` not last, not canonical. */
  | 'invalid_record'
  /** The line's bytes do not hash to its `hash`: the line was edited. */
  | 'hash_mismatch'
  /** `prev` is not the previous record's hash: a line was deleted, inserted or moved. */
  | 'prev_mismatch'
  /** The chain links but `seq` is not the previous `seq` + 1 (or 1 after genesis). */
  | 'seq_gap'

export interface ChainVerifyOptions {
  /**
   * The hash the first record's `prev` must equal: the last hash of the previous (rotated) file,
   * or `GENESIS_PREV` for a log that must start a new chain. Default: accept what the first
   * record links to and report it as `anchor` (a rotated file verified on its own).
   */
  anchor?: string
  /** `seq` of the record `anchor` is the hash of; the first record must then be `anchorSeq + 1`. */
  anchorSeq?: number
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

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/
const WINDOW = 64

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
 * previous record's `hash` and has the next `seq`. Stops at the FIRST broken line.
 *
 * Crash-truncated lines: a line that is not JSON but looks like the start of a record is
 * accepted, and listed in `truncated`, when the next record links to the last complete record
 * before it (the file sink resumes the chain exactly so) or when no record follows it (a cut
 * tail, which a hash chain cannot tell from a dropped tail anyway). Otherwise it is reported as
 * `invalid_json`. Such a line can only be tolerated where removing it leaves the chain intact.
 */
export async function verifyAuditChain(
  text: string,
  options: ChainVerifyOptions = {},
): Promise<ChainVerification> {
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
      const first = pending[0] ?? n
      return broken(first, 'invalid_json', raw.length ? 'line is not JSON' : 'empty line')
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
    const { hash: _hash, ...fields } = record
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
          'invalid_json',
          'line is not JSON and the next record does not continue the chain over it',
        )
      }
      return broken(n, 'prev_mismatch', prevMismatchMessage(record.seq, expectedSeq, records))
    }
    if (expectedSeq !== undefined && record.seq !== expectedSeq) {
      return broken(n, 'seq_gap', `seq is ${record.seq}, expected ${expectedSeq}`)
    }
    truncated.push(...pending)
    pending = []
    expectedPrev = lastHash = record.hash
    lastSeq = record.seq
    expectedSeq = record.seq + 1
    records++
  }
  truncated.push(...pending)
  return { ok: true, records, lastHash, lastSeq, anchor: anchor ?? GENESIS_PREV, truncated }
}

function prevMismatchMessage(seq: number, expected: number | undefined, records: number): string {
  const base =
    records === 0 ? 'prev is not the expected anchor' : "prev is not the previous record's hash"
  if (expected === undefined || seq === expected)
    return `${base} (previous line edited or replaced)`
  if (seq > expected) return `${base} (records missing: seq ${seq}, expected ${expected})`
  return `${base} (line inserted or moved: seq ${seq}, expected ${expected})`
}
