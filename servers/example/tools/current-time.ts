// Tool `current_time`: the current time in an IANA time zone, with its UTC offset. Shows an
// argument validated by a custom check (the zone must be known to Intl) and an optional default.
import * as v from 'valibot'
import { defineTool } from '../../../shared/mcp/tool.ts'

/** Is `zone` an IANA time zone name this runtime knows (`Asia/Seoul`, `UTC`)? Offsets are not. */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(zone)) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** The wall-clock time of `date` in `zone`: ISO 8601 with offset, the offset, the zone's name. */
export function timeIn(
  zone: string,
  date: Date,
): { time: string; utc: string; offset: string; timezone: string } {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  })
  const parts: Record<string, string> = {}
  for (const { type, value } of format.formatToParts(date)) parts[type] = value
  // `longOffset` gives `GMT+09:00`, or plain `GMT` for a zero offset.
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00'
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0')
  const time = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${ms}${offset}`
  return { time, utc: date.toISOString(), offset, timezone: format.resolvedOptions().timeZone }
}

export const currentTime = defineTool({
  name: 'current_time',
  title: 'Current time',
  description:
    'The current date and time in a time zone (IANA name such as Asia/Seoul; default UTC).',
  input: v.strictObject({
    timezone: v.optional(
      v.pipe(
        v.string(),
        v.check(isIanaTimeZone, 'expected a valid IANA time zone'),
        v.description('IANA time zone name, e.g. Asia/Seoul or Europe/Paris.'),
      ),
      'UTC',
    ),
  }),
  output: v.strictObject({
    time: v.pipe(v.string(), v.description('Local time, ISO 8601 with offset.')),
    utc: v.pipe(v.string(), v.description('The same instant in UTC, ISO 8601.')),
    offset: v.pipe(v.string(), v.description('UTC offset, e.g. +09:00.')),
    timezone: v.pipe(v.string(), v.description('Canonical zone name.')),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
  text: ({ time, timezone }) => `${time} (${timezone})`,
  handler: ({ timezone }) => timeIn(timezone, new Date()),
})
