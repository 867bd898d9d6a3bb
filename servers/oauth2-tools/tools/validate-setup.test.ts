import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { textOf } from '../../../shared/mcp/result.ts'
import { connectTools, refusedFetch, type ToolsHarnessOptions } from '../testing.ts'

async function validate(options: ToolsHarnessOptions = {}) {
  const tools = await connectTools(options)
  const result = (await tools.client.callTool({
    name: 'validate_oauth2_setup',
    arguments: {},
  })) as CallToolResult
  await tools.close()
  const out = result.structuredContent as {
    ok: boolean
    summary: string
    steps: Array<{ step: string; status: string; reason: string; duration_ms: number }>
  }
  const statuses = Object.fromEntries(out.steps.map((s) => [s.step, s.status]))
  return { result, out, statuses, tools }
}

test('a working setup: metadata → token → /hello → introspection → revocation all pass', async () => {
  const { result, out, tools } = await validate()
  assert.not.ok(result.isError)
  assert.is(out.ok, true, textOf(result))
  assert.equal(
    out.steps.map((s) => [s.step, s.status]),
    [
      ['metadata', 'pass'],
      ['token', 'pass'],
      ['hello', 'pass'],
      ['introspection', 'pass'],
      ['revocation', 'pass'],
    ],
  )
  assert.ok(out.steps.every((s) => s.duration_ms >= 0))
  assert.match(
    out.steps[1]!.reason,
    /Bearer token for mcp-client, expires in 1800 s, scope mcp.access, typ at\+jwt/,
  )
  assert.match(out.steps[2]!.reason, /HTTP 200, authenticated as mcp-client/)
  assert.match(out.steps[3]!.reason, /active, client_id mcp-client, scope mcp.access/)
  assert.equal(tools.requests, [
    'GET /.well-known/oauth-authorization-server',
    'POST /oauth2/token',
    'GET /hello',
    'POST /oauth2/introspect',
    'POST /oauth2/revoke',
  ])
  // RV-5: the test token is revoked afterwards.
  const revoked = tools.oauth2.events.find((e) => e.event === 'token_revoked')
  assert.ok(revoked, 'a revocation was recorded by the server')
  assert.match(textOf(result), /: all 5 steps passed\n1\. PASS metadata/)
})

test('wrong secret: the token fails with the reason, later steps skipped, not an isError call', async () => {
  const { result, out, statuses } = await validate({ config: { clientSecret: 'wrong' } })
  assert.not.ok(result.isError)
  assert.is(out.ok, false)
  assert.equal(statuses, {
    metadata: 'pass',
    token: 'fail',
    hello: 'skipped',
    introspection: 'skipped',
    revocation: 'skipped',
  })
  assert.match(out.steps[1]!.reason, /invalid_client/)
  assert.match(out.summary, /^1 of 5 steps passed; token failed, hello skipped/)
})

test('MD-2: an issuer mismatch fails the metadata step only', async () => {
  const { statuses, out } = await validate({ config: { issuer: 'https://auth.example' } })
  assert.is(statuses.metadata, 'fail')
  assert.match(
    out.steps[0]!.reason,
    /issuer is "http:\/\/localhost:8081", expected https:\/\/auth\.example/,
  )
  assert.is(statuses.hello, 'pass')
})

test('RS-4 a token without the scope /hello needs: 403 insufficient_scope explained', async () => {
  const { statuses, out } = await validate({
    config: { clientId: 'narrow', clientSecret: 'narrow-secret' },
  })
  assert.is(statuses.token, 'pass')
  assert.is(statuses.hello, 'fail')
  assert.match(out.steps[2]!.reason, /HTTP 403 \(insufficient_scope\): the token lacks the scope/)
  assert.is(statuses.introspection, 'pass')
})

test('unreachable server and production without credentials: failures with reasons', async () => {
  const down = await validate({ fetch: refusedFetch })
  assert.equal(
    [down.statuses.metadata, down.statuses.token, down.statuses.hello],
    ['fail', 'fail', 'skipped'],
  )
  assert.match(down.out.steps[0]!.reason, /cannot reach the OAuth2 server/)
  const none = await validate({
    config: { production: true, clientId: undefined, clientSecret: undefined },
  })
  assert.is(none.statuses.token, 'fail')
  assert.match(none.out.steps[1]!.reason, /no OAuth2 client is configured: set OAUTH2_CLIENT_ID/)
})

test.run()
