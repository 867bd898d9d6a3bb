import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../config/errors.ts'
import {
  readClientRegistryFile,
  readClientRegistryFileOrEmpty,
  writeClientRegistryFile,
} from './clients-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-clients-'))
const HASH = `sha256:${'0f'.repeat(32)}`
const client = { clientId: 'a', secretHash: HASH, scopes: ['x'], audiences: [] }

test('write creates a 0600 file that reads back', () => {
  const path = join(dir, 'clients.json')
  writeClientRegistryFile(path, [client])
  assert.is(statSync(path).mode & 0o777, 0o600)
  assert.equal(readClientRegistryFile(path), [client])
})

test('write keeps an existing file mode', () => {
  const path = join(dir, 'shared.json')
  writeFileSync(path, '{"clients":[]}', { mode: 0o640 })
  writeClientRegistryFile(path, [client])
  assert.is(statSync(path).mode & 0o777, 0o640)
  assert.match(readFileSync(path, 'utf8'), /"client_id": "a"/)
})

test('problems name the file; a missing file is empty for OrEmpty only', () => {
  const path = join(dir, 'bad.json')
  writeFileSync(path, '{"clients":[{"client_id":"a"}]}')
  try {
    readClientRegistryFile(path)
    assert.unreachable()
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.ok((error as ConfigError).problems.every((p) => p.startsWith(`clients file ${path}:`)))
  }
  const missing = join(dir, 'missing.json')
  assert.equal(readClientRegistryFileOrEmpty(missing), [])
  assert.throws(() => readClientRegistryFile(missing), /cannot read \(ENOENT\)/)
})

test.run()
