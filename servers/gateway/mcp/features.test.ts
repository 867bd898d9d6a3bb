// Resources, prompts and completions of two upstreams through the front server, driven by a
// real SDK Client: merged pages behind the gateway's cursor (hostile cursors refused), reads and
// prompts routed to their owner, `<server>_<prompt>` on a clash, completions routed by `ref`,
// the result policy on every answer, scopes hiding a server, one audit record per request.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js'
import { connectInMemory, createTestDeps } from '../../../shared/mcp/testing.ts'
import { createCatalog } from '../catalog.ts'
import type { ServerConfig } from '../config.ts'
import { featureServer } from '../testing/features.ts'
import { UpstreamError } from '../upstream/errors.ts'
import { openInProcess } from '../upstream/in-process.ts'
import { createUpstream, type Upstream } from '../upstream/upstream.ts'
import { createFeatureEvents } from './feature-events.ts'
import { createFrontServer } from './front-server.ts'

const EMAIL = 'kim@example.com'
const server = (name: string, scopes: string[] = []): ServerConfig => ({
  name,
  kind: 'in-process',
  args: [],
  env: {},
  scopes,
  toolScopes: {},
  callTimeoutMs: 60_000,
})
const auth = (scopes = ['mcp.access']): AuthInfo => ({
  token: '',
  clientId: 'agent-1',
  scopes,
  extra: { jti: 'jti-1' },
})

async function setup(options: { secretScheme?: string; scopes?: string[] } = {}) {
  const { deps, audit, operator } = createTestDeps({ policy: {} })
  const servers = [server('one'), server('two'), server('secret', ['admin'])]
  const seen = { lists: 0 }
  const make = {
    one: featureServer('one', 'one', EMAIL, seen),
    two: featureServer('two', 'two'),
    secret: featureServer('secret', options.secretScheme ?? 'hidden'),
  }
  const upstreams = new Map<string, Upstream>()
  const events = createFeatureEvents()
  for (const s of servers) {
    const create = make[s.name as keyof typeof make]
    upstreams.set(
      s.name,
      createUpstream(
        { name: s.name, kind: 'in-process', open: openInProcess(create) },
        {
          onNotification: (upstream, notification) =>
            events.emit(upstream.name, notification as ServerNotification),
        },
      ),
    )
  }
  await Promise.all([...upstreams.values()].map((u) => u.start()))
  const catalog = createCatalog({ servers, upstreams, requiredScopes: ['mcp.access'] })
  const front = () =>
    createFrontServer({
      catalog,
      guard: deps.guard,
      audit: audit.log,
      events,
      info: { name: 'gateway-test', version: '1' },
      onError: (line) => operator.push(line),
    })
  const { client, close } = await connectInMemory(front(), { authInfo: auth(options.scopes) })
  return {
    client,
    audit,
    front,
    seen,
    upstreams,
    second: () => connectInMemory(front(), { authInfo: auth() }),
    sampler: async (tag: string) => {
      const { client, close } = await connectInMemory(front(), {
        authInfo: auth(),
        capabilities: { sampling: {} },
      })
      const asked: string[] = []
      client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
        asked.push(JSON.stringify(request.params.messages))
        await new Promise((r) => setTimeout(r, 30))
        return {
          role: 'assistant' as const,
          content: { type: 'text' as const, text: `${tag} ${EMAIL}` },
          model: 'test',
        }
      })
      return { client, asked, close }
    },
    close: async () => {
      await close()
      await Promise.all([...upstreams.values()].map((u) => u.close()))
    },
  }
}

test('capabilities: the union of the upstreams (resources, prompts, completions)', async () => {
  const { client, close } = await setup()
  const caps = client.getServerCapabilities()!
  assert.ok(caps.resources)
  assert.ok(caps.prompts)
  assert.ok(caps.completions)
  assert.ok(caps.tools)
  await close()
})

test('resources/list: every page of every visible upstream behind the gateway cursor', async () => {
  const { client, close } = await setup()
  const uris: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await client.listResources(cursor ? { cursor } : {})
    uris.push(...page.resources.map((r) => r.uri))
    cursor = page.nextCursor
    pages++
  } while (cursor && pages < 20)
  assert.equal(uris, [
    'one://doc/1',
    'one://doc/2',
    'one://doc/3',
    'two://doc/1',
    'two://doc/2',
    'two://doc/3',
  ])
  assert.ok(pages >= 4, `pages ${pages}`)
  await close()
})

test('resources/list: hostile cursors are refused, never sent to another upstream', async () => {
  const { client, close } = await setup()
  const forged = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  for (const cursor of [
    'not a cursor',
    '%%%',
    'x'.repeat(10_000),
    forged(['secret', null]),
    forged(['nobody', '2']),
    forged({ server: 'one' }),
    forged(['one', 5]),
    '',
  ]) {
    try {
      await client.listResources({ cursor })
      assert.unreachable(`accepted ${cursor.slice(0, 40)}`)
    } catch (error) {
      assert.instance(error, McpError)
      assert.equal((error as McpError).code, -32602)
    }
  }
  await close()
})

test('resources/read and templates: routed to the owner, PII masked, scopes hide a server', async () => {
  const { client, audit, close } = await setup()
  const read = await client.readResource({ uri: 'one://doc/2' })
  const text = JSON.stringify(read)
  assert.ok(text.includes('doc 2 of one'))
  assert.not.ok(text.includes(EMAIL))
  const note = await client.readResource({ uri: 'two://note/42' })
  assert.ok(JSON.stringify(note).includes('note 42 of two'))
  const templates = await client.listResourceTemplates()
  assert.equal(
    templates.resourceTemplates.map((t) => t.uriTemplate),
    ['one://note/{id}'],
  )
  try {
    await client.readResource({ uri: 'hidden://doc/1' })
    assert.unreachable('read a hidden server')
  } catch (error) {
    assert.equal((error as McpError).code, -32002)
  }
  const records = (await audit.records()).filter((r) => r.event === 'mcp_request')
  const reads = records.filter((r) => r.detail?.startsWith('resources/read'))
  assert.equal(reads.length, 2)
  assert.equal(reads[0]!.client_id, 'agent-1')
  assert.equal(reads[0]!.jti, 'jti-1')
  assert.equal(reads[0]!.outcome, 'ok')
  assert.ok(reads[0]!.pii && Object.keys(reads[0]!.pii).length > 0)
  assert.not.ok(JSON.stringify(records).includes(EMAIL))
  await close()
})

test('resources/read: an upstream timeout is an internal error saying so, audited upstream_timeout', async () => {
  const { client, audit, upstreams, close } = await setup()
  const two = upstreams.get('two')!
  const request = two.request.bind(two)
  two.request = async (method, params, options) => {
    if (method !== 'resources/read') return request(method, params, options)
    throw new UpstreamError(
      'ERR_UPSTREAM_TIMEOUT',
      'two',
      'resources/read of server two did not answer',
    )
  }
  try {
    await client.readResource({ uri: 'two://note/42' })
    assert.unreachable('read answered')
  } catch (error) {
    assert.is((error as McpError).code, -32603)
    assert.match((error as McpError).message, /server two could not answer \(timeout\)$/)
  }
  const records = (await audit.records()).filter((r) => r.event === 'mcp_request')
  assert.equal(
    records.filter((r) => r.detail?.startsWith('resources/read')).map((r) => [r.outcome, r.detail]),
    [['error', 'resources/read server=two upstream_timeout']],
  )
  await close()
})

test('prompts: <server>_<prompt> on a clash, get routed, messages masked; completions by ref', async () => {
  const { client, close } = await setup()
  const names = (await client.listPrompts()).prompts.map((p) => p.name).sort()
  assert.equal(names, ['one_greet', 'one_only', 'two_greet', 'two_only'])
  const got = await client.getPrompt({ name: 'one_greet', arguments: { topic: 'x' } })
  const text = JSON.stringify(got)
  assert.ok(text.includes('greet of one: x'))
  assert.not.ok(text.includes(EMAIL))
  const two = await client.getPrompt({ name: 'two_greet', arguments: { topic: 'y' } })
  assert.ok(JSON.stringify(two).includes('greet of two: y'))
  const done = await client.complete({
    ref: { type: 'ref/prompt', name: 'one_only' },
    argument: { name: 'topic', value: 'g' },
  })
  assert.equal(done.completion.values.length, 1)
  assert.not.ok(JSON.stringify(done).includes(EMAIL))
  const ids = await client.complete({
    ref: { type: 'ref/resource', uri: 'two://note/{id}' },
    argument: { name: 'id', value: '' },
  })
  assert.equal(ids.completion.values, ['7', '8', '9'])
  await close()
})

test('resources/subscribe: updates reach the subscribed session only; one upstream subscription', async () => {
  const { client, second, close } = await setup()
  const other = await second()
  const seen = { first: [] as string[], other: [] as string[] }
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    seen.first.push(n.params.uri)
  })
  other.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    seen.other.push(n.params.uri)
  })
  assert.ok(client.getServerCapabilities()?.resources?.subscribe)
  const touch = async () => {
    const result = await client.callTool({ name: 'touch_one', arguments: { uri: 'one://doc/1' } })
    await new Promise((r) => setTimeout(r, 20))
    return JSON.stringify(result.content)
  }
  await client.subscribeResource({ uri: 'one://doc/1' })
  assert.ok((await touch()).includes('sent'))
  assert.equal(seen.first, ['one://doc/1'])
  assert.equal(seen.other, [])
  // Both hold it: one unsubscribing keeps the upstream subscription for the other.
  await other.client.subscribeResource({ uri: 'one://doc/1' })
  await client.unsubscribeResource({ uri: 'one://doc/1' })
  assert.ok((await touch()).includes('sent'))
  assert.equal(seen.first, ['one://doc/1'])
  assert.equal(seen.other, ['one://doc/1'])
  // The last session leaving (closing) ends the upstream subscription.
  await other.close()
  await new Promise((r) => setTimeout(r, 20))
  assert.ok((await touch()).includes('none'))
  await close()
})

test('resources/read: owners remembered per session until a list changes', async () => {
  const { client, seen, close } = await setup()
  await client.readResource({ uri: 'one://doc/1' })
  const after = seen.lists
  for (let i = 0; i < 5; i++) await client.readResource({ uri: 'one://doc/3' })
  assert.is(seen.lists, after, 'no listing per read')
  await close()
})

test('sampling: a request of the upstream reaches the session whose call caused it, guarded', async () => {
  const { client, sampler, audit, close } = await setup()
  const [a, b] = [await sampler('A'), await sampler('B')]
  const ask = async (who: typeof a, question: string) =>
    JSON.stringify(
      (await who.client.callTool({ name: 'ask_one', arguments: { question } })).content,
    )
  const [fromA, fromB] = await Promise.all([ask(a, 'qa'), ask(b, 'qb')])
  assert.ok(fromA.includes('model said: A'), fromA)
  assert.ok(fromB.includes('model said: B'), fromB)
  assert.is(a.asked.length, 1)
  assert.is(b.asked.length, 1)
  assert.ok(a.asked[0]!.includes('qa') && !a.asked[0]!.includes(EMAIL), a.asked[0])
  assert.ok(b.asked[0]!.includes('qb'))
  // A client without sampling: the upstream gets an error at once, the call ends (no hang).
  const plain = await client.callTool({ name: 'ask_one', arguments: { question: 'q' } })
  assert.ok(plain.isError, JSON.stringify(plain))
  const records = (await audit.records()).filter((r) =>
    r.detail?.startsWith('sampling/createMessage'),
  )
  assert.equal(records.map((r) => r.outcome).sort(), ['denied', 'ok', 'ok'])
  await Promise.all([a.close(), b.close()])
  await close()
})

test('elicitation and roots: relayed to the asking session, the message masked', async () => {
  const { front, close } = await setup()
  const { client, close: done } = await connectInMemory(front(), {
    authInfo: auth(),
    capabilities: { elicitation: { form: {} }, roots: {} },
  })
  const messages: string[] = []
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    messages.push(String(request.params.message))
    return { action: 'accept' as const, content: { ok: true } }
  })
  client.setRequestHandler(ListRootsRequestSchema, async () => ({
    roots: [{ uri: 'file:///work', name: 'work' }],
  }))
  const result = await client.callTool({ name: 'confirm_one', arguments: {} })
  assert.equal(
    JSON.stringify(result.content),
    JSON.stringify([{ type: 'text', text: 'accept {"ok":true} 1 roots' }]),
  )
  assert.is(messages.length, 1)
  assert.ok(messages[0]!.startsWith('Confirm for') && !messages[0]!.includes(EMAIL), messages[0])
  await done()
  await close()
})

test('prompts list_changed: relayed to every session, the new prompt usable at once', async () => {
  const { client, second, close } = await setup()
  const other = await second()
  let told = 0
  other.client.setNotificationHandler(PromptListChangedNotificationSchema, () => void told++)
  assert.not.ok((await client.listPrompts()).prompts.some((p) => p.name === 'late'))
  await client.getPrompt({ name: 'one_greet', arguments: { topic: 'x' } }) // fills the cache
  await client.callTool({ name: 'grow_two', arguments: {} })
  await new Promise((r) => setTimeout(r, 20))
  assert.is(told, 1)
  const late = await client.getPrompt({ name: 'late' })
  assert.ok(JSON.stringify(late).includes('late of two'))
  await other.close()
  await close()
})

test('resources: on a URI clash the first server owns it; the later copy is not listed', async () => {
  const { client, close } = await setup({
    secretScheme: 'one',
    scopes: ['mcp.access', 'admin'],
  })
  const uris: string[] = []
  let cursor: string | undefined
  do {
    const page = await client.listResources(cursor ? { cursor } : {})
    uris.push(...page.resources.map((r) => r.uri))
    cursor = page.nextCursor
  } while (cursor)
  assert.equal(uris.filter((u) => u === 'one://doc/1').length, 1, uris.join(' '))
  assert.is(uris.length, 6)
  const read = await client.readResource({ uri: 'one://doc/1' })
  assert.ok(JSON.stringify(read).includes('doc 1 of one'))
  await close()
})

test.run()
