// Stdio child upstreams with the fixture server (test/fixtures/gateway-child.mjs): a minimal
// environment, progress and logs, a hung call timing out, a crash failing the call at once and
// the child restarted with a new process, a child that cannot start retried with backoff.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fileURLToPath } from 'node:url'
import { textOf } from '../../../shared/mcp/result.ts'
import { UpstreamError } from '../upstream/errors.ts'
import { createUpstream, type UpstreamSpec } from '../upstream/upstream.ts'
import { openChild } from './child-transport.ts'

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/gateway-child.mjs', import.meta.url))

function child(env: Record<string, string> = {}, extra: Partial<UpstreamSpec> = {}) {
  const stderr: string[] = []
  const log: string[] = []
  const upstream = createUpstream(
    {
      name: 'fixture',
      kind: 'child',
      open: openChild({ command: process.execPath, args: [FIXTURE], env }, (line) =>
        stderr.push(line),
      ),
      restart: { initialDelayMs: 50, maxDelayMs: 200 },
      ...extra,
    },
    { log: (line) => log.push(line) },
  )
  return { upstream, stderr, log }
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 10))
  }
}

test('the child gets the SDK’s short environment plus its own, never the gateway’s (MCP-A8)', async () => {
  process.env.JWT_SECRET_FOR_TEST = 'must-not-leak'
  const { upstream } = child({ OTEL_SDK_DISABLED: 'true' })
  await upstream.start()
  assert.is(upstream.state, 'ready')
  const names = textOf(await upstream.call('env', {})).split(',')
  assert.ok(names.includes('OTEL_SDK_DISABLED'))
  assert.ok(names.includes('PATH'))
  assert.not.ok(names.includes('JWT_SECRET_FOR_TEST'))
  for (const name of names)
    assert.ok(/^(HOME|LOGNAME|PATH|SHELL|TERM|USER|OTEL_SDK_DISABLED)$/.test(name), name)
  delete process.env.JWT_SECRET_FOR_TEST
  await upstream.close()
})

test('progress and logs of the one running call reach it', async () => {
  const { upstream } = child()
  await upstream.start()
  const progress: number[] = []
  const logs: unknown[] = []
  const result = await upstream.call(
    'progress',
    { tag: 'p', steps: 3 },
    { onprogress: (p) => progress.push(p.progress), onlog: (params) => logs.push(params.data) },
  )
  assert.is(textOf(result), 'p')
  assert.equal(progress, [1, 2, 3])
  assert.equal(logs, ['log 1 of p', 'log 2 of p', 'log 3 of p'])
  await upstream.close()
})

test('logs of a child running two calls at once go to neither (no cross-talk)', async () => {
  const unrouted: unknown[] = []
  const upstream = createUpstream(
    {
      name: 'fixture',
      kind: 'child',
      open: openChild({ command: process.execPath, args: [FIXTURE] }),
    },
    { onUnroutedLog: (_u, params) => unrouted.push(params.data) },
  )
  await upstream.start()
  const a: unknown[] = []
  const b: unknown[] = []
  await Promise.all([
    upstream.call(
      'progress',
      { tag: 'a', steps: 2, delayMs: 30 },
      { onlog: (p) => a.push(p.data) },
    ),
    upstream.call(
      'progress',
      { tag: 'b', steps: 2, delayMs: 30 },
      { onlog: (p) => b.push(p.data) },
    ),
  ])
  for (const data of [...a]) assert.match(String(data), /of a$/)
  for (const data of [...b]) assert.match(String(data), /of b$/)
  assert.ok(unrouted.length > 0)
  await upstream.close()
})

test('a hung call times out with a clear error and the child is told to cancel', async () => {
  const { upstream } = child({}, { callTimeoutMs: 150 })
  await upstream.start()
  try {
    await upstream.call('hang', {})
    assert.unreachable()
  } catch (error) {
    assert.instance(error, UpstreamError)
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_TIMEOUT')
    assert.match((error as Error).message, /did not answer within 0 s|did not answer within/)
  }
  assert.is(textOf(await upstream.call('echo', { text: 'still here' })), 'still here')
  await upstream.close()
})

test('a crash fails the running call at once; the child is restarted as a new process', async () => {
  const { upstream, log } = child()
  await upstream.start()
  const pid = textOf(await upstream.call('pid', {}))
  try {
    await upstream.call('crash', {})
    assert.unreachable()
  } catch (error) {
    // ERR_UPSTREAM_CRASHED, not ERR_UPSTREAM_TIMEOUT: the exit failed the call, no timer did (no wall-clock bound).
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_CRASHED')
  }
  await until(() => upstream.state === 'ready')
  const next = textOf(await upstream.call('pid', {}))
  assert.is.not(next, pid)
  assert.ok(log.some((line) => /connection closed/.test(line)))
  await upstream.close()
})

test('a child that exits at start is retried with backoff and reported restarting', async () => {
  const { upstream, log } = child({ FIXTURE_EXIT_AT_START: '1' }, { connectTimeoutMs: 3000 })
  await upstream.start()
  assert.is(upstream.state, 'restarting')
  await until(() => upstream.failures >= 2)
  assert.ok(log.some((line) => /cannot connect/.test(line)))
  try {
    await upstream.call('echo', { text: 'x' })
    assert.unreachable()
  } catch (error) {
    assert.is((error as UpstreamError).code, 'ERR_UPSTREAM_UNAVAILABLE')
  }
  await upstream.close()
})

test.run()
