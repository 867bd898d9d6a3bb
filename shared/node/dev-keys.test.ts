import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../config/errors.ts'
import { loadOrCreateDevSecret } from './dev-keys.ts'

const root = mkdtempSync(join(tmpdir(), 'mcp-devkeys-'))

test('creates a 0600 file in a 0700 folder once, then reuses it', async () => {
  const dir = join(root, 'a', '.dev')
  let calls = 0
  const create = () => `value-${++calls}`
  const first = await loadOrCreateDevSecret({ dir, name: 'k', create })
  assert.equal([first.value, first.created], ['value-1', true])
  assert.is(statSync(first.path).mode & 0o777, 0o600)
  assert.is(statSync(dir).mode & 0o777, 0o700)
  assert.is(readFileSync(first.path, 'utf8'), 'value-1\n')
  const second = await loadOrCreateDevSecret({ dir, name: 'k', create })
  assert.equal([second.value, second.created, calls], ['value-1', false, 1])
})

test('refuses a key file readable by others, naming the fix', async () => {
  const dir = join(root, 'b')
  const first = await loadOrCreateDevSecret({ dir, name: 'k', create: () => 'v' })
  chmodSync(first.path, 0o644)
  try {
    await loadOrCreateDevSecret({ dir, name: 'k', create: () => 'other' })
    assert.unreachable()
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.match((error as Error).message, /chmod 600/)
  }
})

test('refuses an empty key file', async () => {
  const dir = join(root, 'c')
  await loadOrCreateDevSecret({ dir, name: 'k', create: () => 'v' })
  writeFileSync(join(dir, 'k'), '\n')
  try {
    await loadOrCreateDevSecret({ dir, name: 'k', create: () => 'x' })
    assert.unreachable()
  } catch (error) {
    assert.match((error as Error).message, /is empty/)
  }
})

test.run()
