import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { AuditRecord } from '../../../shared/audit/record.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import { NO_AUDIT_FILE_MESSAGE } from '../audit-reader.ts'
import { createAuditFileReader } from '../../../shared/node/audit/file-reader.ts'
import { callOnce, FIXTURE_EVENTS, writeAuditFixture } from '../testing.ts'
import { MAX_LIMIT } from './get-security-audit-log.ts'

const NAME = 'get_security_audit_log'

interface Out {
  available: boolean
  file?: string
  message?: string
  records: AuditRecord[]
  returned: number
  events: number
  scanned: number
  complete: boolean
  invalidLines: number
}

const it = suite<{ dir: string; path: string }>(NAME, { dir: '', path: '' })
it.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'security-tools-log-'))
  context.path = join(context.dir, 'audit.log')
  await writeAuditFixture(context.path)
})
it.after.each(async ({ dir }) => {
  await rm(dir, { recursive: true, force: true })
})

async function read(path: string, args: Record<string, unknown> = {}, policy?: unknown) {
  const { result, session } = await callOnce(NAME, args, {
    auditReader: createAuditFileReader(path),
    ...(policy !== undefined ? { policy } : {}),
  })
  return { result, out: result.structuredContent as unknown as Out, session }
}

const seqs = (out: Out) => out.records.map((r) => r.seq)

it('every record newest first, as stored (types and counts), with a readable line each', async ({
  path,
}) => {
  const { result, out } = await read(path)
  assert.not.ok(result.isError, textOf(result))
  assert.equal(
    [out.available, out.file, out.returned, out.complete],
    [true, path, FIXTURE_EVENTS.length, true],
  )
  assert.equal(seqs(out), [8, 7, 6, 5, 4, 3, 2, 1])
  const call = out.records.find((r) => r.seq === 3)!
  assert.equal(
    [call.event, call.tool, call.client_id, call.pii, call.action, call.direction],
    ['tool_call', 'test_pii_detection', 'agent-1', { email: 1, phone: 1 }, 'mask', 'in'],
  )
  assert.match(call.hash, /^[0-9a-f]{64}$/)
  const lines = textOf(result).split('\n')
  assert.match(lines[0]!, /^8 audit record\(s\) \(8 event\(s\)\) from .*audit\.log, newest first:$/)
  assert.is(
    lines[6],
    '2025-01-01T00:02:00.000Z #3 tool_call test_pii_detection ok client=agent-1 pii=email:1,phone:1 action=mask (in=allow(email:1,phone:1) out=mask())',
  )
})

it('limit keeps the newest and says more may exist', async ({ path }) => {
  const { result, out } = await read(path, { limit: 2 })
  assert.equal(seqs(out), [8, 7])
  assert.is(out.complete, false)
  assert.match(textOf(result), /more may exist/)
})

it('filters: event_type, contains_pii, since, and together', async ({ path }) => {
  assert.equal(seqs((await read(path, { event_type: 'tool_call' })).out), [8, 7, 6, 4, 3])
  assert.equal(seqs((await read(path, { event_type: 'token_rejected' })).out), [5])
  assert.equal(seqs((await read(path, { event_type: 'never_seen' })).out), [])
  assert.equal(seqs((await read(path, { contains_pii: true })).out), [8, 4, 3])
  assert.equal(seqs((await read(path, { contains_pii: false })).out), [7, 6, 5, 2, 1])
  const since = await read(path, { since: '2025-01-01T00:05:00Z' })
  assert.equal(seqs(since.out), [8, 7, 6])
  assert.is(since.out.scanned, 3)
  assert.equal(seqs((await read(path, { since: '2025-01-01T09:04+09:00' })).out), [8, 7, 6, 5])
  const both = await read(path, {
    event_type: 'tool_call',
    contains_pii: true,
    since: '2025-01-01T00:03:00Z',
    limit: 5,
  })
  assert.equal(seqs(both.out), [8, 4])
  const none = await read(path, { since: '2030-01-01' })
  assert.equal([none.out.returned, none.out.complete], [0, true])
  assert.match(textOf(none.result), /^No matching audit records in /)
})

it('the records of a rotated log are read across files', async ({ dir }) => {
  const path = join(dir, 'rotated.log')
  const events = Array.from({ length: 60 }, (_, i) => ({
    event: i % 2 ? 'tool_call' : 'token_issued',
    outcome: 'ok' as const,
  }))
  await writeAuditFixture(path, { events, maxBytes: 1200 })
  const { out } = await read(path, { event_type: 'token_issued', limit: 500 })
  assert.is(out.returned, 30)
  assert.equal(out.records.at(-1)?.seq, 1)
})

it('LOG-2: PII a foreign log left in a text field is masked; values never leave', async ({
  dir,
}) => {
  const path = join(dir, 'foreign.log')
  await writeAuditFixture(path, {
    events: [{ event: 'note', outcome: 'ok', detail: 'written by kim.chulsoo@example.com' }],
  })
  // Results allowed by the operator: the tool itself masks.
  const { result, out } = await read(path, {}, { results: { default: 'allow' } })
  assert.is(out.records[0]?.detail, 'written by [EMAIL]')
  assert.not.ok(JSON.stringify(result).includes('kim.chulsoo@example.com'))
})

it('no AUDIT_LOG_FILE: says there are no records and why (not an error)', async () => {
  const { result, session } = await callOnce(NAME, {})
  assert.not.ok(result.isError)
  const out = result.structuredContent as unknown as Out
  assert.equal([out.available, out.records, out.message], [false, [], NO_AUDIT_FILE_MESSAGE])
  assert.match(textOf(result), /AUDIT_LOG_FILE is not set/)
  assert.is((await session.audit.records())[0]?.outcome, 'ok')
})

it('an unreadable log is a ToolError naming the file and the code', async ({ dir }) => {
  const { result } = await read(dir)
  assert.is(result.isError, true)
  assert.is(textOf(result), `cannot read the audit log ${dir} (EISDIR)`)
})

it('bad arguments name the field', async ({ path }) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ limit: 0 }, /limit: expected at least 1/],
    [{ limit: MAX_LIMIT + 1 }, /limit: expected at most 500/],
    [{ limit: 2.5 }, /limit: expected a whole number/],
    [{ limit: '10' }, /limit: expected number/],
    [{ event_type: 'Tool Call' }, /event_type: expected an event type such as tool_call/],
    [{ since: '2025-02-30' }, /since: expected an ISO 8601 date or date-time/],
    [{ since: '2025-03-04T10:00:00' }, /since: expected an ISO 8601/],
    [{ contains_pii: 'yes' }, /contains_pii: expected boolean/],
    [{ tool: 'echo' }, /tool: unknown field/],
  ]
  for (const [args, message] of cases) {
    const { result } = await read(path, args)
    assert.is(result.isError, true, JSON.stringify(args))
    assert.match(textOf(result), message)
    assert.match(textOf(result), /^invalid arguments for get_security_audit_log: /)
  }
  const { out } = await read(path, { limit: MAX_LIMIT })
  assert.is(out.returned, 8)
})

it('an aggregated record shows its count; `events` adds the counts up', async ({ dir }) => {
  const path = join(dir, 'flood.log')
  const refused = { event: 'client_auth_failed', client_id: 'x', outcome: 'denied' } as const
  await writeAuditFixture(path, { events: Array.from({ length: 5 }, () => refused) })
  const { result } = await callOnce(NAME, {}, { auditReader: createAuditFileReader(path) })
  const out = result.structuredContent as unknown as Out
  assert.equal([out.returned, out.events], [2, 5])
  assert.equal(
    out.records.map((record) => record.count),
    [4, undefined],
  )
  assert.match(textOf(result), /^2 audit record\(s\) \(5 event\(s\)\) from /)
  assert.match(textOf(result), /client_auth_failed denied ×4 client=x/)
})

it.run()
