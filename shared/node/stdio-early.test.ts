import { PassThrough } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createToolServer } from '../mcp/server.ts'
import { createTestDeps } from '../mcp/testing.ts'
import { listenEarly } from './stdio-early.ts'
import { serveStdio } from './stdio.ts'

const INFO = { name: 'early', version: '1.0.0', title: 'Early', instructions: 'Be quick.' }
const line = (message: unknown) => `${JSON.stringify(message)}\n`
const initialize = (id: number | string = 1, version = '2025-06-18') => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'c', version: '1' } },
})

function streams() {
  const stdin = new PassThrough()
  const stdout = new PassThrough()
  const out: Array<Record<string, unknown>> = []
  let buffer = ''
  stdout.on('data', (chunk) => {
    buffer += chunk
    let end: number
    while ((end = buffer.indexOf('\n')) >= 0) {
      out.push(JSON.parse(buffer.slice(0, end)))
      buffer = buffer.slice(end + 1)
    }
  })
  return { stdin, stdout, out }
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms))

test('a first initialize request is answered from plain data, before any SDK code runs', async () => {
  const { stdin, stdout, out } = streams()
  const early = listenEarly(INFO, { stdin, stdout })
  stdin.write(line(initialize(7)).slice(0, 20))
  await tick()
  assert.equal(out, [], 'waits for the whole line')
  stdin.write(line(initialize(7)).slice(20))
  await early.first
  await tick()
  assert.equal(out, [
    {
      result: {
        protocolVersion: '2025-06-18',
        capabilities: { tools: { listChanged: false }, logging: {} },
        serverInfo: { name: 'early', version: '1.0.0', title: 'Early' },
        instructions: 'Be quick.',
      },
      jsonrpc: '2.0',
      id: 7,
    },
  ])
  const handOff = early.handOff()
  assert.is(handOff.answeredId, 7)
  assert.is(new TextDecoder().decode(handOff.bytes), line(initialize(7)))
})

test('anything else first is left to the SDK: no early answer', async () => {
  for (const first of [
    line({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    line({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18' },
    }),
    'not json\n',
  ]) {
    const { stdin, stdout, out } = streams()
    const early = listenEarly(INFO, { stdin, stdout })
    stdin.write(first)
    await early.first
    await tick()
    assert.equal(out, [])
    assert.is(early.handOff().answeredId, undefined)
  }
})

test('hand-off: the SDK replays the session, its second initialize answer is dropped', async () => {
  const { stdin, stdout, out } = streams()
  const early = listenEarly(INFO, { stdin, stdout })
  stdin.write(line(initialize(1)))
  await early.first
  // Sent while the SDK is "loading": buffered by the early reader, replayed in order.
  stdin.write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }))
  stdin.write(line({ jsonrpc: '2.0', id: 2, method: 'tools/list' }))
  await tick()
  const { deps } = createTestDeps()
  const server = createToolServer(INFO, [], deps)
  let initialized = false
  server.oninitialized = () => (initialized = true)
  const running = await serveStdio(server, { early, exit: false, log: () => undefined })
  stdin.write(line({ jsonrpc: '2.0', id: 3, method: 'ping' }))
  await tick(30)
  assert.equal(
    out.map((m) => m.id),
    [1, 2, 3],
  )
  assert.equal(out[1], { result: { tools: [] }, jsonrpc: '2.0', id: 2 })
  assert.ok(initialized, 'the SDK saw the replayed notification')
  assert.equal(
    server.getClientVersion(),
    { name: 'c', version: '1' },
    'and the replayed initialize',
  )
  stdin.end()
  assert.is(await running.done, 'stdin closed')
})

test('stdin closed before the hand-off: the server shuts down right after connecting', async () => {
  const { stdin, stdout } = streams()
  const early = listenEarly(INFO, { stdin, stdout })
  stdin.end(line(initialize(1)))
  await early.first
  await tick()
  const { deps } = createTestDeps()
  const running = await serveStdio(createToolServer(INFO, [], deps), {
    early,
    exit: false,
    log: () => undefined,
  })
  assert.is(await running.done, 'stdin closed')
})

test.run()
