// Tests of the Node audit file reader over real files written by the real file log.
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { AuditReadError, NO_AUDIT_FILE } from '../../audit/reader.ts'
import type { AuditEvent } from '../../audit/record.ts'
import { createAuditFileReader } from './file-reader.ts'
import { openAuditFileLog } from './file-log.ts'

/** Eight events, the fourth one rejected (seq 1 … 8). */
const FIXTURE_EVENTS: readonly AuditEvent[] = [
  { event: 'server_start', outcome: 'ok' },
  { event: 'token_issued', outcome: 'ok', client_id: 'agent-1', jti: 'j-1' },
  { event: 'tool_call', tool: 'echo', client_id: 'agent-1', outcome: 'ok' },
  { event: 'tool_call', tool: 'echo', client_id: 'agent-2', outcome: 'rejected' },
  { event: 'token_rejected', outcome: 'denied', client_id: 'agent-3', detail: 'invalid_token' },
  { event: 'tool_call', tool: 'test_encryption', action: 'allow', outcome: 'ok' },
  { event: 'tool_call', tool: 'echo', client_id: 'agent-1', outcome: 'error' },
  { event: 'tool_call', tool: 'echo', client_id: 'agent-1', outcome: 'ok' },
]

/** Writes `events` to `path` with the real file log (hash chain, rotation at `maxBytes`). */
async function writeAuditFixture(
  path: string,
  options: { events?: readonly AuditEvent[]; maxBytes?: number } = {},
): Promise<void> {
  const { events = FIXTURE_EVENTS, maxBytes } = options
  let minute = 0
  const log = await openAuditFileLog({
    path,
    ...(maxBytes !== undefined ? { maxBytes, maxFiles: 100 } : {}),
    clock: () => new Date(Date.UTC(2025, 0, 1) + 60_000 * minute++),
  })
  for (const event of events) await log.record(event)
  await log.close()
}

const it = suite<{ dir: string; path: string }>('createAuditFileReader', { dir: '', path: '' })
it.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'audit-file-reader-'))
  context.path = join(context.dir, 'audit.log')
})
it.after.each(async ({ dir }) => {
  await rm(dir, { recursive: true, force: true })
})

it('no AUDIT_LOG_FILE: the stderr reader, with no file', () => {
  assert.is(createAuditFileReader(undefined), NO_AUDIT_FILE)
})

it('reads newest first and counts lines that are not records', async ({ path }) => {
  await writeAuditFixture(path)
  await appendFile(path, 'garbage\n')
  const reader = createAuditFileReader(path)
  assert.is(reader.file, path)
  const { records, invalidLines } = await reader.read(3)
  assert.equal(
    records.map((r) => r.seq),
    [8, 7, 6],
  )
  assert.is(invalidLines, 1)
  assert.is((await reader.read(100)).records.length, FIXTURE_EVENTS.length)
})

it('a log that does not exist yet reads as empty and verifies (nothing to check)', async ({
  path,
}) => {
  const reader = createAuditFileReader(path)
  assert.equal(await reader.read(10), { records: [], invalidLines: 0 })
  const status = await reader.verify()
  assert.ok(status.ok)
  assert.is(status.ok && status.files, 0)
})

it('reads and verifies across rotated files', async ({ path }) => {
  const events = Array.from({ length: 40 }, (_, i) => ({
    event: 'tool_call',
    tool: `t${i}`,
    outcome: 'ok' as const,
  }))
  await writeAuditFixture(path, { events, maxBytes: 1500 })
  const reader = createAuditFileReader(path)
  const { records } = await reader.read(40)
  assert.equal(
    records.map((r) => r.seq),
    Array.from({ length: 40 }, (_, i) => 40 - i),
  )
  const status = await reader.verify()
  assert.ok(status.ok, JSON.stringify(status))
  if (status.ok) {
    assert.ok(status.files > 2, `${status.files} files`)
    assert.is(status.records, 40)
    assert.is(status.lastSeq, 40)
    assert.is(status.lastHash, records[0]!.hash)
  }
})

it('LOG-3: an edited line breaks the chain at that line', async ({ path }) => {
  await writeAuditFixture(path)
  const lines = (await readFile(path, 'utf8')).split('\n')
  lines[3] = lines[3]!.replace('"outcome":"rejected"', '"outcome":"ok"')
  await writeFile(path, lines.join('\n'))
  const status = await createAuditFileReader(path).verify()
  assert.equal(status, {
    ok: false,
    file: path,
    line: 4,
    reason: 'hash_mismatch',
    message: 'line does not hash to its hash field (edited)',
    records: 3,
  })
})

it('LOG-3: a deleted line breaks the chain at the next line', async ({ path }) => {
  await writeAuditFixture(path)
  const lines = (await readFile(path, 'utf8')).split('\n')
  lines.splice(2, 1)
  await writeFile(path, lines.join('\n'))
  const status = await createAuditFileReader(path).verify()
  assert.is(status.ok, false)
  if (!status.ok) assert.equal([status.line, status.reason], [3, 'prev_mismatch'])
})

it('flush runs before every read and verify (the server reads its own log)', async ({ path }) => {
  await writeAuditFixture(path)
  let flushes = 0
  const reader = createAuditFileReader(path, { flush: async () => void flushes++ })
  await reader.read(1)
  await reader.verify()
  assert.is(flushes, 2)
})

it('an unreadable log is an AuditReadError naming the file and the code', async ({ dir }) => {
  const reader = createAuditFileReader(dir) // a directory: EISDIR
  try {
    await reader.read(5)
    assert.unreachable('should have thrown')
  } catch (error) {
    assert.instance(error, AuditReadError)
    assert.is((error as Error).message, `cannot read the audit log ${dir} (EISDIR)`)
  }
})

it.run()
