import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createMemorySink } from '../../audit/memory-sink.ts'
import { GENESIS_PREV, type AuditRecord } from '../../audit/record.ts'
import { verifyAuditChain } from '../../audit/verify.ts'
import { openAuditFileLog } from './file-log.ts'
import { listAuditFiles, verifyAuditFiles } from './files.ts'
import { readAuditTail } from './tail.ts'

const it = suite<{ dir: string; path: string }>('audit file log', { dir: '', path: '' })
it.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'audit-log-'))
  context.path = join(context.dir, 'audit.log')
})
it.after.each(async (context) => {
  await rm(context.dir, { recursive: true, force: true })
})

async function run(path: string, count: number, tag: string) {
  const log = await openAuditFileLog({ path, onTruncatedTail: () => {} })
  const records: AuditRecord[] = []
  for (let i = 0; i < count; i++) {
    records.push(await log.record({ event: 'tool_call', tool: `${tag}${i}`, outcome: 'ok' }))
  }
  await log.close()
  return { log, records }
}

it('a new file starts a chain at genesis', async ({ path }) => {
  const { log, records } = await run(path, 2, 'a')
  assert.is(log.resumed, null)
  assert.is(log.truncatedTail, false)
  assert.is(records[0]!.prev, GENESIS_PREV)
  assert.is(records[0]!.seq, 1)
})

it('restart: a second logger on the same file continues the chain; verify passes', async ({
  path,
}) => {
  const first = await run(path, 3, 'a')
  const second = await run(path, 2, 'b')
  assert.equal(second.log.resumed, { prev: first.records[2]!.hash, seq: 3 })
  assert.is(second.records[0]!.prev, first.records[2]!.hash)
  assert.is(second.records[0]!.seq, 4)
  const result = await verifyAuditChain(await readFile(path, 'utf8'), { anchor: GENESIS_PREV })
  assert.ok(result.ok)
  if (result.ok) {
    const { records, lastHash, lastSeq, anchor, truncated } = result
    assert.equal(
      { records, lastHash, lastSeq, anchor, truncated },
      {
        records: 5,
        lastHash: second.records[1]!.hash,
        lastSeq: 5,
        anchor: GENESIS_PREV,
        truncated: [],
      },
    )
  }
})

it('crash mid-write: the cut line is reported, the chain resumes from the last whole record', async ({
  path,
}) => {
  const first = await run(path, 3, 'a')
  const text = await readFile(path, 'utf8')
  const lastLine = text.split('\n')[2]!
  await appendFile(path, lastLine.slice(0, 50)) // a fourth line cut short, no newline
  const reports: string[] = []
  const log = await openAuditFileLog({ path, onTruncatedTail: (info) => reports.push(info.path) })
  assert.equal(reports, [path])
  assert.ok(log.truncatedTail)
  assert.equal(log.resumed, { prev: first.records[2]!.hash, seq: 3 })
  const next = await log.record({ event: 'server_start', outcome: 'ok' })
  await log.close()
  // The writer records the recovery first (audit.recovered), so the verifier can tell the
  // crash-cut line from junk inserted by someone else.
  const recovered = JSON.parse((await readFile(path, 'utf8')).split('\n')[4]!)
  assert.is(recovered.event, 'audit.recovered')
  assert.is(recovered.prev, first.records[2]!.hash)
  assert.is(next.prev, recovered.hash)
  assert.is(next.seq, 5)
  const after = await readFile(path, 'utf8')
  assert.is(after.split('\n')[3], lastLine.slice(0, 50), 'the cut line is kept, terminated')
  const result = await verifyAuditChain(after)
  assert.ok(result.ok && result.records === 5, JSON.stringify(result))
  if (result.ok) assert.equal(result.truncated, [4])
  // And again: the file keeps verifying after another restart.
  await run(path, 1, 'c')
  const again = await verifyAuditChain(await readFile(path, 'utf8'))
  assert.ok(again.ok && again.records === 6)
})

it('a crash right after a whole record (newline lost) is not a truncation', async ({ path }) => {
  const first = await run(path, 2, 'a')
  const text = await readFile(path, 'utf8')
  await truncate(path, Buffer.byteLength(text) - 1)
  const tail = await readAuditTail(path)
  assert.equal(tail, {
    head: { prev: first.records[1]!.hash, seq: 2 },
    truncated: false,
    unterminated: true,
    size: Buffer.byteLength(text) - 1,
  })
  const { records } = await run(path, 1, 'b')
  assert.is(records[0]!.seq, 3)
  const result = await verifyAuditChain(await readFile(path, 'utf8'))
  assert.ok(result.ok && result.records === 3 && result.truncated.length === 0)
})

it('the default truncation report is one stderr line', async ({ path }) => {
  await writeFile(path, '{"ts":"20')
  const printed: string[] = []
  const original = console.error
  console.error = (...args: unknown[]) => void printed.push(args.join(' '))
  try {
    const log = await openAuditFileLog({ path })
    await log.close()
  } finally {
    console.error = original
  }
  assert.is(printed.length, 1)
  assert.match(printed[0]!, /cut short/)
})

it('resumes from the newest rotated file when the active file has no record', async ({ path }) => {
  const log = await openAuditFileLog({ path, maxBytes: 1200 })
  for (let i = 0; i < 20; i++)
    await log.record({ event: 'tool_call', tool: `a${i}`, outcome: 'ok' })
  await log.close()
  await writeFile(path, '') // as if the process died right after rotating
  const rotatedHead = (await readAuditTail(`${path}.1`)).head!
  const next = await openAuditFileLog({ path, maxBytes: 1200 })
  assert.equal(next.resumed, rotatedHead)
  await next.record({ event: 'server_start', outcome: 'ok' })
  await next.close()
  const result = await verifyAuditFiles(await listAuditFiles(path))
  assert.ok(result.ok && result.lastSeq === rotatedHead.seq + 1, JSON.stringify(result))
})

it('restarts across rotation keep one verifiable chain over the whole set', async ({ path }) => {
  for (let round = 0; round < 4; round++) {
    const log = await openAuditFileLog({ path, maxBytes: 1500, maxFiles: 50 })
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        log.record({ event: 'tool_call', tool: `r${round}_${i}`, outcome: 'ok' }),
      ),
    )
    await log.close()
  }
  const files = await listAuditFiles(path)
  assert.ok(files.length > 2)
  const result = await verifyAuditFiles(files, { anchor: GENESIS_PREV })
  assert.ok(result.ok && result.records === 40 && result.lastSeq === 40, JSON.stringify(result))
})

it('a path that cannot be written fails at open, not at the first record', async ({ dir }) => {
  await writeFile(join(dir, 'blocked'), 'a file where the folder should be')
  try {
    await openAuditFileLog({ path: join(dir, 'blocked', 'audit.log') })
    assert.unreachable('opened an unwritable path')
  } catch (error) {
    assert.ok(['ENOTDIR', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? ''))
  }
})

it('extra sinks get every line too', async ({ path }) => {
  const memory = createMemorySink()
  const log = await openAuditFileLog({ path, extraSinks: [memory] })
  await log.record({ event: 'server_start', outcome: 'ok' })
  await log.close()
  assert.is(memory.text(), await readFile(path, 'utf8'))
  assert.is(log.sink.path, path)
})

it.run()
