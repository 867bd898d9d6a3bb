import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createGuard } from '../../shared/mcp/guard/guard.ts'
import { parseSecurityPolicy } from '../../shared/mcp/policy-config.ts'
import { createTestAudit } from '../../shared/mcp/testing.ts'
import { createFakeDetector } from '../../shared/pii/policy-fake-detector.ts'
import { connectRelay } from './relay-streams.ts'

const EMAIL = 'kim.chulsoo@example.com'
const encoder = new TextEncoder()

/** Reads a byte stream as lines; `next()` waits for the next one. */
function lineReader(readable: ReadableStream<Uint8Array>) {
  const lines: string[] = []
  const waiters: Array<() => void> = []
  let closed = false
  void (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of readable as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n')) >= 0) {
        lines.push(buffer.slice(0, end))
        buffer = buffer.slice(end + 1)
        waiters.splice(0).forEach((wake) => wake())
      }
    }
    closed = true
    waiters.splice(0).forEach((wake) => wake())
  })()
  let read = 0
  return {
    lines,
    get closed() {
      return closed
    },
    async next(): Promise<any> {
      while (read >= lines.length) {
        if (closed) throw new Error('stream closed')
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
      return JSON.parse(lines[read++]!)
    },
    async end() {
      while (!closed) await new Promise<void>((resolve) => waiters.push(resolve))
    },
  }
}

function setup(options: { maxLineBytes?: number; policy?: unknown } = {}) {
  const audit = createTestAudit()
  const guard = createGuard({
    detector: createFakeDetector(),
    policy: parseSecurityPolicy(options.policy ?? {}),
    audit: audit.log,
  })
  const clientIn = new TransformStream<Uint8Array, Uint8Array>()
  const clientOut = new TransformStream<Uint8Array, Uint8Array>()
  const childIn = new TransformStream<Uint8Array, Uint8Array>()
  const childOut = new TransformStream<Uint8Array, Uint8Array>()
  const notes: string[] = []
  const events: string[] = []
  const connection = connectRelay({
    guard,
    note: (line) => void notes.push(line),
    client: { readable: clientIn.readable, writable: clientOut.writable },
    child: { readable: childOut.readable, writable: childIn.writable },
    ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
    onClientEnd: () => void events.push('client end'),
    onChildEnd: () => void events.push('child end'),
    onClientGone: () => void events.push('client gone'),
  })
  const clientWriter = clientIn.writable.getWriter()
  const childWriter = childOut.writable.getWriter()
  return {
    connection,
    audit,
    notes,
    events,
    client: {
      write: (text: string) => clientWriter.write(encoder.encode(text)),
      close: () => clientWriter.close(),
      read: lineReader(clientOut.readable),
    },
    child: {
      write: (text: string) => childWriter.write(encoder.encode(text)),
      close: () => childWriter.close(),
      read: lineReader(childIn.readable),
    },
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

test('MCP stdio framing: split and joined chunks, CRLF, one JSON line per message out', async () => {
  const s = setup()
  await s.client.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n{"jsonrpc":"2.0",')
  await s.client.write('"method":"notifications/initialized"}\n')
  assert.equal(await s.child.read.next(), { jsonrpc: '2.0', id: 1, method: 'ping' })
  assert.equal(await s.child.read.next(), { jsonrpc: '2.0', method: 'notifications/initialized' })
  await s.child.write('{"jsonrpc":"2.0","id":1,"result":{}}\n')
  assert.equal(await s.client.read.next(), { jsonrpc: '2.0', id: 1, result: {} })
  assert.ok(s.client.read.lines.every((line) => !line.includes('\n')))
})

test('a guarded call end to end through the streams, the result masked', async () => {
  const s = setup()
  await s.client.write(
    `${JSON.stringify({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'echo', arguments: { text: EMAIL } } })}\n`,
  )
  const forwarded = await s.child.read.next()
  assert.is(forwarded.params.arguments.text, EMAIL, 'arguments pass by default')
  await s.child.write(
    `${JSON.stringify({ jsonrpc: '2.0', id: 'a', result: { content: [{ type: 'text', text: EMAIL }] } })}\n`,
  )
  const answer = await s.client.read.next()
  assert.is(answer.result.content[0].text, 'kim***@example.com')
  assert.is((await s.audit.records()).length, 1)
})

test('the client closing its input closes the child input, after relaying what it sent', async () => {
  const s = setup()
  await s.client.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
  await s.client.close()
  await s.child.read.end()
  await settle()
  assert.equal(s.child.read.lines.length, 1)
  assert.equal(s.events, ['client end'])
})

test('the child closing its output: reported after its last line was relayed', async () => {
  const s = setup()
  await s.client.write('{"jsonrpc":"2.0","id":1,"method":"tools/list"}\n')
  await s.child.read.next()
  await s.child.write('{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}')
  await s.child.close()
  await settle()
  assert.equal(s.events, ['child end'])
  assert.equal(await s.client.read.next(), { jsonrpc: '2.0', id: 1, result: { tools: [] } })
  assert.is(s.connection.relay.pending, 0)
})

test('a line over the cap is dropped both ways, with an answer for the request it carried', async () => {
  const s = setup({ maxLineBytes: 200 })
  await s.client.write(
    `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"x","arguments":{"t":"${'a'.repeat(300)}"}}}\n`,
  )
  assert.equal(await s.client.read.next(), {
    jsonrpc: '2.0',
    id: 5,
    error: {
      code: -32600,
      message: 'Invalid request: the message is larger than the guard accepts (16 MiB)',
    },
  })
  await s.client.write('{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"x"}}\n')
  await s.child.read.next()
  await s.child.write(
    `{"result":{"content":[{"type":"text","text":"${'b'.repeat(300)}"}]},"jsonrpc":"2.0","id":6}\n`,
  )
  const answer = await s.client.read.next()
  assert.is(answer.id, 6)
  assert.is(answer.result.isError, true)
  assert.equal(s.child.read.lines.length, 1, 'the oversize request never reached the child')
  assert.is(s.notes.length, 2)
})

test('a client that stops reading: writes failing are reported once', async () => {
  const audit = createTestAudit()
  const guard = createGuard({ detector: createFakeDetector(), audit: audit.log })
  const childOut = new TransformStream<Uint8Array, Uint8Array>()
  const events: string[] = []
  connectRelay({
    guard,
    note: () => undefined,
    client: {
      readable: new ReadableStream(),
      writable: new WritableStream({
        write() {
          throw new Error('EPIPE')
        },
      }),
    },
    child: { readable: childOut.readable, writable: new WritableStream() },
    onClientGone: () => void events.push('client gone'),
  })
  const writer = childOut.writable.getWriter()
  await writer.write(
    encoder.encode('{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":"2.0","method":"b"}\n'),
  )
  await settle()
  assert.equal(events, ['client gone'])
})

test.run()
