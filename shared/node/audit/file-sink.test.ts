import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { AuditError } from '../../audit/errors.ts'
import { createAuditLog } from '../../audit/log.ts'
import { verifyAuditChain } from '../../audit/verify.ts'
import { createFileSink } from './file-sink.ts'
import { listAuditFiles, verifyAuditFiles } from './files.ts'

const it = suite<{ dir: string }>('audit file sink', { dir: '' })
it.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'audit-sink-'))
})
it.after.each(async (context) => {
  await rm(context.dir, { recursive: true, force: true })
})

const lines = (text: string) => text.split('\n').filter(Boolean)

it('creates missing parent folders and the file with mode 0600, appends lines', async ({ dir }) => {
  const path = join(dir, 'a', 'b', 'audit.log')
  const sink = createFileSink({ path })
  await sink.write('one\n')
  await sink.write('two\nthree\n')
  await sink.close()
  assert.is(await readFile(path, 'utf8'), 'one\ntwo\nthree\n')
  assert.is((await stat(path)).mode & 0o777, 0o600)
  assert.is((await stat(join(dir, 'a'))).mode & 0o777, 0o700)
})

it('mode is applied after creation, so a restrictive umask cannot change it', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const previous = process.umask(0o077)
  try {
    const sink = createFileSink({ path, mode: 0o640 })
    await sink.write('x\n')
    await sink.close()
  } finally {
    process.umask(previous)
  }
  assert.is((await stat(path)).mode & 0o777, 0o640)
})

it('open() creates the file (0600) before any write', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const sink = createFileSink({ path })
  await sink.open()
  assert.is((await stat(path)).mode & 0o777, 0o600)
  assert.is((await stat(path)).size, 0)
  await sink.close()
})

it('appends to an existing file and never truncates it', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  await writeFile(path, 'old\n')
  const sink = createFileSink({ path })
  await sink.write('new\n')
  await sink.close()
  assert.is(await readFile(path, 'utf8'), 'old\nnew\n')
})

it('an existing file cut mid-line gets a newline before the next write', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  await writeFile(path, 'whole\n{"ts":"2025-')
  const sink = createFileSink({ path })
  await sink.write('next\n')
  await sink.close()
  assert.is(await readFile(path, 'utf8'), 'whole\n{"ts":"2025-\nnext\n')
})

it('1000 concurrent record() calls: 1000 intact lines and a valid chain', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const log = createAuditLog({ sinks: [createFileSink({ path })] })
  await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      log.record({
        event: 'tool_call',
        tool: `tool_${i}`,
        outcome: 'ok',
        detail: 'x'.repeat(i % 200),
      }),
    ),
  )
  await log.close()
  const text = await readFile(path, 'utf8')
  const all = lines(text)
  assert.is(all.length, 1000)
  all.forEach((line, i) => assert.is(JSON.parse(line).tool, `tool_${i}`))
  const result = await verifyAuditChain(text)
  assert.ok(result.ok && result.records === 1000, JSON.stringify(result))
})

it('rotates by size, keeps maxFiles, and the chain continues across files', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const log = createAuditLog({ sinks: [createFileSink({ path, maxBytes: 2000, maxFiles: 4 })] })
  for (let i = 0; i < 60; i++)
    await log.record({ event: 'tool_call', tool: `t${i}`, outcome: 'ok' })
  await log.close()
  const files = await listAuditFiles(path)
  assert.equal(files, [`${path}.3`, `${path}.2`, `${path}.1`, path])
  for (const file of files) {
    assert.ok((await stat(file)).size <= 2000, `${file} within maxBytes`)
    assert.is((await stat(file)).mode & 0o777, 0o600)
  }
  // A bare sink records nothing about what it deleted: the set's head is an unexplained gap.
  const bare = await verifyAuditFiles(files)
  assert.is(bare.ok, false)
  if (!bare.ok) assert.is(bare.reason, 'head_truncated')
  // Given the anchor kept from earlier (the dropped file's last hash), it verifies.
  const firstPrev = JSON.parse((await readFile(files[0]!, 'utf8')).split('\n')[0]!)
  const result = await verifyAuditFiles(files, {
    anchor: firstPrev.prev,
    anchorSeq: firstPrev.seq - 1,
  })
  assert.ok(result.ok, JSON.stringify(result))
  if (!result.ok) return
  assert.is(result.lastSeq, 60)
  assert.ok(result.records < 60, 'the oldest files were dropped')
  assert.is.not(result.anchor, '0'.repeat(64), 'the oldest kept file links to a dropped one')
  // Each rotated file verifies on its own, its first prev reported as anchor.
  const rotated = await verifyAuditChain(await readFile(`${path}.1`, 'utf8'))
  assert.ok(rotated.ok && rotated.anchor !== '0'.repeat(64))
})

it('a rotation set that kept everything verifies from genesis', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const log = createAuditLog({ sinks: [createFileSink({ path, maxBytes: 1500, maxFiles: 100 })] })
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      log.record({ event: 'tool_call', tool: `t${i}`, outcome: 'ok' }),
    ),
  )
  await log.close()
  const files = await listAuditFiles(path)
  assert.ok(files.length > 3)
  const result = await verifyAuditFiles(files, { anchor: '0'.repeat(64) })
  assert.ok(result.ok && result.records === 40 && result.files === files.length)
})

it('tampering in a rotated file is caught with its path and line', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const log = createAuditLog({ sinks: [createFileSink({ path, maxBytes: 1500, maxFiles: 10 })] })
  for (let i = 0; i < 30; i++)
    await log.record({ event: 'tool_call', tool: `t${i}`, outcome: 'ok' })
  await log.close()
  const target = `${path}.2`
  const original = await readFile(target, 'utf8')
  const edited = lines(original)
  edited[1] = edited[1]!.replace('"outcome":"ok"', '"outcome":"denied"')
  await writeFile(target, `${edited.join('\n')}\n`)
  const result = await verifyAuditFiles(await listAuditFiles(path))
  assert.ok(!result.ok)
  if (result.ok) return
  assert.is(result.path, target)
  assert.is(result.line, 2)
  assert.is(result.reason, 'hash_mismatch')

  // A whole rotated file removed from the middle of the set breaks the link to the next one.
  await writeFile(target, original)
  const files = await listAuditFiles(path)
  const withoutOne = files.filter((f) => f !== target)
  const gap = await verifyAuditFiles(withoutOne)
  assert.ok(!gap.ok && gap.path === `${path}.1` && gap.line === 1 && gap.reason === 'prev_mismatch')
  // Files given in the wrong order are caught too.
  const swapped = [...files]
  ;[swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!]
  assert.not.ok((await verifyAuditFiles(swapped)).ok)
})

it('maxFiles = 1 keeps only the active file', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const sink = createFileSink({ path, maxBytes: 10, maxFiles: 1 })
  await sink.write('0123456\n')
  await sink.write('abcdefg\n')
  await sink.close()
  assert.equal(await listAuditFiles(path), [path])
  assert.is(await readFile(path, 'utf8'), 'abcdefg\n')
})

it('a line longer than maxBytes gets a file of its own', async ({ dir }) => {
  const path = join(dir, 'audit.log')
  const sink = createFileSink({ path, maxBytes: 10 })
  await sink.write('a\nthis line is long\nb\n')
  await sink.close()
  assert.is(await readFile(`${path}.2`, 'utf8'), 'a\n')
  assert.is(await readFile(`${path}.1`, 'utf8'), 'this line is long\n')
  assert.is(await readFile(path, 'utf8'), 'b\n')
})

it('write failures reject (the logger counts them); the sink recovers once the path works', async ({
  dir,
}) => {
  const path = join(dir, 'blocked', 'audit.log')
  await writeFile(join(dir, 'blocked'), 'a file where the folder should be')
  const sink = createFileSink({ path })
  const log = createAuditLog({ sinks: [sink], onSinkError: () => {} })
  await log.record({ event: 'tool_call', outcome: 'ok' })
  assert.is(log.failures, 1)
  await rm(join(dir, 'blocked'))
  await mkdir(join(dir, 'blocked'))
  await log.record({ event: 'tool_call', outcome: 'ok' })
  assert.is(log.failures, 1)
  await log.close()
  assert.is(lines(await readFile(path, 'utf8')).length, 1)
})

it('writes after close reject with sink_closed; flush and close are safe to repeat', async ({
  dir,
}) => {
  const sink = createFileSink({ path: join(dir, 'audit.log') })
  await sink.write('x\n')
  await sink.flush()
  await sink.close()
  await sink.close()
  await sink.flush()
  try {
    await sink.write('y\n')
    assert.unreachable('write after close')
  } catch (error) {
    assert.instance(error, AuditError)
    assert.is((error as AuditError).code, 'ERR_AUDIT_SINK_CLOSED')
  }
})

it('options are checked at construction', () => {
  for (const options of [
    { path: '' },
    { path: 'x', maxBytes: 0 },
    { path: 'x', maxFiles: 0 },
    { path: 'x', maxFiles: 1.5 },
    { path: 'x', mode: 0o1777 },
  ]) {
    assert.throws(
      () => createFileSink(options),
      (e: unknown) => e instanceof AuditError && e.code === 'ERR_AUDIT_INVALID_OPTION',
    )
  }
})

it.run()
