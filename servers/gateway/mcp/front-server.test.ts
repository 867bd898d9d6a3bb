// The front server over real in-process upstreams, driven by a real SDK Client: the union of
// tools, scopes hiding tools, one guard and one audit record per call, progress and logs relayed
// to the right call, upstream failures as clear isError results.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { McpError, type Progress } from '@modelcontextprotocol/sdk/types.js'
import { createPassThroughGuard } from '../../../shared/mcp/guard/pass-through.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import { connectInMemory, createTestDeps } from '../../../shared/mcp/testing.ts'
import { createCatalog } from '../catalog.ts'
import type { ServerConfig } from '../config.ts'
import { createCounter } from '../../../test/support/events.ts'
import { waitTool } from '../../../test/support/wait-tool.ts'
import { say, steps, testServer, whoami } from '../testing/tools.ts'
import { openInProcess } from '../upstream/in-process.ts'
import { createUpstream, type Upstream } from '../upstream/upstream.ts'
import { createFrontServer } from './front-server.ts'

/** `hang` of server beta: answers only when cancelled; says when it started and was cancelled. */
const hang = waitTool('hang')
const server = (name: string, extra: Partial<ServerConfig> = {}): ServerConfig => ({
  name,
  kind: 'in-process',
  args: [],
  env: {},
  scopes: [],
  toolScopes: {},
  callTimeoutMs: 60_000,
  ...extra,
})
const auth = (scopes = ['mcp.access']): AuthInfo => ({
  token: '',
  clientId: 'agent-1',
  scopes,
  extra: { jti: 'jti-1' },
})

async function setup(policy: unknown = {}, options: { callTimeoutMs?: number } = {}) {
  const { deps, audit, operator } = createTestDeps({ policy })
  const mounted = { ...deps, guard: createPassThroughGuard(deps.guard) }
  const servers = [
    server('alpha', { toolScopes: { whoami: ['admin'] } }),
    server('beta', {
      tools: ['say', 'steps', 'hang'],
      callTimeoutMs: options.callTimeoutMs ?? 60_000,
    }),
  ]
  const make = {
    alpha: testServer('alpha', [whoami, say]),
    beta: testServer('beta', [say, steps, hang.tool, whoami]),
  }
  const upstreams = new Map<string, Upstream>()
  for (const s of servers) {
    const create = make[s.name as 'alpha' | 'beta']
    upstreams.set(
      s.name,
      createUpstream({
        name: s.name,
        kind: 'in-process',
        open: openInProcess(() => create(mounted)),
        callTimeoutMs: s.callTimeoutMs,
      }),
    )
  }
  await Promise.all([...upstreams.values()].map((u) => u.start()))
  const catalog = createCatalog({ servers, upstreams, requiredScopes: ['mcp.access'] })
  const front = () =>
    createFrontServer({
      catalog,
      guard: deps.guard,
      info: { name: 'gateway-test', version: '1' },
      onError: (line) => operator.push(line),
    })
  const close = async () => Promise.all([...upstreams.values()].map((u) => u.close()))
  return { catalog, front, audit, operator, close }
}

test('tools/list: the union, prefixed only on collision, tools needing a missing scope hidden', async () => {
  const { front, close } = await setup()
  const admin = await connectInMemory(front(), { authInfo: auth(['mcp.access', 'admin']) })
  const names = (await admin.client.listTools()).tools.map((t) => t.name)
  assert.equal(names, ['whoami', 'alpha_say', 'beta_say', 'steps', 'hang'])
  const plain = await connectInMemory(front(), { authInfo: auth() })
  assert.equal(
    (await plain.client.listTools()).tools.map((t) => t.name),
    ['alpha_say', 'beta_say', 'steps', 'hang'],
  )
  const denied = await plain.client.callTool({ name: 'whoami', arguments: {} })
  assert.ok(denied.isError)
  assert.match(textOf(denied as never), /lacks a scope this tool needs \(mcp\.access admin\)/)
  await admin.close()
  await plain.close()
  await close()
})

test('a call runs once through the guard: policy both ways, one audit record with client_id and jti', async () => {
  const { front, audit, close } = await setup({ results: { default: 'redact' } })
  const { client, close: done } = await connectInMemory(front(), { authInfo: auth() })
  const result = await client.callTool({
    name: 'beta_say',
    arguments: { text: 'mail kim@example.com' },
  })
  assert.is(textOf(result as never), 'mail [EMAIL]')
  const records = await audit.records()
  assert.is(records.length, 1, 'the mounted server wrote no record of its own')
  assert.is(records[0]!.tool, 'beta_say')
  assert.is(records[0]!.client_id, 'agent-1')
  assert.is(records[0]!.jti, 'jti-1')
  assert.equal(records[0]!.pii, { email: 2 })
  assert.is(records[0]!.outcome, 'ok')
  assert.not.ok(JSON.stringify(records).includes('kim@example.com'))
  await done()
  await close()
})

test('the identity reaches the in-process tool without the token; arguments rejected never run', async () => {
  const { front, audit, close } = await setup({ arguments: { types: { email: 'reject' } } })
  const { client, close: done } = await connectInMemory(front(), {
    authInfo: auth(['mcp.access', 'admin']),
  })
  const who = await client.callTool({ name: 'whoami', arguments: {} })
  assert.equal(who.structuredContent, {
    clientId: 'agent-1',
    jti: 'jti-1',
    scopes: ['mcp.access', 'admin'],
  })
  const refused = await client.callTool({
    name: 'steps',
    arguments: { tag: 'x@example.com', steps: 1 },
  })
  assert.ok(refused.isError)
  assert.match(textOf(refused as never), /rejected by the PII policy/)
  const records = await audit.records()
  assert.equal(
    records.map((r) => [r.tool, r.outcome]),
    [
      ['whoami', 'ok'],
      ['steps', 'rejected'],
    ],
  )
  await done()
  await close()
})

test('progress and log notifications of a call reach that call, masked; setLevel filters logs', async () => {
  const { front, close } = await setup()
  const { client, close: done } = await connectInMemory(front(), { authInfo: auth() })
  const logs: unknown[] = []
  const logged = createCounter()
  client.setNotificationHandler(
    (await import('@modelcontextprotocol/sdk/types.js')).LoggingMessageNotificationSchema,
    (n) => {
      logs.push(n.params)
      logged.bump()
    },
  )
  const progress: Progress[] = []
  const result = await client.callTool(
    { name: 'steps', arguments: { tag: 'lee@example.com', steps: 2 } },
    undefined,
    { onprogress: (p) => progress.push(p) },
  )
  assert.equal(result.structuredContent, { tag: 'l***@example.com' })
  assert.equal(
    progress.map((p) => [p.progress, p.total]),
    [
      [1, 2],
      [2, 2],
    ],
  )
  assert.ok(
    progress.every((p) => !p.message!.includes('lee@example.com')),
    JSON.stringify(progress),
  )
  await logged.reached(2)
  assert.is(logs.length, 2)
  assert.not.ok(JSON.stringify(logs).includes('lee@example.com'))
  await client.setLoggingLevel('error')
  logs.length = 0
  await client.callTool({ name: 'steps', arguments: { tag: 'quiet', steps: 2 } })
  await new Promise((r) => setTimeout(r, 10))
  assert.is(logs.length, 0)
  await done()
  await close()
})

test('unknown tool → -32602 with no audit record', async () => {
  const { front, audit, close } = await setup()
  const { client, close: done } = await connectInMemory(front(), { authInfo: auth() })
  try {
    await client.callTool({ name: 'nope', arguments: {} })
    assert.unreachable()
  } catch (error) {
    assert.is((error as McpError).code, -32602)
  }
  assert.equal(await audit.records(), [])
  await done()
  await close()
})

test('an upstream JSON-RPC error keeps its code, its text guarded; an unreadable answer is isError', async () => {
  const { deps, audit, operator } = createTestDeps({ policy: { results: { default: 'redact' } } })
  const fake = (behaviour: () => Promise<never>): Upstream => ({
    name: 'fake',
    kind: 'child',
    state: 'ready',
    tools: [{ name: 'ghost', inputSchema: { type: 'object' } }],
    server: undefined,
    failures: 0,
    capabilities: undefined,
    request: () => Promise.reject(new Error('no')),
    inflight: 0,
    start: async () => {},
    call: behaviour,
    close: async () => {},
  })
  for (const [behaviour, check] of [
    [
      async () => {
        throw new McpError(-32602, 'no ghost for kim@example.com', { who: 'kim@example.com' })
      },
      async (client: Awaited<ReturnType<typeof connectInMemory>>['client']) => {
        try {
          await client.callTool({ name: 'ghost', arguments: {} })
          assert.unreachable()
        } catch (error) {
          assert.is((error as McpError).code, -32602)
          assert.is((error as McpError).message, 'MCP error -32602: no ghost for [EMAIL]')
          assert.equal((error as McpError).data, { who: '[EMAIL]' })
        }
      },
    ],
    [
      async () => {
        throw new TypeError('Invalid input: expected array')
      },
      async (client: Awaited<ReturnType<typeof connectInMemory>>['client']) => {
        const result = await client.callTool({ name: 'ghost', arguments: {} })
        assert.ok(result.isError)
        assert.match(
          textOf(result as never),
          /server fake answered with something that is not a tool result \(error id /,
        )
      },
    ],
  ] as const) {
    const upstreams = new Map([['fake', fake(behaviour)]])
    const catalog = createCatalog({ servers: [server('fake')], upstreams, requiredScopes: [] })
    const front = createFrontServer({
      catalog,
      guard: deps.guard,
      info: { name: 'g', version: '1' },
      onError: (line) => operator.push(line),
    })
    const { client, close } = await connectInMemory(front, { authInfo: auth() })
    await check(client)
    await close()
  }
  const records = await audit.records()
  assert.equal(
    records.map((r) => [r.outcome, r.detail?.replace(/error_id=\S+/, 'error_id=…')]),
    [
      ['error', 'jsonrpc_error code=-32602 out=redact(email:1)'],
      ['error', 'invalid_result error_id=…'],
    ],
  )
  assert.is(operator.length, 1)
  assert.not.ok(JSON.stringify(records).includes('kim@example.com'))
})

test('a hung upstream call times out as an isError result and is audited; cancel is relayed', async () => {
  const { front, audit, close } = await setup({}, { callTimeoutMs: 50 })
  const { client, close: done } = await connectInMemory(front(), { authInfo: auth() })
  const before = hang.cancelled.count()
  const result = await client.callTool({ name: 'hang', arguments: {} })
  assert.ok(result.isError)
  assert.match(textOf(result as never), /did not answer within 0 s; the call was cancelled/)
  await hang.cancelled.reached(before + 1) // the cancellation reached the upstream tool
  const [record] = await audit.records()
  assert.is(record!.outcome, 'error')
  assert.is(record!.detail, 'upstream_timeout')
  await done()
  await close()
})

test('the client cancelling a call cancels it upstream', async () => {
  const { front, close } = await setup()
  const { client, close: done } = await connectInMemory(front(), { authInfo: auth() })
  const before = { started: hang.started.count(), cancelled: hang.cancelled.count() }
  const controller = new AbortController()
  const pending = client.callTool({ name: 'hang', arguments: {} }, undefined, {
    signal: controller.signal,
  })
  await hang.started.reached(before.started + 1) // the call is running upstream
  controller.abort('stop')
  try {
    await pending
    assert.unreachable()
  } catch {
    // AbortError on the client side
  }
  await hang.cancelled.reached(before.cancelled + 1)
  await done()
  await close()
})

test('issue 9 §1: tools/list, logs and progress through the result policy; a masked name is callable', async () => {
  const { deps, audit } = createTestDeps({ policy: { results: { default: 'redact' } } })
  const EMAIL = 'kim@example.com'
  const PHONE = '010-1234-5678'
  const calls: string[] = []
  const fake: Upstream = {
    name: 'fake',
    kind: 'child',
    state: 'ready',
    tools: [
      {
        name: PHONE,
        title: `by ${EMAIL}`,
        description: PHONE,
        inputSchema: {
          type: 'object',
          properties: { [EMAIL]: { type: 'string', default: EMAIL } },
        },
      },
    ],
    server: undefined,
    failures: 0,
    capabilities: undefined,
    request: () => Promise.reject(new Error('no')),
    inflight: 0,
    start: async () => {},
    call: async (tool, _args, options) => {
      calls.push(tool)
      options?.onlog?.({ level: 'info', logger: EMAIL, data: { [EMAIL]: EMAIL } })
      options?.onprogress?.({ progress: 1, message: `for ${EMAIL}` })
      return { content: [{ type: 'text', text: 'done' }], structuredContent: { [EMAIL]: 1 } }
    },
    close: async () => {},
  }
  const catalog = createCatalog({
    servers: [server('fake')],
    upstreams: new Map([['fake', fake]]),
    requiredScopes: [],
  })
  const front = createFrontServer({ catalog, guard: deps.guard, info: { name: 'g', version: '1' } })
  const { client, close } = await connectInMemory(front, { authInfo: auth() })
  const seenLogs: unknown[] = []
  client.setNotificationHandler(
    (await import('@modelcontextprotocol/sdk/types.js')).LoggingMessageNotificationSchema,
    (n) => void seenLogs.push(n.params),
  )
  const listed = await client.listTools()
  assert.not.ok(JSON.stringify(listed).includes(EMAIL), JSON.stringify(listed))
  assert.not.ok(JSON.stringify(listed).includes('010-1234-5678'))
  assert.is(listed.tools[0]!.name, '[PHONE]')
  const progress: Progress[] = []
  const result = await client.callTool({ name: '[PHONE]', arguments: {} }, undefined, {
    onprogress: (p) => progress.push(p),
  })
  assert.equal(calls, [PHONE], 'routed to the upstream under its own name')
  assert.not.ok(JSON.stringify([result, seenLogs, progress]).includes(EMAIL))
  assert.equal(result.structuredContent, { '[EMAIL]': 1 })
  assert.equal(seenLogs, [{ level: 'info', logger: '[EMAIL]', data: { '[EMAIL]': '[EMAIL]' } }])
  assert.equal(progress, [{ progress: 1, message: 'for [EMAIL]' }])
  const [record] = await audit.records()
  assert.is(record!.tool, '[PHONE]', 'the audit record names the tool as listed')
  await close()
})

test('issue 9 §1: a tool the result policy rejects is withheld from tools/list, the others stay', async () => {
  const { deps, operator } = createTestDeps({ policy: { results: { types: { ssn: 'reject' } } } })
  const fake: Upstream = {
    name: 'fake',
    kind: 'child',
    state: 'ready',
    tools: [
      { name: 'bad', description: 'files 960121-1021413', inputSchema: { type: 'object' } },
      { name: 'good', description: 'fine', inputSchema: { type: 'object' } },
    ],
    server: undefined,
    failures: 0,
    capabilities: undefined,
    request: () => Promise.reject(new Error('no')),
    inflight: 0,
    start: async () => {},
    call: async () => ({ content: [] }),
    close: async () => {},
  }
  const catalog = createCatalog({
    servers: [server('fake')],
    upstreams: new Map([['fake', fake]]),
    requiredScopes: [],
  })
  const front = createFrontServer({
    catalog,
    guard: deps.guard,
    info: { name: 'g', version: '1' },
    onError: (line) => operator.push(line),
  })
  const { client, close } = await connectInMemory(front, { authInfo: auth() })
  const listed = await client.listTools()
  assert.equal(
    listed.tools.map((t) => t.name),
    ['good'],
  )
  await client.listTools()
  assert.equal(operator.length, 1, 'reported once')
  assert.match(operator[0]!, /withheld by the PII policy: it contains ssn/)
  assert.not.ok(operator[0]!.includes('960121'))
  await close()
})

test.run()
