// ISO 8601 instants for the `since` arguments: parsed strictly (real calendar dates, a zone
// required with a time), so a typo is an argument error, not a silently different filter.
import * as v from 'valibot'

/** `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z` or `±hh:mm`. */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * Milliseconds since the epoch of an ISO 8601 date (midnight UTC) or date-time with a zone
 * (`2025-03-04T05:06:07Z`, `2025-03-04T14:06+09:00`); undefined for anything else, including
 * impossible dates (`2025-02-30`), hour 24, and times without a zone (their instant would
 * depend on the server's local time).
 */
export function parseInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text)
  if (!m) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (m[4] !== undefined) {
    if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined
    if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return undefined
  }
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** The `since` argument of the audit tools: an ISO 8601 instant, checked by `parseInstant`. */
export const SinceSchema = v.pipe(
  v.string(),
  v.maxLength(40),
  v.check(
    (text) => parseInstant(text) !== undefined,
    'expected an ISO 8601 date or date-time with a time zone, e.g. 2025-03-04T05:06:07Z',
  ),
  v.description(
    'Only records at or after this instant: ISO 8601 date (UTC midnight) or date-time with Z or an offset.',
  ),
)
