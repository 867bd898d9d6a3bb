// Every tool of every tool server advertises input and output schemas that are valid draft-07 JSON
// Schema under Ajv's strict mode, with booleans (never the empty schema `{}`) where a record's
// `additionalProperties` means "anything" (issue: the Inspector's --strict warned on `{}`).
import { Ajv } from 'ajv'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import { createServer as createExampleServer } from '../../servers/example/server.ts'
import { connectTools as connectOAuth2Tools } from '../../servers/oauth2-tools/testing.ts'
import { createServer as createSecurityTools } from '../../servers/security-tools/server.ts'
import { createFakeDetector } from '../pii/policy-fake-detector.ts'
import { toolJsonSchema } from './json-schema.ts'
import { connectInMemory, createTestDeps } from './testing.ts'

/** `tools/list` of each server, through a real SDK client. */
async function everyTool(): Promise<Array<{ server: string; tool: Tool }>> {
  const out: Array<{ server: string; tool: Tool }> = []
  const { deps } = createTestDeps()
  const detector = createFakeDetector()
  const servers = {
    example: () => connectInMemory(createExampleServer(deps)),
    'security-tools': () =>
      connectInMemory(createSecurityTools({ ...deps, detector: () => detector })),
    'oauth2-tools': () => connectOAuth2Tools(),
  }
  for (const [server, connect] of Object.entries(servers)) {
    const { client, close } = await connect()
    try {
      for (const tool of (await client.listTools()).tools) out.push({ server, tool })
    } finally {
      await close()
    }
  }
  return out
}

/** Places where a subschema (or a boolean) was meant but the empty schema `{}` stands. */
function emptySchemas(schema: unknown, path = '#'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => emptySchemas(s, `${path}/${i}`))
  if (typeof schema !== 'object' || schema === null) return []
  const found: string[] = []
  for (const [key, value] of Object.entries(schema)) {
    const here = `${path}/${key}`
    const empty = typeof value === 'object' && value !== null && Object.keys(value).length === 0
    if (key === 'additionalProperties' && empty) found.push(here)
    else found.push(...emptySchemas(value, here))
  }
  return found
}

test('every tool of example, security-tools and oauth2-tools: valid strict draft-07 schemas, no additionalProperties: {}', async () => {
  const tools = await everyTool()
  assert.ok(tools.length >= 12, `expected every tool, got ${tools.length}`)
  assert.ok(tools.some(({ tool }) => tool.name === 'create_oauth2_test_token'))
  const problems: string[] = []
  for (const { server, tool } of tools) {
    const schemas = { inputSchema: tool.inputSchema, outputSchema: tool.outputSchema }
    for (const [side, schema] of Object.entries(schemas)) {
      if (schema === undefined) continue
      const where = `${server}/${tool.name} ${side}`
      const ajv = new Ajv({ strict: true, allErrors: true })
      if (!ajv.validateSchema(schema)) problems.push(`${where}: ${ajv.errorsText(ajv.errors)}`)
      try {
        ajv.compile(schema)
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`)
      }
      for (const at of emptySchemas(schema)) problems.push(`${where}: {} at ${at}`)
    }
  }
  assert.equal(problems, [])
})

test('a record of anything: additionalProperties true, no propertyNames; the schema still validates', () => {
  const json = toolJsonSchema(
    v.object({
      claims: v.record(v.string(), v.unknown()),
      counts: v.record(v.string(), v.number()),
    }),
    'output',
  )
  const properties = json.properties as Record<string, Record<string, unknown>>
  assert.equal(properties.claims, { type: 'object', additionalProperties: true })
  assert.equal(properties.counts, { type: 'object', additionalProperties: { type: 'number' } })
  const check = new Ajv({ strict: true }).compile(json)
  assert.ok(check({ claims: { a: [1] }, counts: { x: 1 } }))
  assert.not.ok(check({ claims: {}, counts: { x: 'one' } }))
})

test('a property named additionalProperties keeps its own schema', () => {
  const json = toolJsonSchema(v.object({ additionalProperties: v.unknown() }), 'input')
  assert.equal((json.properties as Record<string, unknown>).additionalProperties, {})
})

test.run()
