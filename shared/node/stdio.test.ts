import { PassThrough } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createToolServer } from '../mcp/server.ts'
import { createTestDeps } from '../mcp/testing.ts'
import { installFakeTimers } from '../../test/support/fake-timers.ts'
import { serveStdio } from './stdio.ts'

function pipes() {
  const stdin = new PassThrough()
  const stdout = new PassThrough()
  const lines: unknown[] = []
  let buffer = ''
  stdout.on('data', (chunk) => {
    buffer += chunk
    let end: number
    while ((end = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, end)))
      buffer = buffer.slice(end + 1)
    }
  })
  return { stdin, stdout, lines }
}

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

test('answers over the streams, and closing stdin shuts down after the hooks ran', async () => {
  const { deps } = createTestDeps()
  const { stdin, stdout, lines } = pipes()
  const order: string[] = []
  const server = createToolServer({ name: 's', version: '1' }, [], deps)
  const running = await serveStdio(server, {
    stdin,
    stdout,
    exit: false,
    log: (line) => void order.push(`log: ${line}`),
    onShutdown: [async () => void order.push('hook 1'), () => void order.push('hook 2')],
  })
  stdin.write(`${JSON.stringify(initialize)}\n`)
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.is((lines[0] as { id: number }).id, 1)
  stdin.end()
  assert.is(await running.done, 'stdin closed')
  assert.equal(order, ['hook 1', 'hook 2'])
})

test('a failing hook is logged and the rest still run; slow hooks are cut off', async () => {
  const { deps } = createTestDeps()
  const { stdin, stdout } = pipes()
  const log: string[] = []
  const ran: string[] = []
  const clock = installFakeTimers() // the 5 s cut-off runs on a fake clock
  try {
    const running = await serveStdio(createToolServer({ name: 's', version: '1' }, [], deps), {
      stdin,
      stdout,
      exit: false,
      log: (line) => void log.push(line),
      shutdownTimeoutMs: 5_000,
      onShutdown: [
        () => {
          throw new Error('flush failed')
        },
        () => void ran.push('second'),
        () => new Promise(() => undefined),
      ],
    })
    const closed = running.close()
    await clock.scheduled(5_000)
    clock.advance(5_000)
    assert.is(await closed, 'stdin closed')
  } finally {
    clock.restore()
  }
  assert.equal(ran, ['second'])
  assert.ok(log.some((line) => line.startsWith('shutdown hook failed: Error: flush failed')))
  assert.ok(log.some((line) => line.includes('took over 5000 ms')))
})

test('a broken stdout (client gone) shuts down too', async () => {
  const { deps } = createTestDeps()
  const { stdin, stdout } = pipes()
  const running = await serveStdio(createToolServer({ name: 's', version: '1' }, [], deps), {
    stdin,
    stdout,
    exit: false,
    log: () => undefined,
  })
  stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
  assert.is(await running.done, 'stdout closed')
})

test.run()
