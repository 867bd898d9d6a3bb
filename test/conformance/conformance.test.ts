// Runs scripts/conformance.mjs (the official MCP server scenarios against the gateway with the
// conformance fixture as its only upstream, through dist/connect.mjs behind supergateway, and
// against the fixture alone) and checks which scenarios pass: every scenario the gateway's design
// covers must pass through it, the fixture alone must pass every scenario a stdio server can,
// and every other failure must be one the script explains (docs/connect.md, "Conformance").
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bundlePath, root } from '../support/bundle.ts'
// @ts-expect-error: plain ESM script without type declarations
import { EXPECTED_THROUGH_GATEWAY, EXPLANATIONS, PENDING } from '../../scripts/conformance.mjs'

interface Row {
  scenario: string
  direct: string
  gateway: string
  note: string
}
interface Results {
  rows: Row[]
  summary: { active: number; passedThroughGateway: number; passedAlone: number }
}

/** Scenarios that test the HTTP server in front, or need what a stdio server cannot do. */
const NOT_FOR_A_STDIO_FIXTURE = new Set(['dns-rebinding-protection', 'server-sse-polling'])

test('conformance: the expected scenarios pass through the gateway, the rest are explained', async () => {
  for (const name of ['oauth2', 'gateway', 'connect', 'conformance-fixture']) await bundlePath(name)
  const json = join(mkdtempSync(join(tmpdir(), 'conformance-test-')), 'results.json')
  const run = spawn(process.execPath, [join(root, 'scripts/conformance.mjs'), '--json', json], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  run.stdout.on('data', (d) => (output += d))
  run.stderr.on('data', (d) => (output += d))
  const timer = setTimeout(() => run.kill('SIGKILL'), 480_000)
  const code = await new Promise<number | null>((resolve) => run.on('close', resolve))
  clearTimeout(timer)
  assert.is(code, 0, output)

  const results = JSON.parse(readFileSync(json, 'utf8')) as Results
  const byName = new Map(results.rows.map((row) => [row.scenario, row]))
  for (const scenario of EXPECTED_THROUGH_GATEWAY as string[])
    assert.is(byName.get(scenario)?.gateway, 'pass', `${scenario} through the gateway\n${output}`)
  for (const row of results.rows) {
    if (row.gateway !== 'pass')
      assert.ok(
        (EXPLANATIONS as Record<string, string>)[row.scenario],
        `${row.scenario} unexplained`,
      )
    if (!NOT_FOR_A_STDIO_FIXTURE.has(row.scenario))
      assert.is(row.direct, 'pass', `the fixture alone must pass ${row.scenario}\n${output}`)
  }
  // The suite's scenario list is the one this run and docs/connect.md were written against.
  assert.is(results.summary.active, 30)
  assert.ok((PENDING as Set<string>).has('server-sse-polling'))
  assert.match(
    output,
    /active scenarios: 30; through the gateway: \d+ pass; fixture alone: \d+ pass/,
  )
})

test.run()
