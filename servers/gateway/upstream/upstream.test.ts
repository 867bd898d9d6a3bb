// The supervised upstream over the in-process link: tools, calls, identity without the token,
// progress and logs to the right call, timeout with cancellation upstream, crash and restart.
// Timeouts and retry delays run on a fake clock and calls are cancelled or crashed once the tool
// has started: no test depends on how fast a loaded machine runs real timers.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import { McpError } from '@modelcontextprotocol/sdk/types.js'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createPassThroughGuard } from '../../../shared/mcp/guard/pass-through.ts'
import { createTestDeps } from '../../../shared/mcp/testing.ts'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { createCounter as counter } from '../../../test/support/events.ts'
import { installFakeTimers } from '../../../test/support/fake-timers.ts'
import { waitTool } from '../../../test/support/wait-tool.ts'
import { hangTool, say, steps, testServer, whoami } from '../testing/tools.ts'
import { UpstreamError } from './errors.ts'
import { openInProcess } from './in-process.ts'
import { createUpstream, type LogParams, type UpstreamSpec } from './upstream.ts'

const seen = { cancelled: 0 }
const tools = [whoami, steps, hangTool(seen), say]
const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false }

/** `gated`: reports progress `steps` times; after each report it waits for one `open()`. */
function gatedTool() {
  const opened = counter()
  const tool = defineTool({
    name: 'gated',
    title: 'Gated',
    description: 'Reports progress, one step per opening of its gate.',
    input: v.object({ steps: v.number() }),
    annotations: readOnly,
    handler: async ({ steps }, ctx) => {
      for (let i = 1; i <= steps; i++) {
        await ctx.progress(i, steps)
        await opened.reached(i)
      }
      return { done: steps }
    },
  })
  return { tool, open: () => opened.bump() }
}

function mount(extra: Partial<UpstreamSpec> = {}, more: Tool[] = []) {
  const { deps } = createTestDeps()
  const servers: Server[] = []
  const make = testServer('unit', [...tools, ...more])
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

test('tools/call leaves with our marker stripped: `_meta` only when something else is in it', async () => {
  const sent: Record<string, unknown>[] = []
  const { upstream } = mount({
    open: async () => {
      const transport = await openInProcess(() => {
        const { deps } = createTestDeps()
        return testServer('unit', tools)({ ...deps, guard: createPassThroughGuard(deps.guard) })
      })()
      const send = transport.send.bind(transport)
      transport.send = (message, options) => {
        if ('method' in message && message.method === 'tools/call')
          sent.push(message.params as Record<string, unknown>)
        return send(message, options)
      }
      return transport
    },
  })
  await upstream.start()
  await upstream.call('say', { text: 'plain' })
  await upstream.call('steps', { tag: 'p', steps: 1, delayMs: 0 }, { onprogress: () => {} })
  assert.equal(sent[0], { name: 'say', arguments: { text: 'plain' } })
  assert.equal(Object.keys(sent[1]!), ['name', 'arguments', '_meta'])
  assert.equal(Object.keys(sent[1]!._meta as object), ['progressToken'])
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
  const clock = installFakeTimers()
  try {
    const wait = waitTool()
    const { upstream } = mount({ callTimeoutMs: 5_000 }, [wait.tool])
    await upstream.start()
    const call = upstream.call('wait', {})
    const outcome = call.then(
      () => 'answered',
      (error: unknown) => error,
    )
    await wait.started.reached(1)
    clock.advance(4_999)
    assert.ok(clock.pending().includes(5_000), 'the call timer has not fired yet')
    clock.advance(1)
    const error = await outcome
    assert.instance(error, UpstreamError)
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_TIMEOUT')
    assert.match((error as Error).message, /did not answer within 5 s/)
    await wait.cancelled.reached(1)
    assert.equal((await upstream.call('say', { text: 'x' })).structuredContent, { text: 'x' })
    await upstream.close()
  } finally {
    clock.restore()
  }
})

test('progress restarts the call timeout', async () => {
  const clock = installFakeTimers()
  try {
    const gated = gatedTool()
    const { upstream } = mount({ callTimeoutMs: 5_000 }, [gated.tool])
    await upstream.start()
    const progress = counter()
    const outcome = upstream
      .call('gated', { steps: 3 }, { onprogress: () => progress.bump() })
      .then(
        (result) => result.structuredContent,
        (error: unknown) => error,
      )
    for (let step = 1; step <= 3; step++) {
      // The report reached the upstream: the timeout starts again.
      const first = await Promise.race([
        progress.reached(step).then(() => 'report'),
        outcome.then(() => 'end of the call'),
      ])
      assert.is(first, 'report', `report ${step} came before the call ended`)
      clock.advance(4_000) // under the timeout since the last report; 12 s in all
      gated.open()
    }
    assert.equal(await outcome, { done: 3 })
    assert.is(clock.now(), 12_000)
    await upstream.close()
  } finally {
    clock.restore()
  }
})

test('without progress the same call times out', async () => {
  const clock = installFakeTimers()
  try {
    const gated = gatedTool()
    const { upstream } = mount({ callTimeoutMs: 5_000 }, [gated.tool])
    await upstream.start()
    // No onprogress: the reports do not restart the timeout, so 5 s after the start it expires.
    const call = upstream.call('gated', { steps: 3 }).catch((error: unknown) => error)
    await clock.scheduled(5_000)
    clock.advance(5_000)
    const error = await call
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_TIMEOUT')
    await upstream.close()
  } finally {
    clock.restore()
  }
})

test('the caller cancelling aborts the call upstream', async () => {
  const wait = waitTool()
  const { upstream } = mount({}, [wait.tool])
  await upstream.start()
  const controller = new AbortController()
  const call = upstream.call('wait', {}, { signal: controller.signal })
  await wait.started.reached(1)
  controller.abort()
  try {
    await call
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_CANCELLED')
  }
  await wait.cancelled.reached(1)
  await upstream.close()
})

test('a crash fails in-flight calls at once, then the upstream restarts with backoff', async () => {
  const wait = waitTool()
  const { upstream, servers, lines, changes } = mount({}, [wait.tool])
  await upstream.start()
  const call = upstream.call('wait', {})
  await wait.started.reached(1)
  await servers[0]!.close() // the server side goes away mid-call
  try {
    await call
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_CRASHED')
    assert.match((error as Error).message, /stopped while the call was running/)
  }
  assert.is(upstream.state, 'restarting')
  try {
    await upstream.call('say', { text: 'x' })
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_UNAVAILABLE')
    assert.match((error as Error).message, /server unit is restarting \(next attempt in 1 s\)/)
  }
  assert.ok(upstream.tools?.length === 5, 'the last known tools are kept while restarting')
  await until(() => upstream.state === 'ready')
  assert.is(servers.length, 2)
  assert.is(changes(), 1, 'the same tools after the restart: no change reported')
  assert.equal((await upstream.call('say', { text: 'y' })).structuredContent, { text: 'y' })
  assert.ok(lines.some((l) => /connection closed/.test(l)))
  await upstream.close()
})

test('a failing open is retried with growing delays; close stops the retries', async () => {
  const clock = installFakeTimers()
  try {
    const opens = counter()
    const upstream = createUpstream(
      {
        name: 'broken',
        kind: 'child',
        open: () => {
          opens.bump()
          throw new Error('spawn ENOENT')
        },
        restart: { initialDelayMs: 1_000, maxDelayMs: 4_000 },
      },
      { clock: () => clock.now() },
    )
    await upstream.start()
    assert.is(upstream.state, 'restarting')
    // Attempt n+1 comes 1, 2, 4, then 4 s (the cap) after attempt n failed.
    for (const [attempt, delay] of [
      [2, 1_000],
      [3, 2_000],
      [4, 4_000],
      [5, 4_000],
    ] as const) {
      await clock.scheduled()
      assert.equal(clock.pending(), [delay], `the retry before attempt ${attempt}`)
      clock.advance(delay - 1)
      assert.is(opens.count(), attempt - 1, `attempt ${attempt} not before ${delay} ms`)
      clock.advance(1)
      await opens.reached(attempt)
    }
    await clock.scheduled()
    assert.is(upstream.failures, 5)
    await upstream.close()
    assert.equal(clock.pending(), [], 'close cancels the pending retry')
    clock.advance(60_000)
    assert.is(opens.count(), 5)
    try {
      await upstream.call('x', {})
      assert.unreachable()
    } catch (error) {
      assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_CLOSED')
    }
  } finally {
    clock.restore()
  }
})

test.run()
