// The supervised upstream over the in-process link: tools, calls, identity without the token,
// progress and logs to the right call, timeout with cancellation upstream, crash and restart.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { McpError } from '@modelcontextprotocol/sdk/types.js'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createPassThroughGuard } from '../../../shared/mcp/guard-pass-through.ts'
import { createTestDeps } from '../../../shared/mcp/testing.ts'
import { hangTool, say, steps, testServer, whoami } from '../testing/tools.ts'
import { UpstreamError } from './errors.ts'
import { openInProcess } from './in-process.ts'
import { createUpstream, type LogParams, type UpstreamSpec } from './upstream.ts'

const seen = { cancelled: 0 }
const tools = [whoami, steps, hangTool(seen), say]

function mount(extra: Partial<UpstreamSpec> = {}) {
  const { deps } = createTestDeps()
  const servers: Server[] = []
  const make = testServer('unit', tools)
  const lines: string[] = []
  let changes = 0
  const upstream = createUpstream(
    {
      name: 'unit',
      kind: 'in-process',
      open: openInProcess(() => {
        const server = make({ ...deps, guard: createPassThroughGuard(deps.guard) })
        servers.push(server)
        return server
      }),
      restart: { initialDelayMs: 20, maxDelayMs: 40 },
      ...extra,
    },
    { log: (line) => lines.push(line), onToolsChanged: () => changes++ },
  )
  return { upstream, servers, lines, changes: () => changes }
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('start connects, lists the tools and reports the change once', async () => {
  const { upstream, changes } = mount()
  assert.is(upstream.state, 'connecting')
  await upstream.start()
  assert.is(upstream.state, 'ready')
  assert.equal(
    upstream.tools?.map((t) => t.name),
    ['whoami', 'steps', 'hang', 'say'],
  )
  assert.is(upstream.server?.name, 'unit')
  assert.is(changes(), 1)
  await upstream.close()
  assert.is(upstream.state, 'stopped')
})

test('a call returns the result; authInfo reaches the in-process tool, the marker does not', async () => {
  const { upstream } = mount()
  await upstream.start()
  const result = await upstream.call(
    'whoami',
    {},
    {
      authInfo: { token: '', clientId: 'agent-7', scopes: ['mcp.access'], extra: { jti: 'j-7' } },
    },
  )
  assert.equal(result.structuredContent, {
    clientId: 'agent-7',
    jti: 'j-7',
    scopes: ['mcp.access'],
  })
  const plain = await upstream.call('say', { text: 'hi' })
  assert.equal(plain.structuredContent, { text: 'hi' })
  await upstream.close()
})

test('progress and log notifications go to the call that caused them, concurrently', async () => {
  const { upstream } = mount()
  await upstream.start()
  const got: Record<string, { progress: number[]; logs: string[] }> = {}
  const run = (tag: string) => {
    const mine = (got[tag] = { progress: [] as number[], logs: [] as string[] })
    return upstream.call(
      'steps',
      { tag, steps: 3, delayMs: 2 },
      {
        onprogress: (p) => mine.progress.push(p.progress),
        onlog: (params: LogParams) => mine.logs.push(String(params.data)),
      },
    )
  }
  const results = await Promise.all(['a', 'b', 'c', 'd'].map(run))
  assert.equal(
    results.map((r) => r.structuredContent),
    ['a', 'b', 'c', 'd'].map((tag) => ({ tag })),
  )
  for (const tag of ['a', 'b', 'c', 'd']) {
    assert.equal(got[tag]!.progress, [1, 2, 3], tag)
    assert.equal(
      got[tag]!.logs,
      [1, 2, 3].map((i) => `log ${i} of ${tag}`),
      tag,
    )
  }
  assert.is(upstream.inflight, 0)
  await upstream.close()
})

test('a JSON-RPC error of the upstream rejects with McpError', async () => {
  const { upstream } = mount()
  await upstream.start()
  try {
    await upstream.call('nope', {})
    assert.unreachable()
  } catch (error) {
    assert.instance(error, McpError)
    assert.is((error as McpError).code, -32602)
  }
  await upstream.close()
})

test('a hung call times out, is cancelled upstream, and the upstream stays usable', async () => {
  const { upstream } = mount({ callTimeoutMs: 60 })
  await upstream.start()
  const before = seen.cancelled
  const started = Date.now()
  try {
    await upstream.call('hang', {})
    assert.unreachable()
  } catch (error) {
    assert.instance(error, UpstreamError)
    assert.is((error as UpstreamError).code, 'timeout')
  }
  assert.ok(Date.now() - started < 1000)
  await until(() => seen.cancelled === before + 1)
  assert.equal((await upstream.call('say', { text: 'x' })).structuredContent, { text: 'x' })
  await upstream.close()
})

test('progress restarts the call timeout', async () => {
  const { upstream } = mount({ callTimeoutMs: 80 })
  await upstream.start()
  const result = await upstream.call(
    'steps',
    { tag: 'slow', steps: 4, delayMs: 50 },
    { onprogress: () => {} },
  )
  assert.equal(result.structuredContent, { tag: 'slow' })
  await upstream.close()
})

test('the caller cancelling aborts the call upstream', async () => {
  const { upstream } = mount()
  await upstream.start()
  const before = seen.cancelled
  const controller = new AbortController()
  const call = upstream.call('hang', {}, { signal: controller.signal })
  setTimeout(() => controller.abort(), 20)
  try {
    await call
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'cancelled')
  }
  await until(() => seen.cancelled === before + 1)
  await upstream.close()
})

test('a crash fails in-flight calls at once, then the upstream restarts with backoff', async () => {
  const { upstream, servers, lines, changes } = mount()
  await upstream.start()
  const call = upstream.call('hang', {})
  await new Promise((r) => setTimeout(r, 10))
  await servers[0]!.close() // the server side goes away mid-call
  try {
    await call
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'crashed')
    assert.match((error as Error).message, /stopped while the call was running/)
  }
  assert.is(upstream.state, 'restarting')
  try {
    await upstream.call('say', { text: 'x' })
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'unavailable')
    assert.match((error as Error).message, /server unit is restarting \(next attempt in 1 s\)/)
  }
  assert.ok(upstream.tools?.length === 4, 'the last known tools are kept while restarting')
  await until(() => upstream.state === 'ready')
  assert.is(servers.length, 2)
  assert.is(changes(), 1, 'the same tools after the restart: no change reported')
  assert.equal((await upstream.call('say', { text: 'y' })).structuredContent, { text: 'y' })
  assert.ok(lines.some((l) => /connection closed/.test(l)))
  await upstream.close()
})

test('a failing open is retried with growing delays; close stops the retries', async () => {
  let opens = 0
  const upstream = createUpstream({
    name: 'broken',
    kind: 'child',
    open: () => {
      opens++
      throw new Error('spawn ENOENT')
    },
    restart: { initialDelayMs: 10, maxDelayMs: 1000 },
  })
  await upstream.start()
  assert.is(upstream.state, 'restarting')
  await until(() => opens >= 3)
  assert.ok(upstream.failures >= 3)
  await upstream.close()
  const count = opens
  await new Promise((r) => setTimeout(r, 100))
  assert.is(opens, count)
  try {
    await upstream.call('x', {})
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'closed')
  }
})

test.run()
