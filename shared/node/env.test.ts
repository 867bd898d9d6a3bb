import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../config/errors.ts'
import { readInt, readSecret, readVar } from './env.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-env-'))

test('readSecret reads NAME, or NAME_FILE without its trailing newline', () => {
  assert.is(readSecret({ JWT_SECRET: 'abc' }, 'JWT_SECRET'), 'abc')
  const file = join(dir, 'jwt')
  writeFileSync(file, 's3cr3t-value\n')
  assert.is(readSecret({ JWT_SECRET_FILE: file }, 'JWT_SECRET'), 's3cr3t-value')
  assert.is(readSecret({}, 'JWT_SECRET'), undefined)
  assert.is(readSecret({ JWT_SECRET: '' }, 'JWT_SECRET'), undefined)
})

test('readSecret refuses both forms, missing and empty files, without echoing values', () => {
  const file = join(dir, 'empty')
  writeFileSync(file, '\n')
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ K: 'value-xyz', K_FILE: file }, /either K or K_FILE/],
    [{ K_FILE: join(dir, 'missing') }, /K_FILE: cannot read .*missing \(ENOENT\)/],
    [{ K_FILE: file }, /K_FILE: .* is empty/],
  ]
  for (const [env, message] of cases) {
    try {
      readSecret(env, 'K')
      assert.unreachable('should throw')
    } catch (error) {
      assert.instance(error, ConfigError)
      assert.match((error as Error).message, message)
      assert.not.match((error as Error).message, /value-xyz/)
    }
  }
})

test('readInt checks form and range', () => {
  assert.is(readInt({}, 'PORT', 8081, 1, 65535), 8081)
  assert.is(readInt({ PORT: ' 9000 ' }, 'PORT', 8081, 1, 65535), 9000)
  assert.throws(() => readInt({ PORT: '80a' }, 'PORT', 1, 1, 65535), /whole number/)
  assert.throws(() => readInt({ PORT: '70000' }, 'PORT', 1, 1, 65535), /between 1 and 65535/)
  assert.is(readVar({ X: '  ' }, 'X'), undefined)
})

test.run()
