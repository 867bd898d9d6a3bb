// Tool `generate_security_report`: a summary of the audit log (events, PII by type, policy
// actions, rejected calls, top clients, time range) and whether its hash chain verifies (LOG-3).
import * as v from 'valibot'
import type { AuditRecord } from '../../../shared/audit/record.ts'
import { ToolError } from '../../../shared/mcp/errors.ts'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import {
  AuditReadError,
  collectRecords,
  NO_AUDIT_FILE,
  NO_AUDIT_FILE_MESSAGE,
  type AuditChainStatus,
} from '../audit-reader.ts'
import { eventCount, increment, sortedKeys } from '../counts.ts'
import type { SecurityToolsDeps } from '../deps.ts'
import { parseInstant, SinceSchema } from '../iso-time.ts'

/** Most records one report reads (newest first); older ones are left out and `complete` is false. */
export const MAX_REPORT_RECORDS = 50_000
/** Clients listed in `topClients`. */
export const TOP_CLIENTS = 10

const Counts = v.record(v.string(), v.number())

const Chain = v.strictObject({
  status: v.pipe(
    v.picklist(['verified', 'broken', 'unavailable']),
    v.description('verified: every line hashes and links; broken: see `broken`.'),
  ),
  files: v.optional(v.pipe(v.number(), v.description('Files verified (active and rotated).'))),
  records: v.pipe(v.number(), v.description('Records verified (before the break, if broken).')),
  lastSeq: v.optional(v.number()),
  lastHash: v.optional(
    v.pipe(v.string(), v.description('Keep it elsewhere: a dropped tail shows as a mismatch.')),
  ),
  truncatedLines: v.optional(v.number()),
  broken: v.optional(
    v.strictObject({
      file: v.string(),
      line: v.pipe(v.number(), v.description('1-based line number of the first broken line.')),
      reason: v.string(),
      message: v.string(),
    }),
  ),
})

const Output = v.strictObject({
  available: v.pipe(
    v.boolean(),
    v.description('False when the audit log goes to standard error (no file to read).'),
  ),
  message: v.optional(v.string()),
  file: v.optional(v.string()),
  since: v.optional(v.string()),
  timeRange: v.nullable(v.strictObject({ from: v.string(), to: v.string() })),
  records: v.pipe(v.number(), v.description('Records summarised.')),
  events: v.pipe(
    v.number(),
    v.description('Events those records stand for: an aggregated record counts `count` events.'),
  ),
  complete: v.pipe(
    v.boolean(),
    v.description(`False when older records in range were left out (over ${MAX_REPORT_RECORDS}).`),
  ),
  invalidLines: v.number(),
  eventsByType: Counts,
  outcomes: Counts,
  toolCalls: v.pipe(Counts, v.description('tool_call records per tool.')),
  piiByType: v.pipe(Counts, v.description('PII findings per entity type (arguments and results).')),
  recordsWithPii: v.number(),
  policyActions: v.pipe(Counts, v.description('Records per policy action taken.')),
  rejected: v.strictObject({
    total: v.pipe(v.number(), v.description('Records with outcome rejected (the PII policy).')),
    byTool: Counts,
    byType: v.pipe(Counts, v.description('PII types found in the rejected calls.')),
  }),
  denied: v.pipe(v.number(), v.description('Records with outcome denied (authentication).')),
  errors: v.pipe(v.number(), v.description('Records with outcome error.')),
  topClients: v.array(v.strictObject({ clientId: v.string(), events: v.number() })),
  anonymousEvents: v.pipe(
    v.number(),
    v.description('Records without a client id (stdio calls, server events).'),
  ),
  chain: Chain,
})
type Result = v.InferInput<typeof Output>
type Summary = Omit<Result, 'available' | 'message' | 'file' | 'since' | 'chain'>

/**
 * The statistics of `records` (newest first). Tool names and client ids from the log go through
 * `scrub` before they are shown (see `scrubRecord`). Default: unchanged.
 */
export function summarise(
  records: readonly AuditRecord[],
  complete: boolean,
  scrub: (text: string) => string = (text) => text,
): Summary {
  const eventsByType: Record<string, number> = {}
  const outcomes: Record<string, number> = {}
  const toolCalls: Record<string, number> = {}
  const piiByType: Record<string, number> = {}
  const policyActions: Record<string, number> = {}
  const rejectedByTool: Record<string, number> = {}
  const rejectedByType: Record<string, number> = {}
  const clients = new Map<string, number>()
  let recordsWithPii = 0
  let anonymousEvents = 0
  let events = 0
  for (const record of records) {
    // An aggregated record (refusals, docs/audit.md "Retention and floods") stands for `count`.
    const n = eventCount(record)
    events += n
    increment(eventsByType, record.event, n)
    increment(outcomes, record.outcome, n)
    if (record.event === 'tool_call' && record.tool) increment(toolCalls, record.tool, n)
    if (record.action) increment(policyActions, record.action, n)
    let withPii = false
    for (const [type, count] of Object.entries(record.pii ?? {})) {
      if (count > 0) withPii = true
      increment(piiByType, type, count)
      if (record.outcome === 'rejected') increment(rejectedByType, type, count)
    }
    if (withPii) recordsWithPii++
    if (record.outcome === 'rejected') increment(rejectedByTool, record.tool ?? '(none)', n)
    if (record.client_id) clients.set(record.client_id, (clients.get(record.client_id) ?? 0) + n)
    else anonymousEvents += n
  }
  const topClients = [...clients]
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_CLIENTS)
    .map(([clientId, events]) => ({ clientId: scrub(clientId), events }))
  const scrubKeys = (counts: Record<string, number>) => {
    const out: Record<string, number> = {}
    for (const [key, n] of Object.entries(counts)) increment(out, scrub(key), n)
    return sortedKeys(out)
  }
  return {
    timeRange:
      records.length > 0 ? { from: records[records.length - 1]!.ts, to: records[0]!.ts } : null,
    records: records.length,
    events,
    complete,
    invalidLines: 0,
    eventsByType: sortedKeys(eventsByType),
    outcomes: sortedKeys(outcomes),
    toolCalls: scrubKeys(toolCalls),
    piiByType: sortedKeys(piiByType),
    recordsWithPii,
    policyActions: sortedKeys(policyActions),
    rejected: {
      total: outcomes.rejected ?? 0,
      byTool: scrubKeys(rejectedByTool),
      byType: sortedKeys(rejectedByType),
    },
    denied: outcomes.denied ?? 0,
    errors: outcomes.error ?? 0,
    topClients,
    anonymousEvents,
  }
}

/** The chain part of the report. */
export function chainReport(status: AuditChainStatus): Result['chain'] {
  if (status.ok) {
    return {
      status: 'verified',
      files: status.files,
      records: status.records,
      lastSeq: status.lastSeq,
      lastHash: status.lastHash,
      truncatedLines: status.truncatedLines,
    }
  }
  const { file, line, reason, message, records } = status
  return { status: 'broken', records, broken: { file, line, reason, message } }
}

const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none'

function render(out: Result): string {
  if (!out.available) return out.message ?? NO_AUDIT_FILE_MESSAGE
  const range = out.timeRange ? `${out.timeRange.from} → ${out.timeRange.to}` : 'no records'
  const chain = out.chain
  const chainLine =
    chain.status === 'verified'
      ? `Audit chain: VERIFIED (${chain.files} file(s), ${chain.records} record(s), last seq ${chain.lastSeq}).`
      : `Audit chain: BROKEN at ${chain.broken?.file} line ${chain.broken?.line}: ${chain.broken?.reason} (${chain.broken?.message}); ${chain.records} record(s) verified before it.`
  const clients = out.topClients.map((c) => `${c.clientId} ${c.events}`).join(', ') || 'none'
  return [
    `Security report for ${out.file} (${range}; ${out.records} record(s), ${out.events} event(s)` +
      `${out.since ? ` since ${out.since}` : ''}${out.complete ? '' : ', older records left out'}).`,
    chainLine,
    `Events: ${list(out.eventsByType)}.`,
    `Outcomes: ${list(out.outcomes)}.`,
    `Tool calls: ${list(out.toolCalls)}.`,
    `PII detections: ${list(out.piiByType)} (in ${out.recordsWithPii} record(s)).`,
    `Policy actions: ${list(out.policyActions)}.`,
    `Rejected calls: ${out.rejected.total} (tools: ${list(out.rejected.byTool)}; types: ${list(out.rejected.byType)}).`,
    `Denied: ${out.denied}. Errors: ${out.errors}.`,
    `Top clients: ${clients}; without a client id: ${out.anonymousEvents}.`,
  ].join('\n')
}

export function generateSecurityReport(deps: SecurityToolsDeps): Tool {
  const reader = deps.auditReader ?? NO_AUDIT_FILE
  return defineTool({
    name: 'generate_security_report',
    title: 'Security report',
    description:
      'Summarises the audit log (AUDIT_LOG_FILE and its rotated files), optionally since a ' +
      'time: events by type, PII detections by type, policy actions, rejected calls, top ' +
      'clients, the time range, and whether the tamper-evident hash chain verifies (with the ' +
      'first broken line if it does not).',
    input: v.strictObject({ since: v.optional(SinceSchema) }),
    output: Output,
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      openWorldHint: false,
    },
    text: render,
    handler: async ({ since }): Promise<Result> => {
      if (reader.file === undefined) {
        return {
          available: false,
          message: NO_AUDIT_FILE_MESSAGE,
          ...summarise([], true),
          chain: { status: 'unavailable', records: 0 },
        }
      }
      try {
        const [found, status] = await Promise.all([
          collectRecords(reader, {
            limit: MAX_REPORT_RECORDS,
            maxScan: MAX_REPORT_RECORDS,
            ...(since !== undefined ? { since: parseInstant(since)! } : {}),
          }),
          reader.verify(),
        ])
        return {
          available: true,
          file: reader.file,
          ...(since !== undefined ? { since } : {}),
          ...summarise(found.records, found.complete, deps.guard.scrub),
          invalidLines: found.invalidLines,
          chain: chainReport(status),
        }
      } catch (error) {
        if (error instanceof AuditReadError) throw new ToolError(error.message)
        throw error
      }
    },
  })
}
