// connect end to end in process: an SDK Client ↔ in-memory ↔ connect ↔ (app.request fetch) ↔ a
// Streamable HTTP gateway that checks tokens with the real OAuth2 app, serving the conformance
// fixture. Transparency both ways, the session kept, refresh at 80% and after a 401, a new
// session after 404, DELETE at close, clear errors for bad credentials and a missing gateway.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import {
  CallToolResultSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js'
import { createConformanceServer } from '../../test/fixtures/conformance/server.ts'
import type { ConnectConfig } from './config.ts'
import { createConnect, type Connect } from './connect.ts'
import {
  AS,
  ATTACKER,
  GATEWAY,
  jwtPayload,
  makeTestStack,
  MCP_URL,
  type TestGatewayOptions,
} from './testing.ts'

const CONFIG: ConnectConfig = {
  url: MCP_URL,
  scope: undefined,
  timeoutSeconds: 5,
  clientId: 'mcp-client',
  clientSecret: 'secret',
  allowHttp: false,
  issuer: AS,
  allowCrossOriginIssuer: false,
}

async function setup(
  config: Partial<ConnectConfig> = {},
  gateway: Omit<TestGatewayOptions, 'server'> = {},
) {
  const stack = await makeTestStack({ server: createConformanceServer, ...gateway })
  const clock = { now: 1_000_000 }
  const lines: string[] = []
  const [clientSide, bridgeSide] = InMemoryTransport.createLinkedPair()
  const connect: Connect = createConnect(
    { ...CONFIG, ...config },
    { downstream: bridgeSide, fetch: stack.fetch, log: (l) => lines.push(l), now: () => clock.now },
  )
  await connect.start()
  const client = new Client(
    { name: 'connect-test', version: '1.0.0' },
    { capabilities: { elicitation: {} } },
  )
  return { stack, clock, lines, connect, client, clientSide }
}

const mcpRequests = (s: Awaited<ReturnType<typeof setup>>) =>
  s.stack.seen.filter((r) => r.url === MCP_URL)

/** Connects the client and waits until `notifications/initialized` reached the gateway (202). */
async function connected(s: Awaited<ReturnType<typeof setup>>) {
  await s.client.connect(s.clientSide)
  while (!mcpRequests(s).some((r) => r.status === 202)) await new Promise((r) => setTimeout(r, 2))
}

const flow = suite('connect relay')

flow(
  'initialize reaches the gateway and its answer the client; the session and version headers are kept (MCP-T5, MCP-T6)',
  async () => {
    const s = await setup()
    await connected(s)
    assert.equal(s.client.getServerVersion(), { name: 'conformance-fixture', version: '1.0.0' })
    assert.ok(s.client.getServerCapabilities()?.prompts, 'capabilities as the server declared them')
    const tools = (await s.client.listTools()).tools.map((t) => t.name)
    assert.ok(tools.includes('test_simple_text') && tools.includes('json_schema_2020_12_tool'))
    // JSON Schema 2020-12 keywords pass unchanged (transparency).
    const schema = (await s.client.listTools()).tools.find(
      (t) => t.name === 'json_schema_2020_12_tool',
    )!.inputSchema as Record<string, unknown>
    assert.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
    assert.is(schema.additionalProperties, false)

    const requests = mcpRequests(s).filter((r) => r.status !== 401)
    assert.ok(requests.length >= 3)
    assert.ok(
      requests.every((r) => r.authorization?.startsWith('Bearer ')),
      'RS-1: header method',
    )
    const [init, ...later] = requests.filter((r) => r.method === 'POST')
    assert.is(init!.sessionId, null)
    const session = s.stack.sessions.keys().next().value
    assert.ok(later.length >= 2 && later.every((r) => r.sessionId === session))
    assert.ok(later.every((r) => r.protocolVersion === '2025-11-25'))
    // MCP-A9 / RFC 8707: the token was asked for this resource, so its audience is the gateway.
    const token = (await s.connect.tokens.get()) as string
    assert.is(jwtPayload(token).aud, MCP_URL)
    await s.client.close()
  },
)

flow(
  'messages sent before the initialize answer wait for it (no request reaches the gateway without a session)',
  async () => {
    const s = await setup()
    const answers: Array<{ id?: unknown; result?: unknown; error?: unknown }> = []
    s.clientSide.onmessage = (message) => void answers.push(message as (typeof answers)[number])
    await s.clientSide.start()
    // A client that does not wait: initialize, initialized and tools/list back to back.
    await s.clientSide.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'eager', version: '1' },
      },
    })
    await s.clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await s.clientSide.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' })
    while (answers.length < 2) await new Promise((r) => setTimeout(r, 2))
    assert.equal(
      answers.map((a) => [a.id, a.error === undefined]),
      [
        [1, true],
        [2, true],
      ],
    )
    const posts = mcpRequests(s).filter((r) => r.method === 'POST' && r.status !== 401)
    assert.is(posts[0]!.sessionId, null, 'initialize opens the session')
    const session = s.stack.sessions.keys().next().value
    assert.ok(posts.slice(1).every((r) => r.sessionId === session && r.status !== 400))
    await s.connect.close()
  },
)

flow('tools/call with progress and logs, and a server-to-client request over SSE', async () => {
  const s = await setup()
  await connected(s)
  const progress: Progress[] = []
  const result = await s.client.request(
    {
      method: 'tools/call',
      params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'p1' } },
    },
    CallToolResultSchema,
    { onprogress: (p) => progress.push(p) },
  )
  assert.equal(result.content, [{ type: 'text', text: 'Tool with progress executed successfully' }])
  assert.equal(
    progress.map((p) => p.progress),
    [0, 50, 100],
  )

  const logs: unknown[] = []
  s.client.setNotificationHandler(
    LoggingMessageNotificationSchema,
    (n) => void logs.push(n.params.data),
  )
  await s.client.callTool({ name: 'test_tool_with_logging', arguments: {} })
  assert.equal(logs, ['Tool execution started', 'Tool processing data', 'Tool execution completed'])

  let asked: unknown
  s.client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked = request.params.message
    return { action: 'accept', content: { username: 'ann', email: 'ann@example.com' } }
  })
  const elicited = await s.client.callTool({
    name: 'test_elicitation',
    arguments: { message: 'Who?' },
  })
  assert.is(asked, 'Who?')
  assert.match(JSON.stringify(elicited.content), /action=accept.*ann@example.com/)
  await s.client.close()
})

flow('the token is renewed at 80% of its lifetime, before it expires', async () => {
  const s = await setup()
  await connected(s)
  const first = await s.connect.tokens.get()
  s.clock.now += 1800 * 1000 * 0.79
  await s.client.ping()
  assert.is(await s.connect.tokens.get(), first, 'still fresh at 79%')
  s.clock.now += 1800 * 1000 * 0.02
  await s.client.ping()
  const second = await s.connect.tokens.get()
  assert.is.not(second, first)
  assert.is(mcpRequests(s).at(-1)!.authorization, `Bearer ${second}`)
  assert.is(s.lines.filter((l) => l.startsWith('access token obtained')).length, 2)
  await s.client.close()
})

flow('a 401 gets one new token and the request is sent again (RS-4)', async () => {
  const s = await setup()
  await connected(s)
  const first = await s.connect.tokens.get()
  s.stack.revoke(first)
  const result = await s.client.callTool({ name: 'test_simple_text', arguments: {} })
  assert.equal(result.content, [
    { type: 'text', text: 'This is a simple text response for testing.' },
  ])
  const last = mcpRequests(s)
    .filter((r) => r.method === 'POST')
    .slice(-2)
  assert.equal(
    last.map((r) => r.status),
    [401, 200],
  )
  assert.is(last[0]!.authorization, `Bearer ${first}`)
  assert.is.not(last[1]!.authorization, `Bearer ${first}`)
  assert.ok(s.lines.some((l) => l.includes('refused the access token (401)')))
  await s.client.close()
})

flow(
  'a 401 that survives a new token is a JSON-RPC error naming the gateway challenge',
  async () => {
    const s = await setup()
    await connected(s)
    s.stack.refuseEveryToken()
    const before = mcpRequests(s).length
    const error = await s.client.callTool({ name: 'test_simple_text', arguments: {} }).then(
      () => undefined,
      (e: Error) => e,
    )
    assert.match(
      String(error),
      /connect could not deliver tools\/call to the gateway: the gateway refused a new access token \(invalid_token\)/,
    )
    const last = mcpRequests(s)
      .slice(before)
      .filter((r) => r.method === 'POST' && r.status === 401)
    assert.is(last.length, 2, 'one retry only')
    assert.is.not(last[0]!.authorization, last[1]!.authorization)
    await s.client.close()
  },
)

flow(
  'the gateway lost the session (404): a new one is opened and the request goes through',
  async () => {
    const s = await setup()
    await connected(s)
    const before = s.stack.sessions.keys().next().value
    await s.stack.endSessions()
    const result = await s.client.callTool({ name: 'test_simple_text', arguments: {} })
    assert.ok(!result.isError)
    const after = s.stack.sessions.keys().next().value
    assert.ok(after && after !== before)
    assert.ok(s.lines.some((l) => l.includes('ended the session (404); opening a new one')))
    // The replayed initialize was answered to connect, not to the client (one initialize seen by it).
    assert.equal(s.client.getServerVersion()?.name, 'conformance-fixture')
    await s.client.close()
  },
)

flow('closing ends the gateway session with DELETE (MCP-T5)', async () => {
  const s = await setup()
  await connected(s)
  const session = s.stack.sessions.keys().next().value
  await s.connect.close()
  await s.connect.relay.done
  const del = mcpRequests(s).find((r) => r.method === 'DELETE')
  assert.ok(del, 'a DELETE was sent')
  assert.is(del!.sessionId, session)
  assert.equal(s.stack.deleted, [session])
})

flow(
  'wrong secret: the request gets a clear JSON-RPC error, logged, and the AS is asked once',
  async () => {
    const s = await setup({ clientSecret: 'not-the-secret' })
    const error = await s.client.connect(s.clientSide).then(
      () => undefined,
      (e: Error) => e,
    )
    assert.ok(error, 'initialize failed')
    assert.match(error!.message, /refused the credentials of client "mcp-client" \(invalid_client/)
    assert.match(error!.message, /OAUTH2_CLIENT_SECRET/)
    await s.client.ping().catch(() => undefined)
    const tokenRequests = s.stack.seen.filter((r) => r.url.endsWith('/oauth2/token'))
    assert.is(tokenRequests.length, 1, 'invalid_client is not retried (OA-10 lockout)')
    assert.ok(s.lines.some((l) => l.includes('invalid_client')))
    assert.not.ok(s.lines.join('\n').includes('not-the-secret'), 'LOG-1')
    await s.connect.close()
  },
)

flow(
  'the gateway is unreachable: ERR_GATEWAY_UNREACHABLE to the request and on stderr',
  async () => {
    const s = await setup({ url: 'http://localhost:9/mcp' })
    const error = await s.client.connect(s.clientSide).then(
      () => undefined,
      (e: Error) => e,
    )
    assert.match(String(error), /cannot reach the gateway \(ECONNREFUSED\)/)
    assert.ok(s.lines.some((l) => l.includes('cannot reach the gateway')))
    await s.connect.close()
  },
)

flow('nothing logged carries the token or the secret (LOG-1)', async () => {
  const s = await setup()
  await connected(s)
  await s.client.callTool({ name: 'test_simple_text', arguments: {} })
  const token = await s.connect.tokens.get()
  const text = s.lines.join('\n')
  assert.not.ok(text.includes(token))
  assert.not.ok(/\bsecret\b/.test(text), 'the secret as a value (client_secret_basic is fine)')
  await s.client.close()
})

/** Connects the client; resolves to the initialize failure (or undefined when it succeeded). */
const initializeError = (s: Awaited<ReturnType<typeof setup>>) =>
  s.client.connect(s.clientSide).then(
    () => undefined,
    (e: Error) => e,
  )

flow(
  'a gateway that challenges only POST (GET is 405): the initialize 401 leads to its metadata',
  async () => {
    const s = await setup({}, { prmPath: '/meta/mcp-resource', unauthenticatedGet: 405 })
    await connected(s)
    const posts = mcpRequests(s).filter((r) => r.method === 'POST')
    assert.equal(
      posts.slice(0, 2).map((r) => [r.status, r.authorization === null]),
      [
        [401, true],
        [200, false],
      ],
      'initialize without a token (its 401 names the metadata), then with one',
    )
    assert.ok(s.stack.seen.some((r) => r.url === `${GATEWAY}/meta/mcp-resource`))
    assert.ok((await s.client.listTools()).tools.length > 0)
    await s.client.close()
  },
)

flow(
  'only a root resource metadata document, naming the origin (RFC 9728 §3.3): accepted, token for it',
  async () => {
    const s = await setup(
      {},
      {
        challenge: false,
        prmPath: '/.well-known/oauth-protected-resource',
        prm: { resource: GATEWAY },
      },
    )
    const error = await initializeError(s)
    // Discovery went through; the token is asked for the identifier that document names (the
    // origin), which this test client is not registered for: the AS's refusal says so.
    assert.is(s.connect.tokens.discovery?.resource, GATEWAY)
    assert.match(String(error), /invalid_target.*allowed tokens for http:\/\/localhost:8080\?/)
    await s.connect.close()
  },
)

for (const [label, config] of [
  ['no pin', { issuer: undefined }],
  ['the real AS pinned', { issuer: AS }],
] as const)
  flow(
    `§4 a rogue gateway naming an attacker's AS (${label}): initialize refused, the secret never sent`,
    async () => {
      const s = await setup(config, { prm: { authorization_servers: [ATTACKER] } })
      const error = await initializeError(s)
      await s.client.ping().catch(() => undefined)
      assert.equal(s.stack.attackerHits, [], 'the attacker was asked nothing')
      assert.not.ok(s.stack.seen.some((r) => r.authorization?.startsWith('Basic ')))
      const refusal = config.issuer
        ? /the client secret is not sent there/
        : /to send the secret to whichever authorization server the gateway names, add --allow-cross-origin-issuer/
      assert.match(String(error), /connect could not deliver initialize to the gateway/)
      assert.match(String(error), refusal)
      assert.ok(
        s.lines.some((l) => refusal.test(l)),
        'said on stderr too',
      )
      await s.connect.close()
    },
  )

flow.run()
