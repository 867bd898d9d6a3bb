// Flood: hundreds of thousands of refused requests cannot wash a real record out of the audit files.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../audit/read.ts'
import { openAuditFileLog } from './file-log.ts'
import { listAuditFiles, verifyAuditFiles } from './files.ts'

const BUDGET = { maxBytes: 64 * 1024, maxFiles: 3 } // 192 KiB: ~700 plain records
const FLOOD = 300_000

const refusal = (i: number, randomClient: boolean) => ({
  event: i % 2 ? 'client_auth_failed' : 'token_rejected',
  outcome: 'denied' as const,
  client_id: randomClient ? `bot-${i}` : 'mallory',
  request_id: `req-${i}`,
  detail: i % 2 ? 'invalid_client (basic)' : 'invalid_token invalid',
})

async function readAll(path: string) {
  const files = await listAuditFiles(path)
  let text = ''
  for (const file of files) text += await readFile(file, 'utf8')
  return { files, records: readAuditRecords(text) }
}

for (const randomClient of [false, true]) {
  test(`${FLOOD} refusals (${randomClient ? 'a new client_id each' : 'one client'}) keep the token_issued record; verify passes with no gap`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-flood-'))
    const path = join(dir, 'audit.log')
    const log = await openAuditFileLog({ path, ...BUDGET })
    await log.record({
      event: 'token_issued',
      outcome: 'ok',
      client_id: 'mcp-agent',
      jti: 'real-1',
    })
    const started = performance.now()
    for (let i = 0; i < FLOOD; i++) void log.record(refusal(i, randomClient))
    await log.record({
      event: 'token_issued',
      outcome: 'ok',
      client_id: 'mcp-agent',
      jti: 'real-2',
    })
    await log.close()
    const ms = performance.now() - started
    const { files, records } = await readAll(path)
    assert.is(files.length, 1, 'no rotation was needed')
    assert.equal(
      records.filter((r) => r.event === 'token_issued').map((r) => r.jti),
      ['real-1', 'real-2'],
    )
    const refused = records.filter((r) => r.outcome === 'denied')
    assert.is(
      refused.reduce((n, r) => n + (r.count ?? 1), 0),
      FLOOD,
      'every refusal counted',
    )
    assert.ok(records.length < 250, `${records.length} records`)
    const result = await verifyAuditFiles(files, {})
    assert.ok(result.ok && result.gaps.length === 0, JSON.stringify(result))
    assert.ok(ms < 20_000, `flood took ${Math.round(ms)} ms`)
    console.log(
      `  flood (${randomClient ? 'random clients' : 'one client'}): ${FLOOD} refusals in ${Math.round(ms)} ms, ${records.length} records`,
    )
    await rm(dir, { recursive: true })
  })
}

test('without aggregation the same budget loses the record, and verify says so (GAP), never silently', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-flood-'))
  const path = join(dir, 'audit.log')
  const log = await openAuditFileLog({ path, ...BUDGET, aggregate: false })
  await log.record({ event: 'token_issued', outcome: 'ok', client_id: 'mcp-agent', jti: 'real-1' })
  for (let i = 0; i < 5000; i++) void log.record(refusal(i, false))
  await log.close()
  const { files, records } = await readAll(path)
  assert.not.ok(
    records.some((r) => r.event === 'token_issued'),
    'washed out of the files',
  )
  assert.ok(
    records.some((r) => r.event === 'audit.rotated_out'),
    'the deletion is in the chain',
  )
  const result = await verifyAuditFiles(files, {})
  assert.ok(result.ok, JSON.stringify(result))
  if (result.ok) {
    assert.is(result.gaps.length, 1)
    assert.is(result.gaps[0]!.firstSeq, 1, 'the gap covers the lost token_issued record (seq 1)')
  }
  await rm(dir, { recursive: true })
})

test.run()
