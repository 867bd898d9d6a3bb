// The pass-through guard: no policy and no audit record per call, the real guard's scrubber.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import { createPassThroughGuard } from './pass-through.ts'
import { createToolServer } from '../server.ts'
import { connectInMemory, createTestDeps } from '../testing.ts'
import { defineTool } from '../tool.ts'
import { textOf } from '../result.ts'

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Returns its text.',
  input: v.object({ text: v.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
  handler: ({ text }, ctx) => {
    ctx.log.info(`echoing ${text}`)
    return { text }
  },
})

test('a mounted server built with it neither applies the policy nor writes a record', async () => {
  const { deps, audit } = createTestDeps({
    policy: { arguments: { default: 'reject' }, results: { default: 'redact' } },
  })
  const server = createToolServer({ name: 's', version: '1' }, [echo], {
    ...deps,
    guard: createPassThroughGuard(deps.guard),
  })
  const { client, close } = await connectInMemory(server)
  const result = await client.callTool({ name: 'echo', arguments: { text: 'kim@example.com' } })
  assert.not.ok(result.isError, 'the real policy would have rejected the arguments')
  assert.equal(result.structuredContent, { text: 'kim@example.com' })
  assert.equal(await audit.records(), [])
  await close()
})

test('scrub and scrubValue are the real guard’s (log notifications stay masked, LOG-2)', async () => {
  const { deps } = createTestDeps()
  const guard = createPassThroughGuard(deps.guard)
  assert.is(guard.scrub('mail kim@example.com'), deps.guard.scrub('mail kim@example.com'))
  assert.not.ok(guard.scrub('mail kim@example.com').includes('kim@example.com'))
  assert.equal(
    guard.scrubValue({ a: ['kim@example.com'] }),
    deps.guard.scrubValue({ a: ['kim@example.com'] }),
  )
  assert.is(guard.policy, deps.guard.policy)
  const server = createToolServer({ name: 's', version: '1' }, [echo], { ...deps, guard })
  const logs: unknown[] = []
  const { client, close } = await connectInMemory(server)
  client.fallbackNotificationHandler = async (n) => void logs.push(n.params)
  const result = await client.callTool({ name: 'echo', arguments: { text: 'lee@example.com' } })
  assert.ok(textOf(result as never).includes('lee@example.com'))
  await new Promise((r) => setTimeout(r, 10))
  assert.ok(
    logs.length === 1 && !JSON.stringify(logs).includes('lee@example.com'),
    JSON.stringify(logs),
  )
  await close()
})

test('complete, completeError and fail change nothing', async () => {
  const { deps } = createTestDeps()
  const call = await createPassThroughGuard(deps.guard).begin({
    tool: 't',
    arguments: undefined,
    identity: {},
  })
  assert.equal(call.arguments, {})
  assert.is(call.rejection, undefined)
  const result = { content: [{ type: 'text' as const, text: 'kim@example.com' }] }
  assert.is(await call.complete(result), result)
  const error = { code: -32000, message: 'kim@example.com' }
  assert.is(await call.completeError(error), error)
  call.fail('x')
})

test.run()
