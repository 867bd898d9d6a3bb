import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createGuard, type Guard } from '../../shared/mcp/guard/guard.ts'
import { createDeferredGuard } from '../../shared/mcp/guard/deferred.ts'
import { DEFAULT_SECURITY_POLICY, parseSecurityPolicy } from '../../shared/mcp/policy-config.ts'
import { createTestAudit } from '../../shared/mcp/testing.ts'
import { createFakeDetector } from '../../shared/pii/policy-fake-detector.ts'
import { createRelay } from './relay.ts'

const EMAIL = 'kim.chulsoo@example.com'
const SSN = '960121-1021413'

function setup(policy: unknown = {}, guardOverride?: Guard, callTimeoutMs?: number) {
  const audit = createTestAudit()
  const guard =
    guardOverride ??
    createGuard({
      detector: createFakeDetector(),
      policy: parseSecurityPolicy(policy),
      audit: audit.log,
      onError: () => undefined,
    })
  const child: any[] = []
  const client: any[] = []
  const notes: string[] = []
  const relay = createRelay({
    guard,
    toChild: (message) => void child.push(message),
    toClient: (message) => void client.push(message),
    note: (line) => void notes.push(line),
    ...(callTimeoutMs !== undefined ? { callTimeoutMs } : {}),
  })
  const fromClient = (message: unknown) => relay.fromClient(JSON.stringify(message))
  const fromChild = (message: unknown) => relay.fromChild(JSON.stringify(message))
  return { relay, guard, audit, child, client, notes, fromClient, fromChild }
}

const call = (id: number | string, args: Record<string, unknown>, name = 'echo') => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, _meta: { progressToken: `p${id}` } },
})
const textResult = (id: number | string, text: string) => ({
  jsonrpc: '2.0',
  id,
  result: { content: [{ type: 'text', text }] },
})

test('tools/call: argument policy before the child, result policy after, one audit record', async () => {
  const r = setup({ arguments: { default: 'redact' } })
  await r.fromClient(call(1, { text: `mail ${EMAIL}` }))
  assert.equal(r.child, [
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'mail [EMAIL]' }, _meta: { progressToken: 'p1' } },
    },
  ])
  assert.is(r.relay.pending, 1)
  await r.fromChild(textResult(1, `back ${EMAIL}`))
  assert.equal(r.client, [textResult(1, 'back kim***@example.com')])
  assert.is(r.relay.pending, 0)
  const records = await r.audit.records()
  assert.is(records.length, 1)
  assert.equal(
    [records[0]?.tool, records[0]?.outcome, records[0]?.pii],
    ['echo', 'ok', { email: 2 }],
  )
  assert.not.ok((await r.audit.text()).includes(EMAIL))
})

test('every other message passes the direction policy, both ways (requests, notifications, progress, server requests)', async () => {
  const r = setup()
  const clientSide = [
    {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'c', version: '1' },
      },
    },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 'list', method: 'tools/list', params: { cursor: EMAIL } },
    {
      jsonrpc: '2.0',
      id: 's1',
      result: { role: 'assistant', content: { type: 'text', text: EMAIL } },
    },
    { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
  ]
  const childSide = [
    {
      jsonrpc: '2.0',
      id: 0,
      result: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        serverInfo: { name: 's', version: '1' },
      },
    },
    {
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'p1', progress: 1, message: EMAIL },
    },
    {
      jsonrpc: '2.0',
      id: 's1',
      method: 'sampling/createMessage',
      params: { messages: [], maxTokens: 1 },
    },
    { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } },
    { jsonrpc: '2.0', id: 'list', result: { tools: [] } },
  ]
  for (const message of clientSide) await r.fromClient(message)
  for (const message of childSide) await r.fromChild(message)
  assert.equal(r.child, clientSide, 'arguments policy allow: client messages pass as they are')
  // Results policy (mask) on every server message: only the progress text had PII (issue 9 §1).
  const masked = structuredClone(childSide)
  masked[1]!.params!.message = 'kim***@example.com'
  assert.equal(r.client, masked)
  assert.equal(r.notes, [])
  assert.equal(await r.audit.records(), [])
})

test('reject policy: the call never reaches the child, the client gets an isError result', async () => {
  const r = setup({ arguments: { types: { ssn: 'reject' } } })
  await r.fromClient(call('c', { text: SSN }))
  assert.equal(r.child, [])
  assert.is(r.client[0].id, 'c')
  assert.is(r.client[0].result.isError, true)
  assert.match(r.client[0].result.content[0].text, /arguments contain ssn/)
  assert.is(r.relay.pending, 0)
  assert.is((await r.audit.records())[0]?.outcome, 'rejected')
})

test('a tools/call that cannot be guarded is never forwarded: notification, null id, bad params', async () => {
  const r = setup()
  await r.fromClient({
    jsonrpc: '2.0',
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: EMAIL } },
  })
  await r.fromClient({ jsonrpc: '2.0', id: null, method: 'tools/call', params: { name: 'echo' } })
  await r.fromClient({
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'echo', arguments: [EMAIL] },
  })
  await r.fromClient({ jsonrpc: '2.0', id: null, method: 'tools/list' })
  assert.equal(r.child, [])
  assert.equal(
    r.client.map((m) => [m.id, m.error.code]),
    [
      [null, -32600],
      [3, -32602],
      [null, -32600],
    ],
  )
  assert.is(r.notes.length, 2)
})

test('a duplicate id while a request is in flight is refused (it would hide the first answer)', async () => {
  const r = setup()
  await r.fromClient(call(1, { text: 'a' }))
  await r.fromClient({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
  await r.fromClient(call(1, { text: 'b' }))
  assert.is(r.child.length, 1)
  assert.equal(
    r.client.map((m) => [m.id, m.error.code]),
    [
      [1, -32600],
      [1, -32600],
    ],
  )
  // "1" (a string) is another id than 1.
  await r.fromClient(call('1', { text: 'c' }))
  assert.is(r.child.length, 2)
})

test('cancellation: recorded at once, forwarded, a late answer dropped', async () => {
  const r = setup()
  await r.fromClient(call(7, { text: 'slow' }))
  const cancel = {
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: { requestId: 7, reason: 'user' },
  }
  await r.fromClient(cancel)
  assert.equal(r.child[1], cancel)
  assert.is(r.relay.pending, 0)
  const [record] = await r.audit.records()
  assert.equal([record?.outcome, record?.detail], ['error', 'cancelled'])
  await r.fromChild(textResult(7, EMAIL))
  assert.equal(r.client, [])
  assert.equal(r.notes, [])
})

test('answers to ids the client never sent are dropped (they would pass unguarded)', async () => {
  const r = setup()
  await r.fromChild(textResult(99, EMAIL))
  await r.fromChild({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })
  assert.equal(r.client, [
    { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
  ])
  assert.match(r.notes[0] ?? '', /dropped a response from the server for unknown id 99/)
})

test('the child is gone: pending calls get an isError result and a record, other requests an error', async () => {
  const r = setup()
  await r.fromClient(call(1, { text: 'x' }))
  await r.fromClient({ jsonrpc: '2.0', id: 2, method: 'tools/list' })
  await r.fromClient({ jsonrpc: '2.0', method: 'notifications/initialized' })
  await r.relay.childGone('exited with code 3')
  assert.equal(r.client, [
    {
      jsonrpc: '2.0',
      id: 1,
      result: {
        content: [
          {
            type: 'text',
            text: 'the tool echo failed: the server exited with code 3 before answering',
          },
        ],
        isError: true,
      },
    },
    {
      jsonrpc: '2.0',
      id: 2,
      error: {
        code: -32603,
        message: 'tools/list failed: the server exited with code 3 before answering',
      },
    },
  ])
  const [record] = await r.audit.records()
  assert.equal([record?.outcome, record?.detail], ['error', 'server_exited'])
  assert.is(r.relay.pending, 0)
})

test('childGone waits for the lines already received from the child', async () => {
  const r = setup()
  await r.fromClient(call(1, { text: 'x' }))
  const answered = r.fromChild(textResult(1, 'done'))
  const gone = r.relay.childGone('exited with code 0')
  await Promise.all([answered, gone])
  assert.equal(r.client, [textResult(1, 'done')])
})

test('lines that are not JSON: the client gets a parse error, the child line is dropped with a masked note', async () => {
  const r = setup()
  await r.relay.fromClient('{not json')
  await r.relay.fromChild(`debug: mail ${EMAIL}`)
  await r.relay.fromChild('   ')
  assert.equal(r.client, [
    {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the message is not valid JSON' },
    },
  ])
  assert.equal(r.child, [])
  assert.match(
    r.notes[1] ?? '',
    /dropped a line from the server's stdout that is not JSON: "debug: mail \[EMAIL\]"/,
  )
  assert.not.ok(r.notes.join('\n').includes(EMAIL))
})

test('batches are split so every tools/call in them is guarded', async () => {
  const r = setup({ arguments: { default: 'redact' } })
  await r.fromClient([call(1, { text: EMAIL }), { jsonrpc: '2.0', id: 2, method: 'ping' }])
  assert.equal(
    r.child.map((m) => m.params?.arguments?.text ?? m.method),
    ['[EMAIL]', 'ping'],
  )
  await r.fromChild([textResult(1, EMAIL), { jsonrpc: '2.0', id: 2, result: {} }])
  assert.equal(r.client[0], textResult(1, 'kim***@example.com'))
  assert.equal(r.client[1], { jsonrpc: '2.0', id: 2, result: {} })
})

test('a JSON-RPC error answering a tools/call goes through the result policy', async () => {
  const r = setup()
  await r.fromClient(call(4, { text: 'x' }))
  await r.fromChild({ jsonrpc: '2.0', id: 4, error: { code: -32000, message: `no user ${EMAIL}` } })
  assert.equal(r.client, [
    { jsonrpc: '2.0', id: 4, error: { code: -32000, message: 'no user kim***@example.com' } },
  ])
  const [record] = await r.audit.records()
  assert.equal(
    [record?.outcome, record?.detail?.startsWith('jsonrpc_error code=-32000')],
    ['error', true],
  )
})

test('a result the guard cannot read (not a CallToolResult) is replaced by an isError result', async () => {
  const r = setup()
  await r.fromClient(call(5, {}))
  await r.fromChild({ jsonrpc: '2.0', id: 5, result: { task: { taskId: 't' } } })
  assert.is(r.client[0].result.isError, true)
  assert.match(r.client[0].result.content[0].text, /a result the guard cannot check/)
})

test('lines over the cap: the request they answer (or ask) gets an error with its id', async () => {
  const r = setup()
  await r.fromClient(call(6, {}))
  await r.relay.childLineTooLong({
    bytes: 17_000_000,
    head: '{"result":{"content":[',
    tail: '"}]},"jsonrpc":"2.0","id":6}',
  })
  assert.is(r.client[0].id, 6)
  assert.match(r.client[0].result.content[0].text, /its answer was larger than the guard accepts/)
  const [record] = await r.audit.records()
  assert.is(record?.detail, 'result_too_large')
  await r.relay.clientLineTooLong({
    bytes: 17_000_000,
    head: '{"jsonrpc":"2.0","id":8,"method":"tools/call"',
    tail: '}}',
  })
  assert.equal(r.client[1], {
    jsonrpc: '2.0',
    id: 8,
    error: {
      code: -32600,
      message: 'Invalid request: the message is larger than the guard accepts (16 MiB)',
    },
  })
  assert.equal(r.child.length, 1)
})

test('fail closed: a guard that cannot start refuses the call', async () => {
  const broken = createDeferredGuard(DEFAULT_SECURITY_POLICY, () =>
    Promise.reject(new Error('no patterns')),
  )
  const r = setup({}, broken)
  await r.fromClient(call(1, { text: EMAIL }))
  assert.equal(r.child, [])
  assert.is(r.client[0].result.isError, true)
  assert.match(
    r.client[0].result.content[0].text,
    /tool call refused: the security guard is not available \(error id [0-9a-f]{12}\)/,
  )
  assert.match(r.notes[0] ?? '', /security guard is not available/)
})

test('order is kept: a cancellation right after a slowly scanned call reaches the child after it', async () => {
  const audit = createTestAudit()
  let release!: () => void
  const ready = new Promise<void>((resolve) => (release = resolve))
  const slow = createDeferredGuard(DEFAULT_SECURITY_POLICY, async () => {
    await ready
    return createGuard({ detector: createFakeDetector(), audit: audit.log })
  })
  const r = setup({}, slow)
  const first = r.fromClient(call(1, { text: 'x' }))
  const second = r.fromClient({
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: { requestId: 1 },
  })
  const third = r.fromClient({ jsonrpc: '2.0', id: 2, method: 'ping' })
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(r.child, [], 'nothing overtakes the call being scanned')
  release()
  await Promise.all([first, second, third])
  assert.equal(
    r.child.map((m) => m.method),
    ['tools/call', 'notifications/cancelled', 'ping'],
  )
  assert.is((await audit.records())[0]?.detail, 'cancelled')
})

test('issue 9 §1: a tool name the policy masks in tools/list stays callable under that name', async () => {
  const r = setup()
  await r.fromClient({ jsonrpc: '2.0', id: 'l', method: 'tools/list' })
  const schema = {
    type: 'object',
    properties: { [EMAIL]: { type: 'string', default: EMAIL, maxLength: 5 } },
  }
  const tools = [
    { name: EMAIL, description: `mail ${EMAIL}`, inputSchema: schema },
    { name: 'kim.other@example.com', inputSchema: { type: 'object' } },
  ]
  await r.fromChild({ jsonrpc: '2.0', id: 'l', result: { tools } })
  const listed = r.client[0].result.tools
  assert.not.ok(JSON.stringify(r.client).includes(EMAIL))
  assert.equal(
    listed.map((t: { name: string }) => t.name),
    ['kim***@example.com', 'kim***@example.com#2'],
  )
  await r.fromClient(call(2, { text: 'hi' }, 'kim***@example.com#2'))
  assert.is(r.child.at(-1).params.name, 'kim.other@example.com', 'routed to the real name')
  await r.fromClient(call(3, { [EMAIL]: 'too long' }, 'kim***@example.com'))
  assert.match(
    r.client.at(-1).result.content[0].text,
    /maxLength of 5/,
    'limits of the real schema',
  )
  const records = await r.audit.records()
  assert.equal(
    records.map((x) => x.tool),
    ['kim***@example.com'],
  )
})

test('issue 9 §6: a tools/call times out: isError to the client, cancelled to the child, audit timeout', async () => {
  const r = setup({}, undefined, 50)
  await r.fromClient(call(7, { text: 'x' }))
  await new Promise((resolve) => setTimeout(resolve, 120))
  assert.match(r.client[0].result.content[0].text, /did not answer within/)
  assert.is(r.client[0].result.isError, true)
  assert.equal(r.child.at(-1), {
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: { requestId: 7, reason: 'timeout' },
  })
  assert.is(r.relay.pending, 0)
  const [record] = await r.audit.records()
  assert.equal([record?.outcome, record?.detail], ['error', 'timeout'])
  await r.fromChild(textResult(7, 'late'))
  assert.is(r.client.length, 1, 'the late answer is dropped')
})

test.run()
