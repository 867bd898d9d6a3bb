// The catalog: allow-lists, scopes per tool, names, change detection, list per scope set.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import { createCatalog } from './catalog.ts'
import type { ServerConfig } from './config.ts'
import type { Upstream } from './upstream/upstream.ts'

const tool = (name: string, extra: Partial<Tool> = {}): Tool => ({
  name,
  inputSchema: { type: 'object' },
  ...extra,
})
const fake = (name: string, tools: Tool[] | undefined) =>
  ({
    name,
    kind: 'child',
    state: 'ready',
    tools,
    call: async () => ({ content: [] }),
  }) as unknown as Upstream & { tools: Tool[] | undefined }
const config = (name: string, extra: Partial<ServerConfig> = {}): ServerConfig => ({
  name,
  kind: 'child',
  args: [],
  env: {},
  scopes: [],
  toolScopes: {},
  callTimeoutMs: 1000,
  ...extra,
})

test('allow-lists, scopes (required + server + tool), renamed listings without task metadata', () => {
  const a = fake('a', [
    tool('echo', { execution: { taskSupport: 'optional' } }),
    tool('secret'),
    tool('x'),
  ])
  const b = fake('b', [tool('echo')])
  const catalog = createCatalog({
    servers: [
      config('a', {
        tools: ['echo', 'secret'],
        scopes: ['a.use'],
        toolScopes: { secret: ['admin'] },
      }),
      config('b'),
    ],
    upstreams: new Map([
      ['a', a],
      ['b', b],
    ]),
    requiredScopes: ['mcp.access'],
  })
  assert.equal(
    catalog.entries().map((e) => [e.name, e.tool, e.scopes]),
    [
      ['a_echo', 'echo', ['mcp.access', 'a.use']],
      ['secret', 'secret', ['mcp.access', 'a.use', 'admin']],
      ['b_echo', 'echo', ['mcp.access']],
    ],
  )
  assert.equal(catalog.get('a_echo')!.listing, { name: 'a_echo', inputSchema: { type: 'object' } })
  assert.equal(
    catalog.listFor(['mcp.access']).map((t) => t.name),
    ['b_echo'],
  )
  assert.equal(
    catalog.listFor(['mcp.access', 'a.use']).map((t) => t.name),
    ['a_echo', 'b_echo'],
  )
  assert.is(
    catalog.listFor(['mcp.access']),
    catalog.listFor(['mcp.access']),
    'cached per scope set',
  )
  assert.equal(catalog.scopes(), ['mcp.access', 'a.use', 'admin'])
})

test('refresh reports a change only when names, scopes or listings change', () => {
  const a = fake('a', undefined)
  const b = fake('b', [tool('echo')])
  const catalog = createCatalog({
    servers: [config('a'), config('b')],
    upstreams: new Map([
      ['a', a],
      ['b', b],
    ]),
    requiredScopes: [],
  })
  assert.equal(
    catalog.entries().map((e) => e.name),
    ['echo'],
  )
  assert.not.ok(catalog.refresh())
  a.tools = [tool('echo')]
  assert.ok(catalog.refresh(), 'a came up: echo is now shared')
  assert.equal(
    catalog.entries().map((e) => e.name),
    ['a_echo', 'b_echo'],
  )
  assert.is(catalog.get('echo'), undefined)
  b.tools = [tool('echo', { description: 'new' })]
  assert.ok(catalog.refresh())
  assert.not.ok(catalog.refresh())
})

test.run()
