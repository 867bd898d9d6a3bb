import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { textOf } from '../../../shared/mcp/result.ts'
import { connectInMemory, createTestDeps } from '../../../shared/mcp/testing.ts'
import { createServer } from '../server.ts'

async function add(args: Record<string, unknown>) {
  const { deps, audit } = createTestDeps()
  const { client, close } = await connectInMemory(createServer(deps))
  const result = (await client.callTool({ name: 'add', arguments: args })) as CallToolResult
  await close()
  return { result, records: await audit.records() }
}

test('add returns the sum', async () => {
  const { result, records } = await add({ a: 2, b: 40 })
  assert.equal(result.structuredContent, { sum: 42 })
  assert.is(textOf(result), '42')
  assert.is(records[0]?.param_count, 2)
})

test('bad arguments name each field', async () => {
  const { result } = await add({ a: '2' })
  assert.is(result.isError, true)
  assert.is(textOf(result), 'invalid arguments for add: a: expected number; b: required')
})

test('an unrepresentable sum is a ToolError with our message', async () => {
  const { result, records } = await add({ a: Number.MAX_VALUE, b: Number.MAX_VALUE })
  assert.is(result.isError, true)
  assert.is(textOf(result), 'the sum is too large to represent')
  assert.is(records[0]?.detail, 'tool_error')
})

test.run()
