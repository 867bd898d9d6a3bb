// dist/guard.mjs SIGKILLed (no handler of the guard runs): the server it wraps, which ignores end
// of input and SIGTERM, and the grandchild that server started are gone all the same.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bundlePath } from '../../../test/support/bundle.ts'
import { allGone, isRunning } from '../../../test/support/processes.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-guard-kill-'))
/** A stdio MCP server that answers initialize, ignores end of input and SIGTERM, and has started
 * a grandchild (in its process group) that ignores SIGTERM too; it reports both pids on stderr. */
const server = join(dir, 'stubborn.mjs')
writeFileSync(
  server,
  `import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
process.on('SIGTERM', () => {})
const g = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' })
process.stderr.write('pids ' + process.pid + ' ' + g.pid + '\\n')
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line)
  if (m.method === 'initialize') process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: {}, serverInfo: { name: 'stubborn', version: '1.0.0' } } }) + '\\n')
})
setInterval(() => {}, 1000)
`,
)

/** Waits (bounded) until `read()` matches `pattern`. */
async function until(read: () => string, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = performance.now() + 20_000
  for (;;) {
    const match = pattern.exec(read())
    if (match) return match
    if (performance.now() > deadline) throw new Error(`no ${what}:\n${read()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test('SIGKILL to the guard: the child (ignores end of input and SIGTERM) and its grandchild are gone', async () => {
  const guard = spawn(
    process.execPath,
    [await bundlePath('guard'), '--', process.execPath, server],
    {
      env: { PATH: process.env.PATH ?? '' },
      cwd: dir,
    },
  )
  let stdout = ''
  let stderr = ''
  guard.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  guard.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 't', version: '1' },
    },
  }
  guard.stdin.write(`${JSON.stringify(initialize)}\n`)
  await until(() => stdout, /"stubborn"/, 'initialize answer through the guard')
  const [, child, grandchild] = (await until(() => stderr, /pids (\d+) (\d+)/, 'pids')).map(Number)
  assert.ok(isRunning(child!) && isRunning(grandchild!))
  guard.kill('SIGKILL')
  try {
    assert.ok(
      await allGone([child!, grandchild!]),
      `child and grandchild gone within 5 s\n${stderr}`,
    )
  } finally {
    for (const pid of [child!, grandchild!]) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
  }
})

test('the wrapped child gets none of the guard-only variables (audit socket, audit key)', async () => {
  const printer = join(dir, 'env-printer.mjs')
  writeFileSync(
    printer,
    `process.stderr.write('vars ' + Object.keys(process.env).filter((k) => /^(AUDIT|FERNET|SECURITY)_/.test(k)).sort().join(',') + ' end\\n')
setTimeout(() => {}, 200)
`,
  )
  const guard = spawn(
    process.execPath,
    [await bundlePath('guard'), '--', process.execPath, printer],
    {
      env: {
        PATH: process.env.PATH ?? '',
        AUDIT_COLLECTOR_SOCKET: join(dir, 'no-collector.sock'),
        AUDIT_KEY: 'ab'.repeat(32),
        AUDIT_LOG_FILE: '',
        AUDIT_CHECKPOINT_SECONDS: '0',
      },
      cwd: dir,
    },
  )
  let stderr = ''
  guard.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const [, vars] = await until(() => stderr, /vars (\S*) end/, "the child's variables")
  guard.kill('SIGKILL')
  // AUDIT_CHECKPOINT_SECONDS is not guard-only: it shows that the filter is by name.
  assert.is(vars, 'AUDIT_CHECKPOINT_SECONDS')
})

test.run()
