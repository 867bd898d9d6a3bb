// Turns a caller's AuditEvent into record fields: enums checked, strings scrubbed and capped.
import { createDetector } from '../pii/detect.ts'
import { createScrubber } from '../pii/mask-scrubber.ts'
import { AuditError } from './errors.ts'
import {
  ACTION_PATTERN,
  DIRECTIONS,
  EVENT_PATTERN,
  OUTCOMES,
  piiShapeError,
  type AuditEvent,
} from './record.ts'
import {
  MAX_DETAIL_LENGTH,
  MAX_IDENTIFIER_LENGTH,
  REDACTED,
  capLength,
  scrubSecrets,
  type FieldKind,
} from './scrub.ts'

/** A caller-supplied masker for free text, e.g. the PII detector's (LOG-2). */
export type Scrubber = (text: string) => string

/**
 * String fields and how they are scrubbed. Fields an outsider chooses (a client id typed into a
 * token request, an `X-Request-Id`, a JSON-RPC id, a tool name) are free text: the PII scrubber,
 * then every secret rule including high-entropy runs. `jti` is minted by our token server (and
 * only logged from a verified token), so long random ids survive there.
 */
const STRING_FIELDS = [
  ['tool', 'text'],
  ['client_id', 'text'],
  ['jti', 'identifier'],
  ['request_id', 'text'],
] as const

let builtIn: Scrubber | undefined
/** The built-in PII scrubber (patterns/*.json, labels such as `[EMAIL]`), built on first use. */
export function defaultPiiScrubber(): Scrubber {
  builtIn ??= createScrubber(createDetector())
  return builtIn
}

const invalid = (message: string) => new AuditError('ERR_AUDIT_INVALID_EVENT', message)

/**
 * Validates and cleans an event. Fields WE choose (event, outcome, direction, action, numbers,
 * pii types) must be valid or this throws `AuditError('ERR_AUDIT_INVALID_EVENT')`: that is a bug in the
 * caller. Strings that may come from outside (tool, client_id, jti, request_id, detail) are
 * never refused: they go through `scrub` (default: the built-in PII scrubber, LOG-2), then the
 * built-in `scrubSecrets` (LOG-1), then a cap: one mechanism for every caller and every field.
 * Unknown properties of `event` are dropped, so raw arguments can never reach the log.
 */
export function normalizeEvent(event: AuditEvent, scrub: Scrubber | undefined): AuditEvent {
  if (typeof event !== 'object' || event === null) throw invalid('event must be an object')
  if (typeof event.event !== 'string' || !EVENT_PATTERN.test(event.event)) {
    throw invalid('event must match [a-z][a-z0-9_.-]{0,63}')
  }
  if (!OUTCOMES.includes(event.outcome)) throw invalid(`outcome must be one of ${OUTCOMES}`)
  const out: AuditEvent = { event: event.event, outcome: event.outcome }

  const pii = scrub ?? defaultPiiScrubber()
  for (const [field, kind] of STRING_FIELDS) {
    const value = event[field]
    if (value !== undefined) out[field] = clean(value, field, kind, pii)
  }
  if (event.direction !== undefined) {
    if (!DIRECTIONS.includes(event.direction))
      throw invalid(`direction must be one of ${DIRECTIONS}`)
    out.direction = event.direction
  }
  if (event.pii !== undefined) {
    const problem = piiShapeError(event.pii)
    if (problem) throw invalid(problem)
    out.pii = { ...event.pii }
  }
  if (event.action !== undefined) {
    if (typeof event.action !== 'string' || !ACTION_PATTERN.test(event.action)) {
      throw invalid('action must match [a-z][a-z0-9_-]{0,31}')
    }
    out.action = event.action
  }
  if (event.duration_ms !== undefined) {
    const ms = event.duration_ms
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw invalid('duration_ms must be a finite number ≥ 0')
    }
    out.duration_ms = Math.round(ms)
  }
  if (event.param_count !== undefined) {
    if (!Number.isSafeInteger(event.param_count) || event.param_count < 0) {
      throw invalid('param_count must be an integer ≥ 0')
    }
    out.param_count = event.param_count
  }
  if (event.detail !== undefined) out.detail = clean(event.detail, 'detail', 'text', pii)
  if (event.count !== undefined) {
    if (!Number.isSafeInteger(event.count) || event.count < 2) {
      throw invalid('count must be an integer ≥ 2')
    }
    out.count = event.count
  }
  return out
}

/** Cleaned short values per scrubber: tool names and client ids repeat on every call. */
const cache = new WeakMap<Scrubber, Map<string, string>>()
const CACHE_ENTRIES = 4096
const CACHE_MAX_LENGTH = 128

/**
 * The scrubbed, secret-scrubbed and capped value. Short values are memoised per scrubber (the
 * PII scrubber costs microseconds per field); a scrubber that throws or returns a non-string
 * gives `[REDACTED]` (fail closed) and is never memoised, so a scrubber that is not ready yet
 * does not stick.
 */
function clean(value: unknown, field: string, kind: FieldKind, scrub: Scrubber) {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`)
  const max = field === 'detail' ? MAX_DETAIL_LENGTH : MAX_IDENTIFIER_LENGTH
  const key = `${kind === 'text' ? 't' : 'i'}${max}:${value}`
  let memo = cache.get(scrub)
  const hit = memo?.get(key)
  if (hit !== undefined) return hit
  let text: string
  try {
    const scrubbed: unknown = scrub(value)
    if (typeof scrubbed !== 'string') return REDACTED
    text = scrubbed
  } catch {
    return REDACTED
  }
  const out = capLength(scrubSecrets(text, kind), max)
  if (value.length <= CACHE_MAX_LENGTH) {
    if (!memo) cache.set(scrub, (memo = new Map()))
    if (memo.size >= CACHE_ENTRIES) memo.clear()
    memo.set(key, out)
  }
  return out
}
