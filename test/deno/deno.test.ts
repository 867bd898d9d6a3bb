// Deno compatibility (README "Layout"): the shared core runs unchanged from its TypeScript sources
// under Deno, using the `deno` binary from the npm package of that name.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { root } from '../support/bundle.ts'

const deno = `${root}node_modules/.bin/deno`

test('Fernet, PII scan+mask, JWT HS256/ES256 and the audit chain work under Deno', () => {
  assert.ok(existsSync(deno), 'node_modules/.bin/deno missing: run npm ci')
  // No permissions are granted: the core needs no file, network or env access.
  const { status, stdout, stderr } = spawnSync(
    deno,
    ['run', '--quiet', '--no-prompt', 'test/deno/shared-smoke.ts'],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? root,
        DENO_NO_UPDATE_CHECK: '1',
      },
      timeout: 60_000,
    },
  )
  assert.is(status, 0, stderr)
  const out = JSON.parse(stdout.trim().split('\n').pop()!)
  assert.match(out.runtime, /^deno \d+\.\d+/)
  assert.is(out.fernet, '안녕 Deno')
  assert.equal(out.pii, ['korean_name', 'phone', 'email'])
  assert.is(out.masked, '김**님 010-****-5678 k***@example.com')
  assert.is(out.hs256, 'deno-client')
  assert.is(out.es256, 'deno-client')
  assert.is(out.chainOk, true)
})

test.run()
