import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { AuditEvent } from '../../../shared/audit/record.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import { NO_AUDIT_FILE_MESSAGE } from '../audit-reader.ts'
import { createAuditFileReader } from '../../../shared/node/audit/file-reader.ts'
import { callOnce, FIXTURE_EVENTS, FIXTURE_START, writeAuditFixture } from '../testing.ts'

const NAME = 'generate_security_report'

interface Out {
  available: boolean
  message?: string
  file?: string
  since?: string
  timeRange: { from: string; to: string } | null
  records: number
  events: number
  complete: boolean
  invalidLines: number
  eventsByType: Record<string, number>
  outcomes: Record<string, number>
  toolCalls: Record<string, number>
  piiByType: Record<string, number>
  recordsWithPii: number
  policyActions: Record<string, number>
  rejected: { total: number; byTool: Record<string, number>; byType: Record<string, number> }
  denied: number
  errors: number
  topClients: Array<{ clientId: string; events: number }>
  anonymousEvents: number
  chain: {
    status: string
    files?: number
    records: number
    lastSeq?: number
    lastHash?: string
    truncatedLines?: number
    broken?: { file: string; line: number; reason: string; message: string }
  }
}

const it = suite<{ dir: string; path: string }>(NAME, { dir: '', path: '' })
it.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'security-tools-report-'))
  context.path = join(context.dir, 'audit.log')
  await writeAuditFixture(context.path)
})
it.after.each(async ({ dir }) => {
  await rm(dir, { recursive: true, force: true })
})

async function report(path: string, args: Record<string, unknown> = {}, policy?: unknown) {
  const { result, session } = await callOnce(NAME, args, {
    auditReader: createAuditFileReader(path),
    ...(policy !== undefined ? { policy } : {}),
  })
  return { result, out: result.structuredContent as unknown as Out, session }
}

it('summarises events, PII, actions, rejections and clients; the chain verifies', async ({
  path,
}) => {
  const { result, out } = await report(path)
  assert.not.ok(result.isError, textOf(result))
  assert.equal([out.available, out.file, out.records, out.complete], [true, path, 8, true])
  assert.equal(out.timeRange, {
    from: new Date(FIXTURE_START).toISOString(),
    to: new Date(FIXTURE_START + 7 * 60_000).toISOString(),
  })
  assert.equal(out.eventsByType, {
    server_start: 1,
    token_issued: 1,
    token_rejected: 1,
    tool_call: 5,
  })
  assert.equal(out.outcomes, { denied: 1, error: 1, ok: 5, rejected: 1 })
  assert.equal(out.toolCalls, {
    echo: 1,
    get_security_audit_log: 1,
    simulate_data_breach_detection: 1,
    test_encryption: 1,
    test_pii_detection: 1,
  })
  assert.equal(out.piiByType, { email: 3, phone: 1, ssn: 1 })
  assert.is(out.recordsWithPii, 3)
  assert.equal(out.policyActions, { allow: 1, mask: 2, reject: 1 })
  assert.equal(out.rejected, { total: 1, byTool: { echo: 1 }, byType: { ssn: 1 } })
  assert.equal([out.denied, out.errors], [1, 1])
  assert.equal(out.topClients, [
    { clientId: 'agent-1', events: 4 },
    { clientId: 'agent-2', events: 1 },
    { clientId: 'agent-3', events: 1 },
  ])
  assert.is(out.anonymousEvents, 2)
  const last = JSON.parse((await readFile(path, 'utf8')).trim().split('\n').at(-1)!)
  assert.equal(out.chain, {
    status: 'verified',
    files: 1,
    records: FIXTURE_EVENTS.length,
    lastSeq: 8,
    lastHash: last.hash,
    truncatedLines: 0,
  })
  const text = textOf(result)
  assert.match(text, /^Security report for .*audit\.log \(2025-01-01T00:00:00\.000Z → /)
  assert.match(text, /\nAudit chain: VERIFIED \(1 file\(s\), 8 record\(s\), last seq 8\)\./)
  assert.match(text, /\nPII detections: email 3, phone 1, ssn 1 \(in 3 record\(s\)\)\./)
  assert.match(text, /\nRejected calls: 1 \(tools: echo 1; types: ssn 1\)\./)
  assert.match(text, /\nTop clients: agent-1 4, agent-2 1, agent-3 1; without a client id: 2\./)
})

it('since: only the records from that instant on (the chain check still covers the log)', async ({
  path,
}) => {
  const { out } = await report(path, { since: '2025-01-01T00:04:00Z' })
  assert.equal([out.since, out.records], ['2025-01-01T00:04:00Z', 4])
  assert.equal(out.eventsByType, { token_rejected: 1, tool_call: 3 })
  assert.equal(out.rejected.total, 0)
  assert.is(out.chain.records, 8)
  const later = await report(path, { since: '2031-01-01' })
  assert.equal([later.out.records, later.out.timeRange], [0, null])
})

it('LOG-3: a tampered copy of the log reports the first broken line', async ({ dir, path }) => {
  const tampered = join(dir, 'tampered.log')
  await copyFile(path, tampered)
  const lines = (await readFile(tampered, 'utf8')).split('\n')
  // Hide the rejected call: change its outcome (the hash no longer matches the line).
  lines[3] = lines[3]!.replace('"outcome":"rejected"', '"outcome":"ok"')
  await writeFile(tampered, lines.join('\n'))
  const { result, out } = await report(tampered)
  assert.not.ok(result.isError)
  assert.equal(out.chain, {
    status: 'broken',
    records: 3,
    broken: {
      file: tampered,
      line: 4,
      reason: 'hash_mismatch',
      message: 'line does not hash to its hash field (edited)',
    },
  })
  assert.is(out.rejected.total, 0, 'the statistics describe the file as it is')
  assert.match(textOf(result), /\nAudit chain: BROKEN at .*tampered\.log line 4: hash_mismatch/)
  const original = await report(path)
  assert.is(original.out.chain.status, 'verified')
})

it('LOG-3: a record deleted from the middle is found at the next line', async ({ dir, path }) => {
  const cut = join(dir, 'cut.log')
  const lines = (await readFile(path, 'utf8')).split('\n')
  lines.splice(4, 1)
  await writeFile(cut, lines.join('\n'))
  const { out } = await report(cut)
  assert.equal(
    [out.chain.status, out.chain.broken?.line, out.chain.broken?.reason],
    ['broken', 5, 'prev_mismatch'],
  )
})

it('client ids and tool names holding PII are masked in the report', async ({ dir }) => {
  const path = join(dir, 'foreign.log')
  await writeAuditFixture(path, {
    events: [
      { event: 'tool_call', tool: 'echo', client_id: 'kim.chulsoo@example.com', outcome: 'ok' },
    ],
  })
  const { result, out } = await report(path, {}, { results: { default: 'allow' } })
  assert.equal(out.topClients, [{ clientId: '[EMAIL]', events: 1 }])
  assert.not.ok(JSON.stringify(result).includes('kim.chulsoo@example.com'))
})

it('an aggregated record counts as its `count` events (refusals, clients, outcomes)', async ({
  dir,
}) => {
  const path = join(dir, 'flood.log')
  const refused = { event: 'token_rejected', client_id: 'attacker', outcome: 'denied' } as const
  // The file log aggregates: the first refusal at once, the other 6 as one record with count 6.
  await writeAuditFixture(path, {
    events: [
      { event: 'tool_call', tool: 'echo', client_id: 'agent-1', outcome: 'ok' } as AuditEvent,
      ...Array.from({ length: 7 }, () => refused),
    ],
  })
  const lines = (await readFile(path, 'utf8')).trim().split('\n')
  assert.is(lines.length, 3, 'one aggregated record')
  const { result, out } = await report(path, {}, { results: { default: 'allow' } })
  assert.equal([out.records, out.events], [3, 8])
  assert.equal(out.eventsByType, { token_rejected: 7, tool_call: 1 })
  assert.equal(out.outcomes, { denied: 7, ok: 1 })
  assert.is(out.denied, 7)
  assert.equal(out.topClients, [
    { clientId: 'attacker', events: 7 },
    { clientId: 'agent-1', events: 1 },
  ])
  assert.match(textOf(result), /3 record\(s\), 8 event\(s\)/)
})

it('no AUDIT_LOG_FILE: says there is nothing to report and why (not an error)', async () => {
  const { result } = await callOnce(NAME, {})
  assert.not.ok(result.isError)
  const out = result.structuredContent as unknown as Out
  assert.equal(
    [out.available, out.message, out.records, out.chain],
    [false, NO_AUDIT_FILE_MESSAGE, 0, { status: 'unavailable', records: 0 }],
  )
  assert.is(textOf(result), NO_AUDIT_FILE_MESSAGE)
})

it('bad arguments name the field; an unreadable log is a ToolError', async ({ dir, path }) => {
  const bad = await report(path, { since: 'last week' })
  assert.is(bad.result.isError, true)
  assert.match(
    textOf(bad.result),
    /^invalid arguments for generate_security_report: since: expected an ISO 8601/,
  )
  const extra = await report(path, { until: '2025-01-01' })
  assert.match(textOf(extra.result), /until: unknown field/)
  const unreadable = await report(dir)
  assert.is(unreadable.result.isError, true)
  assert.is(textOf(unreadable.result), `cannot read the audit log ${dir} (EISDIR)`)
})

it.run()
