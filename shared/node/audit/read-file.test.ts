import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createAuditLog } from '../../audit/log.ts'
import { createFileSink } from './file-sink.ts'
import { readAuditFile } from './read-file.ts'

const it = suite<{ dir: string; path: string }>('readAuditFile', { dir: '', path: '' })
it.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'audit-read-'))
  context.path = join(context.dir, 'audit.log')
})
it.after.each(async (context) => {
  await rm(context.dir, { recursive: true, force: true })
})

async function fill(path: string, count: number, maxBytes?: number) {
  const log = createAuditLog({ sinks: [createFileSink({ path, maxBytes, maxFiles: 100 })] })
  for (let i = 1; i <= count; i++)
    await log.record({ event: 'tool_call', tool: `t${i}`, outcome: 'ok' })
  await log.close()
}

it('returns the newest records first, up to limit', async ({ path }) => {
  await fill(path, 10)
  const records = await readAuditFile(path, { limit: 3 })
  assert.equal(
    records.map((r) => r.seq),
    [10, 9, 8],
  )
  assert.is((await readAuditFile(path)).length, 10)
  assert.equal(await readAuditFile(path, { limit: 0 }), [])
})

it('continues into rotated files unless told not to', async ({ path }) => {
  await fill(path, 30, 1000)
  const all = await readAuditFile(path, { limit: 30 })
  assert.equal(
    all.map((r) => r.seq),
    Array.from({ length: 30 }, (_, i) => 30 - i),
  )
  const activeOnly = await readAuditFile(path, { limit: 30, rotated: false })
  assert.ok(activeOnly.length > 0 && activeOnly.length < 30)
  assert.is(activeOnly[0]!.seq, 30)
})

it('skips and reports lines that are not records (a cut line, garbage)', async ({ path }) => {
  await fill(path, 2)
  await appendFile(path, 'garbage\n{"ts":"20')
  const invalid: string[] = []
  const records = await readAuditFile(path, {
    onInvalid: (file, message) => invalid.push(`${file}: ${message}`),
  })
  assert.equal(
    records.map((r) => r.seq),
    [2, 1],
  )
  assert.equal(invalid, [`${path}: not JSON`, `${path}: not JSON`])
})

it('a missing file reads as no records', async ({ path }) => {
  assert.equal(await readAuditFile(path), [])
})

it('reads the newest records of a ~10 MiB file', async ({ path }) => {
  await fill(path, 3)
  const [oldest] = (await readFile(path, 'utf8')).split('\n')
  const copies = Math.ceil((10 * 1024 * 1024) / (oldest!.length + 1))
  await writeFile(path, `${oldest}\n`.repeat(copies))
  await fill(path, 5, 64 * 1024 * 1024)
  assert.ok((await stat(path)).size > 10 * 1024 * 1024, 'no rotation: one big file')
  const records = await readAuditFile(path, { limit: 5, rotated: false })
  assert.equal(
    records.map((r) => r.tool),
    ['t5', 't4', 't3', 't2', 't1'],
  )
})

it.run()
