// The audit record: its wire format, field order, canonical serialisation and shape check.
/**
 * # Audit record format (LOG-1..LOG-4 in docs/requirements.md)
 *
 * The log is JSON Lines: one record per line, each line a single `JSON.stringify` output (which
 * escapes CR, LF, control characters and quotes, so no field can start a new line; LOG-3)
 * followed by `\n`. Fields are snake_case, in this fixed order, absent optional fields omitted:
 *
 * | field         | type                                   | presence |
 * | ------------- | -------------------------------------- | -------- |
 * | `ts`          | ISO 8601 UTC with ms, `Date#toISOString()` (`2025-01-02T03:04:05.678Z`) | always |
 * | `seq`         | integer ≥ 1, +1 per record along the chain | always |
 * | `event`       | `[a-z][a-z0-9_.-]{0,63}`: `tool_call`, `token_issued`, `token_rejected`, `client_auth_failed`, `token_revoked`, `token_introspected`, `server_start`… | always |
 * | `tool`        | tool name (scrubbed, ≤ 128 chars)      | optional |
 * | `client_id`   | OAuth client id (scrubbed, ≤ 128)      | optional |
 * | `jti`         | access token id, never the token (scrubbed, ≤ 128; LOG-1) | optional |
 * | `direction`   | `in` \| `out` \| `both`: which side of a tool call the PII figures are for | optional |
 * | `pii`         | `{ entity type: count }`, keys sorted, types only, never values (LOG-2) | optional |
 * | `action`      | policy action `[a-z][a-z0-9_-]{0,31}`: `allow`, `mask`, `redact`, `encrypt`, `reject` | optional |
 * | `outcome`     | `ok` \| `rejected` \| `denied` \| `error` | always |
 * | `duration_ms` | integer ≥ 0                            | optional |
 * | `param_count` | integer ≥ 0 (number of tool arguments, never the arguments) | optional |
 * | `request_id`  | request id (scrubbed, ≤ 128; LOG-4)    | optional |
 * | `detail`      | short text we wrote, e.g. an error code (scrubbed, ≤ 256) | optional |
 * | `count`       | integer ≥ 2: events this record stands for (aggregated refusals, `aggregate.ts`) | optional |
 * | `sig`         | base64url signature of a checkpoint (`audit.checkpoint` records, `checkpoint.ts`) | optional |
 * | `kid`         | 16 lowercase hex: id of the HMAC audit key; present = the record carries `mac` (`keyed.ts`) | optional |
 * | `prev`        | 64 lowercase hex: the previous record's `hash` (genesis: 64 zeros) | always |
 * | `hash`        | 64 lowercase hex, see below            | always |
 * | `mac`         | 64 lowercase hex HMAC-SHA-256(audit key, `hash`), exactly when `kid` is present | last |
 *
 * No field can carry raw tool arguments or results; every string field is passed through the
 * caller's `scrub` hook and the built-in secret scrubber, then capped (see `scrub.ts`).
 *
 * ## Chain rule
 *
 * - The **body** of a record is `JSON.stringify` of an object holding its fields except `hash`,
 *   inserted in the order above (absent ones skipped, `pii` keys in ascending UTF-16 order), with
 *   no whitespace: `{"ts":"…","seq":1,"event":"server_start","outcome":"ok","prev":"000…0"}`.
 * - `hash` = lowercase hex SHA-256 of the UTF-8 bytes of the body.
 * - The **line** is the body with `,"hash":"<hash>"` inserted before its final `}`, plus `\n`;
 *   i.e. the same object serialised with `hash` as its last member. A keyed record (`kid`
 *   present) then has `,"mac":"<mac>"` after `hash`: mac = HMAC-SHA-256 (RFC 2104) of the ASCII
 *   hex `hash` under the audit key, so only the key holder can make a record that verifies.
 * - `prev` = the `hash` of the previous record in the chain (which commits to every byte of that
 *   line but its own hash member); the first record of a new chain has `prev` = 64 zeros and
 *   `seq` = 1. `seq` grows by exactly 1 per record.
 * - A verifier recomputes the hash from the raw line (the text before `,"hash":"…"}`, plus `}`),
 *   so any byte edit breaks that line; deleting, inserting or reordering lines breaks the next
 *   line's `prev`. Dropping records from the END cannot be seen by a hash chain alone: compare
 *   the last hash (`verifyAuditChain(...).lastHash`, `AuditLog.head`) with a copy kept elsewhere.
 * - Rotation and restarts do not restart the chain: the first record of a rotated file or of a
 *   restarted logger links to the last record before it.
 * - A line cut short by a crash mid-write is terminated with `\n` when the file sink next opens
 *   the file, and the chain resumes from the last complete record; the verifier reports such a
 *   line in `truncated` and accepts it only when the next record links to the last complete
 *   one (or when nothing follows it). See `verify.ts` and `shared/node/audit/file-log.ts`.
 * - `prev` is the previous record's `hash` rather than a digest of its whole line: `hash` is
 *   itself a function of every other byte of that line, so both commit to the same content,
 *   and a rotated file's first `prev`, `AuditLog.head` and resume points are all one value.
 */

/** Which side of a tool call the PII figures describe. */
export type AuditDirection = 'in' | 'out' | 'both'

/** How the audited operation ended. */
export type AuditOutcome = 'ok' | 'rejected' | 'denied' | 'error'

/** What a caller records: every field of a record except those the logger adds. */
export interface AuditEvent {
  /** Event type, `[a-z][a-z0-9_.-]{0,63}`, e.g. `tool_call`, `token_issued`, `server_start`. */
  event: string
  /** How it ended. */
  outcome: AuditOutcome
  /** Tool name, for tool events. */
  tool?: string
  /** OAuth client id of the caller (LOG-1: log the id, never the secret). */
  client_id?: string
  /** `jti` of the access token used (LOG-1: log the id, never the token). */
  jti?: string
  /** Which side of the call `pii` counts. */
  direction?: AuditDirection
  /** Entity type → number of findings (`{ email: 2 }`); types and counts only (LOG-2). */
  pii?: Record<string, number>
  /** Policy action taken: `allow`, `mask`, `redact`, `encrypt`, `reject`… */
  action?: string
  /** Wall time of the operation in ms (rounded to an integer). */
  duration_ms?: number
  /** Number of tool arguments (never their values). */
  param_count?: number
  /** Request id, to correlate with other logs (LOG-4). */
  request_id?: string
  /** Short text we wrote, e.g. an error code; scrubbed and capped at 256 chars. */
  detail?: string
  /** Events this record stands for when ≥ 2 (aggregated refusals). */
  count?: number
}

/** A sealed record as it appears on the wire (and as `readAuditRecords` returns it). */
export interface AuditRecord extends AuditEvent {
  /** ISO 8601 UTC with milliseconds. */
  ts: string
  /** Position in the chain, from 1. */
  seq: number
  /** `hash` of the previous record, or `GENESIS_PREV`. */
  prev: string
  /** SHA-256 (hex) of this record's body. */
  hash: string
  /** Checkpoint signature (base64url), on `audit.checkpoint` records only. */
  sig?: string
  /** Id of the HMAC audit key (keyed records). */
  kid?: string
  /** HMAC-SHA-256 of `hash` under the audit key (keyed records). */
  mac?: string
}

/** `prev` of the first record of a new chain. */
export const GENESIS_PREV = '0'.repeat(64)

/** Field order of the body (everything but `hash`, which always comes last). */
export const BODY_FIELDS = [
  'ts',
  'seq',
  'event',
  'tool',
  'client_id',
  'jti',
  'direction',
  'pii',
  'action',
  'outcome',
  'duration_ms',
  'param_count',
  'request_id',
  'detail',
  'count',
  'sig',
  'kid',
  'prev',
] as const satisfies ReadonlyArray<keyof AuditRecord>

/** Body fields of a record, i.e. the record without `hash` and `mac`. */
export type AuditBody = Omit<AuditRecord, 'hash' | 'mac'>

export const EVENT_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/
export const ACTION_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/
export const PII_TYPE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/
export const HASH_PATTERN = /^[0-9a-f]{64}$/
const TS_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
export const DIRECTIONS: readonly AuditDirection[] = ['in', 'out', 'both']
export const OUTCOMES: readonly AuditOutcome[] = ['ok', 'rejected', 'denied', 'error']
/** At most this many entity types in `pii`. */
export const MAX_PII_TYPES = 64

/** The canonical body: the record without `hash`, fields in `BODY_FIELDS` order, `pii` sorted. */
export function canonicalBody(body: AuditBody): string {
  const ordered: Record<string, unknown> = {}
  for (const field of BODY_FIELDS) {
    const value = body[field]
    if (value === undefined) continue
    ordered[field] = field === 'pii' ? sortedPii(value as Record<string, number>) : value
  }
  return JSON.stringify(ordered)
}

/** The full line (with `\n`) for a body, its hash and (keyed records) its mac. */
export function lineOf(body: string, hash: string, mac?: string): string {
  const tail = mac === undefined ? '' : `,"mac":"${mac}"`
  return `${body.slice(0, -1)},"hash":"${hash}"${tail}}\n`
}

function sortedPii(pii: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const key of Object.keys(pii).sort()) out[key] = pii[key]!
  return out
}

const STRING_FIELDS = new Set(['tool', 'client_id', 'jti', 'request_id', 'detail'])
const COUNT_FIELDS = new Set(['duration_ms', 'param_count', 'count'])
const KNOWN_FIELDS = new Set<string>([...BODY_FIELDS, 'hash', 'mac'])
export const KID_PATTERN = /^[0-9a-f]{16}$/
const SIG_PATTERN = /^[A-Za-z0-9_-]{16,256}$/

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0

/**
 * Checks that a parsed JSON value has the shape of a record (types, enums, charsets, no unknown
 * fields). Returns `undefined` when it does, else a message naming the first bad field. It does
 * not check the hash or the chain: that is `verifyAuditChain`'s job.
 */
export function recordShapeError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object'
  const r = value as Record<string, unknown>
  for (const key of Object.keys(r)) if (!KNOWN_FIELDS.has(key)) return `unknown field "${key}"`
  if (typeof r.ts !== 'string' || !TS_PATTERN.test(r.ts)) return 'ts is not an ISO 8601 UTC time'
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return 'seq is not an integer ≥ 1'
  if (typeof r.event !== 'string' || !EVENT_PATTERN.test(r.event)) return 'event is invalid'
  if (!OUTCOMES.includes(r.outcome as AuditOutcome)) return 'outcome is invalid'
  if (typeof r.prev !== 'string' || !HASH_PATTERN.test(r.prev)) return 'prev is not 64 hex'
  if (typeof r.hash !== 'string' || !HASH_PATTERN.test(r.hash)) return 'hash is not 64 hex'
  for (const field of STRING_FIELDS) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return `${field} is not a string`
  }
  for (const field of COUNT_FIELDS) {
    if (r[field] !== undefined && !isCount(r[field])) return `${field} is not an integer ≥ 0`
  }
  if (r.direction !== undefined && !DIRECTIONS.includes(r.direction as AuditDirection)) {
    return 'direction is invalid'
  }
  if (r.action !== undefined && (typeof r.action !== 'string' || !ACTION_PATTERN.test(r.action))) {
    return 'action is invalid'
  }
  if (r.sig !== undefined && (typeof r.sig !== 'string' || !SIG_PATTERN.test(r.sig))) {
    return 'sig is not base64url'
  }
  if (r.kid !== undefined && (typeof r.kid !== 'string' || !KID_PATTERN.test(r.kid))) {
    return 'kid is not 16 hex'
  }
  if ((r.kid === undefined) !== (r.mac === undefined)) return 'kid and mac come together'
  if (r.mac !== undefined && (typeof r.mac !== 'string' || !HASH_PATTERN.test(r.mac))) {
    return 'mac is not 64 hex'
  }
  if (r.pii !== undefined) return piiShapeError(r.pii)
  return undefined
}

/** `undefined` when `pii` is an object of entity type → integer count ≥ 0, else a message. */
export function piiShapeError(pii: unknown): string | undefined {
  if (typeof pii !== 'object' || pii === null || Array.isArray(pii)) return 'pii is not an object'
  const entries = Object.entries(pii)
  if (entries.length > MAX_PII_TYPES) return `pii has more than ${MAX_PII_TYPES} types`
  for (const [type, count] of entries) {
    if (!PII_TYPE_PATTERN.test(type)) return 'pii has an invalid entity type'
    if (!isCount(count)) return 'pii has a count that is not an integer ≥ 0'
  }
  return undefined
}
