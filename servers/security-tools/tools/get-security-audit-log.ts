// Tool `get_security_audit_log`: the newest audit records (AUDIT_LOG_FILE and its rotated files),
// filtered by event type, time and PII, newest first, bounded in what it returns and reads.
import * as v from 'valibot'
import { EVENT_PATTERN, type AuditRecord } from '../../../shared/audit/record.ts'
import { ToolError } from '../../../shared/mcp/errors.ts'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import {
  AuditReadError,
  collectRecords,
  NO_AUDIT_FILE,
  NO_AUDIT_FILE_MESSAGE,
  scrubRecord,
} from '../audit-reader.ts'
import { eventCount } from '../counts.ts'
import type { SecurityToolsDeps } from '../deps.ts'
import { parseInstant, SinceSchema } from '../iso-time.ts'

/** Most records one call returns. */
export const MAX_LIMIT = 500
/** Most records one call reads from the end of the log while filtering. */
export const MAX_SCAN = 20_000

/** A record as the log holds it (shared/audit/record.ts): types and counts, never values. */
const RecordSchema = v.object({
  ts: v.string(),
  seq: v.number(),
  event: v.string(),
  tool: v.optional(v.string()),
  client_id: v.optional(v.string()),
  jti: v.optional(v.string()),
  direction: v.optional(v.string()),
  pii: v.optional(v.record(v.string(), v.number())),
  action: v.optional(v.string()),
  outcome: v.string(),
  duration_ms: v.optional(v.number()),
  param_count: v.optional(v.number()),
  request_id: v.optional(v.string()),
  detail: v.optional(v.string()),
  count: v.optional(
    v.pipe(v.number(), v.description('Events this record stands for (aggregated refusals).')),
  ),
  prev: v.string(),
  hash: v.string(),
})

const Output = v.strictObject({
  available: v.pipe(
    v.boolean(),
    v.description('False when the audit log goes to standard error (no file to read).'),
  ),
  file: v.optional(v.pipe(v.string(), v.description('The audit log file read.'))),
  message: v.optional(v.string()),
  records: v.pipe(v.array(RecordSchema), v.description('Matching records, newest first.')),
  returned: v.number(),
  events: v.pipe(
    v.number(),
    v.description('Events the returned records stand for (an aggregated record counts `count`).'),
  ),
  scanned: v.pipe(v.number(), v.description('Records looked at (within `since`).')),
  complete: v.pipe(
    v.boolean(),
    v.description(
      'True when every record in range was looked at; false when the limit or the scan bound stopped the search.',
    ),
  ),
  invalidLines: v.pipe(v.number(), v.description('Lines passed over that are not records.')),
})
type Result = v.InferInput<typeof Output>

function line(record: AuditRecord): string {
  const parts = [record.ts, `#${record.seq}`, record.event]
  if (record.tool) parts.push(record.tool)
  parts.push(record.outcome)
  if (record.count !== undefined) parts.push(`×${record.count}`)
  if (record.client_id) parts.push(`client=${record.client_id}`)
  if (record.pii) {
    const pii = Object.entries(record.pii).map(([type, n]) => `${type}:${n}`)
    parts.push(`pii=${pii.join(',')}`)
  }
  if (record.action) parts.push(`action=${record.action}`)
  if (record.detail) parts.push(`(${record.detail})`)
  return parts.join(' ')
}

function render(out: Result): string {
  if (!out.available) return out.message ?? NO_AUDIT_FILE_MESSAGE
  const head =
    out.returned === 0
      ? `No matching audit records in ${out.file} (${out.scanned} looked at).`
      : `${out.returned} audit record(s) (${out.events} event(s)) from ${out.file}, newest first` +
        `${out.complete ? '' : ' (more may exist: raise limit or narrow the filters)'}:`
  return [head, ...out.records.map((record) => line(record as AuditRecord))].join('\n')
}

export function getSecurityAuditLog(deps: SecurityToolsDeps): Tool {
  const reader = deps.auditReader ?? NO_AUDIT_FILE
  return defineTool({
    name: 'get_security_audit_log',
    title: 'Security audit log',
    description:
      'Recent records of the tamper-evident audit log (AUDIT_LOG_FILE and its rotated files), ' +
      'newest first: who called which tool, when, which PII types were found (counts only) and ' +
      'what the policy did. Filter by event type, start time and whether PII was found. Records ' +
      'are returned as stored, with any PII in their text fields masked (not verified: ' +
      'generate_security_report checks the hash chain).',
    input: v.strictObject({
      limit: v.optional(
        v.pipe(
          v.number(),
          v.integer('expected a whole number'),
          v.minValue(1, 'expected at least 1'),
          v.maxValue(MAX_LIMIT, `expected at most ${MAX_LIMIT}`),
          v.description(`Most records to return, 1–${MAX_LIMIT}. Default 50.`),
        ),
        50,
      ),
      event_type: v.optional(
        v.pipe(
          v.string(),
          v.regex(EVENT_PATTERN, 'expected an event type such as tool_call'),
          v.description('Only records of this event type (tool_call, token_issued, …).'),
        ),
      ),
      since: v.optional(SinceSchema),
      contains_pii: v.optional(
        v.pipe(
          v.boolean(),
          v.description('true: only records where PII was found; false: only records without.'),
        ),
      ),
    }),
    output: Output,
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    text: render,
    handler: async ({ limit, event_type, since, contains_pii }): Promise<Result> => {
      if (reader.file === undefined) {
        return {
          available: false,
          message: NO_AUDIT_FILE_MESSAGE,
          records: [],
          returned: 0,
          events: 0,
          scanned: 0,
          complete: true,
          invalidLines: 0,
        }
      }
      const accept = (record: AuditRecord) =>
        (event_type === undefined || record.event === event_type) &&
        (contains_pii === undefined || hasPii(record) === contains_pii)
      let found
      try {
        found = await collectRecords(reader, {
          limit,
          maxScan: MAX_SCAN,
          accept,
          ...(since !== undefined ? { since: parseInstant(since)! } : {}),
        })
      } catch (error) {
        if (error instanceof AuditReadError) throw new ToolError(error.message)
        throw error
      }
      return {
        available: true,
        file: reader.file,
        records: found.records.map((record) => scrubRecord(record, deps.guard.scrub)),
        returned: found.records.length,
        events: found.records.reduce((sum, record) => sum + eventCount(record), 0),
        scanned: found.scanned,
        complete: found.complete,
        invalidLines: found.invalidLines,
      }
    },
  })
}

/** True when the record counts at least one PII finding. */
export function hasPii(record: AuditRecord): boolean {
  return record.pii !== undefined && Object.values(record.pii).some((count) => count > 0)
}
