// End to end: dist/guard.mjs wrapping stdio MCP servers (the bundled sequential-thinking and
// example servers, and a small raw fixture server written here): the guard on tools/call both
// ways, everything else passing, audit records, and the life of the child tied to the guard.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { readAuditRecords } from '../../shared/audit/read.ts'
import { verifyAuditChain } from '../../shared/audit/verify.ts'
import {
  bundlePath,
  connectStdio,
  initializeRequest,
  spawnRaw,
  within,
  type RawStdioProcess,
} from './helpers.ts'

const EMAIL = 'kim.chulsoo@example.com'
const node = process.execPath
const dir = mkdtempSync(join(tmpdir(), 'mcp-guard-e2e-'))
const text = (result: unknown) =>
  ((result as CallToolResult).content ?? [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('\n')
const writeJson = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(value))
  return path
}

/**
 * A raw MCP server (no SDK) with tools that misbehave on purpose: `crash` exits mid-call,
 * `noisy` writes a non-JSON line and asks the client a question (ping) before answering,
 * `big` answers with a line over the guard's 16 MiB cap, `echo` echoes. With FIXTURE_ORPHAN
 * it starts a grandchild that ignores SIGTERM and reports its pid on stderr.
 */
const FIXTURE = `
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n')
if (process.env.FIXTURE_ORPHAN) {
  const g = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  process.stderr.write('grandchild pid ' + g.pid + '\\n')
}
const waiting = new Map()
for await (const line of createInterface({ input: process.stdin })) {
  const m = JSON.parse(line)
  if (m.method === 'initialize') {
    send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'fixture', version: '1.0.0' } } })
  } else if (m.method === 'tools/list') {
    const tool = (name) => ({ name, inputSchema: { type: 'object' } })
    send({ jsonrpc: '2.0', id: m.id, result: { tools: ['echo', 'crash', 'noisy', 'big'].map(tool) } })
  } else if (m.method === 'tools/call') {
    const name = m.params.name
    if (name === 'crash') process.exit(3)
    if (name === 'echo') send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: m.params.arguments.text }] } })
    if (name === 'big') send({ result: { content: [{ type: 'text', text: 'x'.repeat(17 * 1024 * 1024) }] }, jsonrpc: '2.0', id: m.id })
    if (name === 'noisy') {
      process.stdout.write('debug: mail ${EMAIL}\\n')
      const token = m.params._meta?.progressToken
      if (token !== undefined) send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } })
      waiting.set('srv-ping', m.id)
      send({ jsonrpc: '2.0', id: 'srv-ping', method: 'ping' })
    }
  } else if (m.id === 'srv-ping' && m.result) {
    send({ jsonrpc: '2.0', id: waiting.get('srv-ping'), result: { content: [{ type: 'text', text: 'pong received' }] } })
  }
}
`
const fixture = join(dir, 'fixture.mjs')
writeFileSync(fixture, FIXTURE)

async function guardPath() {
  return bundlePath('guard')
}

/** The guard wrapping `server` (command and args), driven by the SDK client. */
async function connectGuarded(
  server: string[],
  env: Record<string, string> = {},
  guardArgs: string[] = [],
) {
  return connectStdio(node, [await guardPath(), ...guardArgs, '--', ...server], { env, cwd: dir })
}

/** The pid the guard reports for its child on stderr. */
async function childPid(
  raw: RawStdioProcess,
  pattern = /guard: started .* \(pid (\d+)\)/,
): Promise<number> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const match = pattern.exec(raw.stderr())
    if (match) return Number(match[1])
    if (Date.now() > deadline) throw new Error(`no pid on stderr:\n${raw.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Is `pid` a running process? A zombie (exited, not reaped: PID 1 here may not reap) is not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function gone(pid: number, ms = 1_000): Promise<boolean> {
  const deadline = performance.now() + ms
  while (alive(pid)) {
    if (performance.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return true
}

test('guard -- node dist/sequential-thinking.mjs: initialize, list, call; arguments redacted before the child sees them', async () => {
  const audit = join(dir, 'seq-audit.jsonl')
  const policy = writeJson('seq-redact.json', { arguments: { types: { email: 'redact' } } })
  const session = await connectGuarded([node, await bundlePath('sequential-thinking')], {
    AUDIT_LOG_FILE: audit,
    SECURITY_POLICY_FILE: policy,
  })
  try {
    assert.match(session.client.getServerVersion()?.name ?? '', /sequential/i)
    const { tools } = await session.client.listTools()
    assert.ok(tools.some((t) => t.name === 'sequentialthinking'))
    const result = await session.client.callTool({
      name: 'sequentialthinking',
      arguments: {
        thought: `Ask ${EMAIL} about the plan`,
        thoughtNumber: 1,
        totalThoughts: 1,
        nextThoughtNeeded: false,
      },
    })
    assert.not.ok(result.isError, text(result))
    assert.match(text(result), /"thoughtNumber": 1/)
  } finally {
    await session.close()
  }
  // The child logs each thought on stderr: it got the redacted one.
  assert.match(session.stderr(), /Ask \[EMAIL\] about the plan/)
  assert.not.ok(session.stderr().includes(EMAIL))
  const log = readFileSync(audit, 'utf8')
  const records = readAuditRecords(log)
  assert.equal(
    records.map((r) => [r.tool, r.outcome, r.pii, r.action]),
    [['sequentialthinking', 'ok', { email: 1 }, 'redact']],
  )
  assert.ok((await verifyAuditChain(log)).ok)
  assert.not.ok(log.includes(EMAIL))
})

test('guard -- node dist/example.mjs: the guard masks results the child itself lets through', async () => {
  const allowAll = writeJson('child-allow.json', { results: { default: 'allow' } })
  const audit = join(dir, 'example-audit.jsonl')
  // The child gets its own policy through env(1): the guard keeps its variables from the child.
  const session = await connectGuarded(
    ['env', `SECURITY_POLICY_FILE=${allowAll}`, node, await bundlePath('example')],
    { AUDIT_LOG_FILE: audit },
  )
  try {
    const { tools } = await session.client.listTools()
    assert.equal(tools.map((t) => t.name).sort(), ['add', 'current_time', 'echo'])
    const echo = await session.client.callTool({
      name: 'echo',
      arguments: { text: `mail ${EMAIL}` },
    })
    assert.is(text(echo), 'mail kim***@example.com')
    assert.equal(echo.structuredContent, { text: 'mail kim***@example.com' })
    const sum = await session.client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })
    assert.equal(sum.structuredContent, { sum: 5 })
  } finally {
    await session.close()
  }
  const guardRecords = readAuditRecords(readFileSync(audit, 'utf8'))
  assert.equal(
    guardRecords.map((r) => [r.tool, r.outcome, r.direction, r.action]),
    [
      ['echo', 'ok', 'both', 'mask'],
      ['add', 'ok', undefined, undefined],
    ],
  )
  // The child's own records (its stderr) saw the e-mail pass: only the guard masked it.
  const childRecords = readAuditRecords(session.stderr())
  assert.equal(childRecords.find((r) => r.tool === 'echo')?.action, 'allow')
})

test('reject policy (--policy-file beats SECURITY_POLICY_FILE): the child never sees the call', async () => {
  const reject = writeJson('reject.json', { arguments: { types: { email: 'reject' } } })
  const ignored = writeJson('ignored.json', {})
  const audit = join(dir, 'reject-audit.jsonl')
  const session = await connectGuarded(
    [node, await bundlePath('example')],
    { AUDIT_LOG_FILE: audit, SECURITY_POLICY_FILE: ignored },
    ['--policy-file', reject],
  )
  try {
    const result = await session.client.callTool({ name: 'echo', arguments: { text: EMAIL } })
    assert.is(result.isError, true)
    assert.match(text(result), /tool call rejected by the PII policy: the arguments contain email/)
    const ok = await session.client.callTool({ name: 'echo', arguments: { text: 'hello' } })
    assert.is(text(ok), 'hello')
  } finally {
    await session.close()
  }
  assert.equal(
    readAuditRecords(readFileSync(audit, 'utf8')).map((r) => [r.tool, r.outcome]),
    [
      ['echo', 'rejected'],
      ['echo', 'ok'],
    ],
  )
  // The child (audit on its stderr) ran only the second call.
  assert.equal(
    readAuditRecords(session.stderr()).map((r) => r.outcome),
    ['ok'],
  )
})

test('everything else passes both ways: progress, a server→client request, non-JSON lines dropped', async () => {
  const session = await connectGuarded([node, fixture])
  try {
    const progress: number[] = []
    const result = await session.client.callTool(
      { name: 'noisy', arguments: {} },
      CallToolResultSchema,
      {
        onprogress: (p) => void progress.push(p.progress),
      },
    )
    assert.is(text(result), 'pong received', 'the child asked ping, the client answered')
    assert.equal(progress, [1])
  } finally {
    await session.close()
  }
  assert.match(
    session.stderr(),
    /guard: dropped a line from the server's stdout that is not JSON: "debug: mail \[EMAIL\]"/,
  )
  assert.not.ok(session.stderr().includes(EMAIL))
})

test('a result line over 16 MiB: the call gets an isError result instead of hanging', async () => {
  const session = await connectGuarded([node, fixture])
  try {
    const result = await session.client.callTool(
      { name: 'big', arguments: {} },
      CallToolResultSchema,
      {
        timeout: 30_000,
      },
    )
    assert.is(result.isError, true)
    assert.match(text(result), /larger than the guard accepts \(16 MiB\)/)
    const echo = await session.client.callTool({ name: 'echo', arguments: { text: 'still here' } })
    assert.is(text(echo), 'still here')
  } finally {
    await session.close()
  }
})

test('the child dies mid-call: the call is answered, the guard exits non-zero saying why', async () => {
  const audit = join(dir, 'crash-audit.jsonl')
  const raw = spawnRaw(await guardPath(), ['--', node, fixture], { AUDIT_LOG_FILE: audit })
  raw.send(initializeRequest())
  await raw.next()
  raw.send({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'crash', arguments: {} },
  })
  const answer = (await raw.next()) as unknown as { id: number; result: CallToolResult }
  assert.is(answer.id, 2)
  assert.is(answer.result.isError, true)
  assert.match(
    text(answer.result),
    /the tool crash failed: the server exited with code 3 before answering/,
  )
  const exit = await within(raw.exited, 5_000, 'guard exit after the child died')
  assert.is(exit.code, 3)
  assert.match(raw.stderr(), /guard: the MCP server .* exited with code 3; the guard stops too/)
  const [record] = readAuditRecords(readFileSync(audit, 'utf8'))
  assert.equal([record?.tool, record?.outcome, record?.detail], ['crash', 'error', 'server_exited'])
  assert.equal(raw.junk, [])
})

test('closing stdin ends the guard and the child within a second, exit 0', async () => {
  const raw = spawnRaw(await guardPath(), ['--', node, await bundlePath('example')])
  raw.send(initializeRequest())
  await raw.next()
  raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
  raw.send({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'add', arguments: { a: 1, b: 1 } },
  })
  await raw.next()
  const pid = await childPid(raw)
  assert.ok(alive(pid))
  raw.closeStdin()
  const exit = await within(raw.exited, 5_000, 'guard exit after stdin closed')
  assert.is(exit.code, 0, raw.stderr())
  assert.ok(exit.ms < 1_000, `exited ${Math.round(exit.ms)} ms after stdin closed`)
  assert.ok(await gone(pid, 100), 'the child is gone')
  assert.equal(raw.junk, [])
})

test('SIGTERM to the guard kills the child (and what the child started), exit 0', async () => {
  const raw = spawnRaw(await guardPath(), ['--', node, fixture], { FIXTURE_ORPHAN: '1' })
  raw.send(initializeRequest())
  await raw.next()
  const pid = await childPid(raw)
  const grandchild = await childPid(raw, /grandchild pid (\d+)/)
  assert.ok(alive(pid) && alive(grandchild))
  raw.child.kill('SIGTERM')
  const exit = await within(raw.exited, 5_000, 'guard exit after SIGTERM')
  assert.is(exit.code, 0, raw.stderr())
  assert.ok(await gone(pid), 'the child is gone')
  assert.ok(await gone(grandchild), 'the grandchild (it ignores SIGTERM) is gone')
})

test('a child that ignores end of input is stopped when stdin closes; its own children too', async () => {
  const raw = spawnRaw(await guardPath(), ['--', node, fixture], { FIXTURE_ORPHAN: '1' })
  raw.send(initializeRequest())
  await raw.next()
  const pid = await childPid(raw)
  const grandchild = await childPid(raw, /grandchild pid (\d+)/)
  raw.closeStdin()
  const exit = await within(raw.exited, 5_000, 'guard exit after stdin closed')
  assert.is(exit.code, 0, raw.stderr())
  assert.ok(exit.ms < 1_500, `exited ${Math.round(exit.ms)} ms after stdin closed`)
  assert.ok(await gone(pid))
  assert.ok(await gone(grandchild))
})

test('usage errors exit 2 with the usage; a command that cannot start exits 1', async () => {
  for (const args of [[], ['--bogus', '--', node], ['--policy-file']]) {
    const raw = spawnRaw(await guardPath(), args)
    const exit = await within(raw.exited, 5_000, 'usage error exit')
    assert.is(exit.code, 2, args.join(' '))
    assert.match(
      raw.stderr(),
      /usage: node guard\.mjs \[--policy-file <file>\] \[--call-timeout <seconds>\] -- <command> \[args…\]/,
    )
    assert.equal(raw.junk, [])
  }
  const missing = spawnRaw(await guardPath(), ['--', '/nonexistent/mcp-server'])
  const exit = await within(missing.exited, 5_000, 'exit when the command cannot start')
  assert.is(exit.code, 1)
  assert.match(missing.stderr(), /guard: cannot start \/nonexistent\/mcp-server: ENOENT/)
})

test('a bad policy: every problem on stderr, exit 1, the child stopped', async () => {
  const bad = writeJson('bad.json', { results: { default: 'hide' } })
  const raw = spawnRaw(await guardPath(), ['--policy-file', bad, '--', node, fixture])
  const pid = await childPid(raw)
  const exit = await within(raw.exited, 5_000, 'exit on a bad policy')
  assert.is(exit.code, 1)
  assert.match(
    raw.stderr(),
    /results\.default: must be one of allow, mask, redact, encrypt, reject/,
  )
  assert.ok(await gone(pid))
  const unknown = writeJson('unknown.json', { results: { types: { emial: 'mask' } } })
  const late = spawnRaw(await guardPath(), ['--policy-file', unknown, '--', node, fixture])
  const lateExit = await within(late.exited, 10_000, 'exit on an unknown entity type')
  assert.is(lateExit.code, 1)
  assert.match(late.stderr(), /results\.types\.emial: unknown entity type/)
})

test.run()
