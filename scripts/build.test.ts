// The build is deterministic (issue 2): building again from the same sources gives identical files.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bundlePath, root } from '../test/support/bundle.ts'

function digests(): Record<string, string> {
  const dist = `${root}dist`
  return Object.fromEntries(
    readdirSync(dist)
      .filter((name) => !name.endsWith('.tmp'))
      .sort()
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(`${dist}/${name}`))
          .digest('hex'),
      ]),
  )
}

test('a second build produces byte-identical bundles, maps and legal files', async () => {
  await bundlePath('cli')
  const before = digests()
  const { status, stderr } = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: root,
    encoding: 'utf8',
  })
  assert.is(status, 0, stderr)
  assert.equal(digests(), before)
  assert.ok(
    Object.keys(before).some((name) => name.endsWith('.mjs.map')),
    'source maps are emitted',
  )
})

test.run()
