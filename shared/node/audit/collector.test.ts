// One chain for every process: events sent to the collector socket are sealed into the writer's file.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../audit/read.ts'
import { verifyAuditChain } from '../../audit/verify.ts'
import { startAuditCollector } from './collector.ts'
import { createCollectorLog } from './collector-client.ts'
import { openAuditFileLog } from './file-log.ts'
import { createToolRuntime } from '../tool-runtime.ts'
import { connectInMemory } from '../../mcp/testing.ts'
import { createToolServer } from '../../mcp/server.ts'
import { defineTool } from '../../mcp/tool.ts'
import * as v from 'valibot'

const add = defineTool({
  name: 'add',
  title: 'Add',
  description: 'Adds two numbers.',
  input: v.strictObject({ a: v.number(), b: v.number() }),
  annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
  handler: async ({ a, b }) => ({ sum: a + b }),
})

const until = async (check: () => boolean | Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'audit-coll-'))
  const path = join(dir, 'gateway.jsonl')
  const socket = join(dir, 'audit.sock')
  return { dir, path, socket }
}

test('a stdio server’s events reach the writer’s file, chained with its own records; verify passes', async () => {
  const { dir, path, socket } = await setup()
  const writer = await openAuditFileLog({ path, env: { AUDIT_COLLECTOR_SOCKET: socket } })
  await writer.record({ event: 'server_start', outcome: 'ok' })
  const exec = createCollectorLog({ path: socket })
  await exec.record({ event: 'tool_call', outcome: 'ok', tool: 'add', client_id: 'cursor' })
  await exec.record({
    event: 'tool_call',
    outcome: 'ok',
    tool: 'echo',
    request_id: 'kim.minsu@example.com',
  })
  await exec.close()
  await until(
    async () => readAuditRecords(await readFile(path, 'utf8').catch(() => '')).length >= 3,
  )
  await writer.close()
  const text = await readFile(path, 'utf8')
  const records = readAuditRecords(text)
  assert.equal(
    records.map((r) => [r.event, r.tool]),
    [
      ['server_start', undefined],
      ['tool_call', 'add'],
      ['tool_call', 'echo'],
    ],
  )
  assert.not.ok(text.includes('kim.minsu@example.com'), 'scrubbed on both sides')
  assert.ok((await verifyAuditChain(text)).ok)
  await rm(dir, { recursive: true })
})

test('collector down: events wait in the buffer and arrive in order once it is up', async () => {
  const { dir, path, socket } = await setup()
  const fallback = new PassThrough()
  let spilled = ''
  fallback.on('data', (d) => (spilled += d))
  const exec = createCollectorLog({ path: socket, fallback, retryMs: 10 })
  for (let i = 0; i < 5; i++)
    await exec.record({ event: 'tool_call', outcome: 'ok', tool: `t${i}` })
  const writer = await openAuditFileLog({ path })
  const collector = await startAuditCollector({ path: socket, log: writer })
  await exec.record({ event: 'tool_call', outcome: 'ok', tool: 't5' }) // triggers the reconnect
  await until(() => collector.received === 6).catch((e) => {
    throw new Error(`${e.message}: received ${collector.received}, spilled ${spilled}`)
  })
  await exec.close()
  await collector.close()
  await writer.close()
  assert.equal(
    readAuditRecords(await readFile(path, 'utf8')).map((r) => r.tool),
    ['t0', 't1', 't2', 't3', 't4', 't5'],
  )
  assert.is(spilled, '')
  await rm(dir, { recursive: true })
})

test('buffer full or closing while the collector is down: each event goes to stderr, marked, scrubbed', async () => {
  const { dir, socket } = await setup()
  const fallback = new PassThrough()
  let spilled = ''
  fallback.on('data', (d) => (spilled += d))
  const exec = createCollectorLog({ path: socket, fallback, maxBuffer: 2 })
  for (let i = 0; i < 4; i++) {
    await exec.record({
      event: 'tool_call',
      outcome: 'ok',
      tool: `t${i}`,
      client_id: 'kim@example.com',
    })
  }
  await exec.close()
  const lines = spilled
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.equal(
    lines.map((l) => [l.audit_fallback, l.event.tool]),
    [0, 1, 2, 3].map((i) => ['collector unreachable', `t${i}`]),
  )
  assert.not.ok(spilled.includes('kim@example.com'))
  assert.is(exec.failures, 4)
  await rm(dir, { recursive: true })
})

test('an event the log refuses is dropped, reported to the operator by its reason word', async () => {
  const { dir, path, socket } = await setup()
  const writer = await openAuditFileLog({ path })
  const problems: string[] = []
  const collector = await startAuditCollector({
    path: socket,
    log: writer,
    onProblem: (l) => problems.push(l),
  })
  const s = connect(socket)
  await new Promise((r) => s.once('connect', r))
  s.write('{"event":"audit.checkpoint","outcome":"ok"}\n')
  await until(() => collector.dropped === 1)
  s.end()
  await collector.close()
  await writer.close()
  assert.equal(problems, ['audit collector: dropped a line from a client (invalid_event)'])
  await rm(dir, { recursive: true })
})

test('junk on the socket is dropped and counted; audit.* events cannot be injected; the connection stays usable', async () => {
  const { dir, path, socket } = await setup()
  const writer = await openAuditFileLog({ path })
  const problems: string[] = []
  const collector = await startAuditCollector({
    path: socket,
    log: writer,
    onProblem: (l) => problems.push(l),
  })
  const s = connect(socket)
  await new Promise((r) => s.once('connect', r))
  s.write(
    'not json\n{"event":"audit.checkpoint","outcome":"ok"}\n{"event":"tool_call","outcome":"ok","tool":"ok"}\n',
  )
  await until(() => collector.received === 1 && collector.dropped === 2)
  s.end()
  await collector.close()
  await writer.close()
  assert.equal(
    readAuditRecords(await readFile(path, 'utf8')).map((r) => r.event),
    ['tool_call'],
  )
  assert.is(problems.length, 1, 'one operator line per connection')
  await rm(dir, { recursive: true })
})

test('a tool runtime without AUDIT_LOG_FILE but with AUDIT_COLLECTOR_SOCKET audits its guarded calls into the writer’s chain', async () => {
  const { dir, path, socket } = await setup()
  const writer = await openAuditFileLog({ path, env: { AUDIT_COLLECTOR_SOCKET: socket } })
  await writer.record({ event: 'server_start', outcome: 'ok' })
  const stderr = new PassThrough()
  let errText = ''
  stderr.on('data', (d) => (errText += d))
  const runtime = await createToolRuntime({ env: { AUDIT_COLLECTOR_SOCKET: socket }, stderr })
  const connection = await connectInMemory(
    createToolServer({ name: 'stdio-like', version: '1' }, [add], runtime.deps),
  )
  await connection.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })
  await connection.close()
  await runtime.close()
  await until(async () => readAuditRecords(await readFile(path, 'utf8')).length >= 2)
  await writer.close()
  const text = await readFile(path, 'utf8')
  assert.equal(
    readAuditRecords(text).map((r) => [r.event, r.tool]),
    [
      ['server_start', undefined],
      ['tool_call', 'add'],
    ],
  )
  assert.ok((await verifyAuditChain(text)).ok)
  assert.not.match(errText, /audit_fallback/)
  await rm(dir, { recursive: true })
})

test('flush(): resolves once the collector has written every event sent before it (read-your-writes)', async () => {
  const { dir, path, socket } = await setup()
  const writer = await openAuditFileLog({ path, env: { AUDIT_COLLECTOR_SOCKET: socket } })
  const exec = createCollectorLog({ path: socket })
  await exec.flush() // connected, nothing sent yet
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 20; i++) await exec.record({ event: 'tool_call', outcome: 'ok', tool: 'x' })
    await exec.flush()
    // No polling: the file already holds every record sent so far.
    assert.is(readAuditRecords(await readFile(path, 'utf8')).length, 20 * (round + 1))
  }
  await exec.close()
  await writer.close()
  await rm(dir, { recursive: true })
})

test.run()
