import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openRevocationFile } from './revocation-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-revoked-'))

test('a new file is created 0600 and appended revocations load again, in order', async () => {
  const path = join(dir, 'new.jsonl')
  const first = await openRevocationFile(path, 1000)
  assert.equal(first.entries, [])
  assert.is(statSync(path).mode & 0o777, 0o600)
  await Promise.all([first.store.append('a', 2000), first.store.append('b', 3000)])
  await first.close()
  const second = await openRevocationFile(path, 1000)
  assert.equal(second.entries, [
    ['a', 2000],
    ['b', 3000],
  ])
  await second.close()
})

test('expired and invalid lines are dropped when the file is opened (compaction)', async () => {
  const path = join(dir, 'old.jsonl')
  writeFileSync(
    path,
    '{"jti":"gone","exp":500}\nnot json\n{"jti":"kept","exp":5000}\n{"jti":1}\n{"jti":"cut","e',
  )
  const file = await openRevocationFile(path, 1000)
  assert.equal(file.entries, [['kept', 5000]])
  assert.is(file.invalidLines, 3)
  await file.close()
  assert.is(readFileSync(path, 'utf8'), '{"jti":"kept","exp":5000}\n')
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
