// The same tool server behind the SDK's Web-standard Streamable HTTP transport, as the gateway
// mounts it: one server per session, the verified token's AuthInfo passed to handleRequest.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { createToolServer } from './server.ts'
import { createTestDeps } from './testing.ts'
import { defineTool } from './tool.ts'

const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the caller identity the tool sees.',
  input: v.object({ note: v.optional(v.string()) }),
  annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
  handler: (_args, ctx) => ({
    clientId: ctx.identity.clientId ?? null,
    jti: ctx.identity.jti ?? null,
  }),
})

const authInfo: AuthInfo = {
  token: 'opaque-token-never-logged',
  clientId: 'agent-http',
  scopes: ['mcp:tools'],
  expiresAt: Math.floor(Date.now() / 1000) + 300,
  extra: { jti: 'jti-http-1' },
}

const post = (body: unknown, session?: string) =>
  new Request('http://localhost/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      ...(session ? { 'mcp-session-id': session } : {}),
    },
    body: JSON.stringify(body),
  })

test('over Streamable HTTP: identity from authInfo reaches the tool and the audit record', async () => {
  const { deps, audit } = createTestDeps()
  const server = createToolServer({ name: 'http-test', version: '1' }, [whoami], deps)
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    enableJsonResponse: true,
  })
  await server.connect(transport)
  const init = await transport.handleRequest(
    post({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'c', version: '1' },
      },
    }),
    { authInfo },
  )
  assert.is(init.status, 200)
  const session = init.headers.get('mcp-session-id') ?? undefined
  assert.ok(session)
  await transport.handleRequest(
    post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session),
    {
      authInfo,
    },
  )
  const call = await transport.handleRequest(
    post(
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'whoami', arguments: { note: 'mail kim@example.com' } },
      },
      session,
    ),
    { authInfo },
  )
  const body = (await call.json()) as { result: { structuredContent: unknown } }
  assert.equal(body.result.structuredContent, { clientId: 'agent-http', jti: 'jti-http-1' })
  const [record] = await audit.records()
  assert.is(record?.client_id, 'agent-http')
  assert.is(record?.jti, 'jti-http-1')
  assert.is(record?.direction, 'in')
  assert.not.ok((await audit.text()).includes('opaque-token-never-logged'), 'LOG-1')
  await server.close()
})

test.run()
