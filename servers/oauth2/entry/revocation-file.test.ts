import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDenylist } from '../denylist.ts'
import { openRevocationFile } from './revocation-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-revoked-'))

test('a new file is created 0600 and appended revocations load again, in order, with their client', async () => {
  const path = join(dir, 'new.jsonl')
  const first = await openRevocationFile(path, 1000)
  assert.equal(first.entries, [])
  assert.is(statSync(path).mode & 0o777, 0o600)
  await Promise.all([
    first.store.append({ jti: 'a', exp: 2000, clientId: 'c1' }),
    first.store.append({ jti: 'b', exp: 3000, clientId: 'c2' }),
  ])
  await first.close()
  const second = await openRevocationFile(path, 1000)
  assert.equal(second.entries, [
    { jti: 'a', exp: 2000, clientId: 'c1' },
    { jti: 'b', exp: 3000, clientId: 'c2' },
  ])
  await second.close()
})

test('expired and invalid lines are dropped when the file is opened; old lines without a client load', async () => {
  const path = join(dir, 'old.jsonl')
  writeFileSync(
    path,
    '{"jti":"gone","exp":500}\nnot json\n{"jti":"kept","exp":5000}\n{"jti":1}\n{"jti":"x","exp":6000,"client_id":7}\n{"jti":"cut","e',
  )
  const file = await openRevocationFile(path, 1000)
  assert.equal(file.entries, [{ jti: 'kept', exp: 5000, clientId: '' }])
  assert.is(file.invalidLines, 4)
  await file.close()
  assert.is(readFileSync(path, 'utf8'), '{"jti":"kept","exp":5000,"client_id":""}\n')
})

test('the denylist compacts the file while running: it never grows past twice the live entries', async () => {
  const path = join(dir, 'compact.jsonl')
  let now = 1_000_000
  const file = await openRevocationFile(path, now / 1000)
  const list = createDenylist({ clock: () => now, store: file.store, sweepEvery: 64 })
  // 300 revocations of tokens that expire one second later.
  for (let i = 0; i < 300; i++) {
    now += 1000
    assert.equal(await list.add(`t${i}`, now / 1000 + 1, 'c'), { status: 'ok' })
  }
  await list.add('still-live', now / 1000 + 3600, 'c')
  await file.close()
  const lines = readFileSync(path, 'utf8').trim().split('\n')
  assert.ok(lines.length < 200, `${lines.length} lines for 301 revocations`)
  assert.ok(lines.at(-1)!.includes('still-live'), 'appends after a compaction land in the new file')
  assert.is(statSync(path).mode & 0o777, 0o600)
  const reopened = await openRevocationFile(path, now / 1000)
  assert.equal(
    reopened.entries.map((e) => e.jti),
    ['t299', 'still-live'],
  )
  await reopened.close()
})

test('an unreadable path fails at start-up, not at the first revocation', async () => {
  try {
    await openRevocationFile(join(dir, 'missing-dir', 'x.jsonl'), 0)
    assert.unreachable()
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'ENOENT')
  }
})

test.run()
