import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import {
  LoggingMessageNotificationSchema,
  McpError,
  type CallToolResult,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js'
import { createFakeDetector } from '../pii/policy-fake-detector.ts'
import { ToolError } from './errors.ts'
import { createGuard } from './guard/guard.ts'
import { createDeferredGuard } from './guard/deferred.ts'
import { DEFAULT_SECURITY_POLICY, parseSecurityPolicy } from './policy-config.ts'
import { textOf } from './result.ts'
import { createToolServer } from './server.ts'
import { connectInMemory, createTestAudit } from './testing.ts'
import { defineTool } from './tool.ts'

const EMAIL = 'kim.chulsoo@example.com'
const annotations = { readOnlyHint: true, destructiveHint: false, openWorldHint: false }

let handlerRuns = 0
const lookup = defineTool({
  name: 'lookup',
  title: 'Look up',
  description: 'Finds a user by e-mail.',
  input: v.strictObject({ email: v.string() }),
  output: v.strictObject({ email: v.string(), caller: v.nullable(v.string()) }),
  annotations,
  handler: async ({ email }, ctx) => {
    handlerRuns++
    ctx.log.debug('debug line')
    ctx.log.info(`looking up ${email}`, { email })
    await ctx.progress(1, 2, `half way for ${email}`)
    await ctx.progress(1, 2) // not increasing: dropped
    await ctx.progress(2, 2)
    return { email, caller: ctx.identity.clientId ?? null }
  },
})
const broken = defineTool({
  name: 'broken',
  title: 'Broken',
  description: 'Throws.',
  input: v.object({}),
  annotations,
  handler: () => {
    throw new Error(`db down while reading ${EMAIL}`)
  },
})
const picky = defineTool({
  name: 'picky',
  title: 'Picky',
  description: 'Fails on purpose.',
  input: v.object({}),
  annotations,
  handler: () => {
    throw new ToolError(`no record for ${EMAIL}`)
  },
})

function setup(policy: unknown = {}) {
  const audit = createTestAudit()
  const operator: string[] = []
  const guard = createGuard({
    detector: createFakeDetector(),
    policy: parseSecurityPolicy(policy),
    audit: audit.log,
  })
  const server = createToolServer(
    { name: 'test-server', version: '1.2.3', title: 'Test', instructions: 'Use lookup.' },
    [lookup, broken, picky],
    { guard, onError: (line) => operator.push(line) },
  )
  return { server, audit, operator }
}

test('initialize: server info, instructions, tools (listChanged false) and logging capabilities', async () => {
  const { server } = setup()
  const { client, close } = await connectInMemory(server)
  assert.equal(client.getServerVersion(), { name: 'test-server', version: '1.2.3', title: 'Test' })
  assert.is(client.getInstructions(), 'Use lookup.')
  assert.equal(client.getServerCapabilities(), { tools: { listChanged: false }, logging: {} })
  await close()
})

test('tools/list: every tool with JSON Schemas and annotations', async () => {
  const { server } = setup()
  const { client, close } = await connectInMemory(server)
  const { tools } = await client.listTools()
  assert.equal(
    tools.map((t) => t.name),
    ['lookup', 'broken', 'picky'],
  )
  assert.equal(tools[0]?.inputSchema.required, ['email'])
  assert.is(tools[0]?.outputSchema?.type, 'object')
  assert.equal(tools[0]?.annotations, { title: 'Look up', ...annotations })
  await close()
})

test('tools/call over a real client: guard both ways, identity from authInfo, one audit record', async () => {
  handlerRuns = 0
  const { server, audit } = setup()
  const { client, close } = await connectInMemory(server, {
    authInfo: {
      token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl',
      clientId: 'agent-7',
      scopes: ['mcp:tools'],
      extra: { jti: 'jti-123' },
    },
  })
  const result = (await client.callTool({
    name: 'lookup',
    arguments: { email: EMAIL },
  })) as CallToolResult
  assert.is(handlerRuns, 1)
  assert.equal(result.structuredContent, { email: 'kim***@example.com', caller: 'agent-7' })
  const [record] = await audit.records()
  assert.is(record?.client_id, 'agent-7')
  assert.is(record?.jti, 'jti-123')
  assert.is(record?.outcome, 'ok')
  const text = await audit.text()
  assert.not.ok(text.includes(EMAIL) || text.includes('eyJhbGci'), 'no value and no token (LOG-1)')
  await close()
})

test('unknown tool: JSON-RPC error -32602 (MCP tools, error handling)', async () => {
  const { server } = setup()
  const { client, close } = await connectInMemory(server)
  try {
    await client.callTool({ name: 'nope', arguments: {} })
    assert.unreachable('expected an error')
  } catch (error) {
    assert.instance(error, McpError)
    assert.is((error as McpError).code, -32602)
  }
  await close()
})

test('bad arguments name the field; the handler does not run', async () => {
  handlerRuns = 0
  const { server, audit } = setup()
  const { client, close } = await connectInMemory(server)
  const result = (await client.callTool({
    name: 'lookup',
    arguments: { mail: EMAIL },
  })) as CallToolResult
  assert.is(result.isError, true)
  assert.is(textOf(result), 'invalid arguments for lookup: email: required; mail: unknown field')
  assert.is(handlerRuns, 0)
  const [record] = await audit.records()
  assert.is(record?.outcome, 'error')
  assert.ok(record?.detail?.startsWith('invalid_arguments'))
  await close()
})

test('a thrown exception: our message and an error id to the client, masked details to the operator', async () => {
  const { server, audit, operator } = setup()
  const { client, close } = await connectInMemory(server)
  const result = (await client.callTool({ name: 'broken', arguments: {} })) as CallToolResult
  const id = /^internal error in tool broken \(error id ([0-9a-f]{12})\)$/.exec(textOf(result))?.[1]
  assert.ok(id, textOf(result))
  assert.is(operator.length, 1)
  assert.ok(operator[0]?.includes(id!))
  assert.ok(operator[0]?.includes('db down'), 'the operator sees what failed')
  assert.not.ok(operator[0]?.includes(EMAIL), 'but not the PII (LOG-2)')
  const [record] = await audit.records()
  assert.is(record?.detail, `internal_error error_id=${id}`)
  await close()
})

test('a ToolError message is sent, after the result policy', async () => {
  const { server } = setup()
  const { client, close } = await connectInMemory(server)
  const result = (await client.callTool({ name: 'picky', arguments: {} })) as CallToolResult
  assert.is(textOf(result), 'no record for kim***@example.com')
  assert.is(result.isError, true)
  await close()
})

test('reject policy over the client: isError naming the types, handler not run', async () => {
  handlerRuns = 0
  const { server } = setup({ arguments: { types: { email: 'reject' } } })
  const { client, close } = await connectInMemory(server)
  const result = (await client.callTool({
    name: 'lookup',
    arguments: { email: EMAIL },
  })) as CallToolResult
  assert.is(handlerRuns, 0)
  assert.is(result.isError, true)
  assert.match(textOf(result), /arguments contain email/)
  await close()
})

test('logging notifications (masked, level-filtered) and progress notifications', async () => {
  const { server } = setup()
  const { client, close } = await connectInMemory(server)
  const logs: LoggingMessageNotification['params'][] = []
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params))
  const progress: Array<{ progress: number; total?: number; message?: string }> = []
  await client.callTool({ name: 'lookup', arguments: { email: EMAIL } }, undefined, {
    onprogress: (p) => void progress.push(p),
  })
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(logs, [
    {
      level: 'info',
      logger: 'lookup',
      data: { message: 'looking up [EMAIL]', data: { email: '[EMAIL]' } },
    },
  ])
  assert.equal(progress, [
    { progress: 1, total: 2, message: 'half way for [EMAIL]' },
    { progress: 2, total: 2 },
  ])
  // logging/setLevel lowers the threshold.
  await client.setLoggingLevel('debug')
  logs.length = 0
  await client.callTool({ name: 'lookup', arguments: { email: 'a@b.co' } })
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(
    logs.map((l) => l.level),
    ['debug', 'info'],
  )
  await close()
})

test('no guard, no call: a guard that cannot start refuses the call (fail closed)', async () => {
  handlerRuns = 0
  const operator: string[] = []
  const guard = createDeferredGuard(DEFAULT_SECURITY_POLICY, () =>
    Promise.reject(new Error('policy names an unknown type')),
  )
  const server = createToolServer({ name: 'x', version: '1' }, [lookup], {
    guard,
    onError: (line) => void operator.push(line),
  })
  const { client, close } = await connectInMemory(server)
  const result = (await client.callTool({
    name: 'lookup',
    arguments: { email: EMAIL },
  })) as CallToolResult
  assert.is(handlerRuns, 0)
  assert.is(result.isError, true)
  assert.match(
    textOf(result),
    /^tool call refused: the security guard is not available \(error id [0-9a-f]{12}\)$/,
  )
  assert.is(operator.length, 1)
  await close()
})

test('two tools with one name are refused', () => {
  const guard = createGuard({ detector: createFakeDetector(), audit: createTestAudit().log })
  assert.throws(
    () => createToolServer({ name: 'x', version: '1' }, [picky, picky], { guard }),
    /two tools are named picky/,
  )
})

test.run()
