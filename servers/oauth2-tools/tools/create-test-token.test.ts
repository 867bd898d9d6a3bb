import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { textOf } from '../../../shared/mcp/result.ts'
import { createDetector } from '../../../shared/pii/detect.ts'
import type { Fetch } from '../client.ts'
import { connectTools, refusedFetch, type ToolsHarnessOptions } from '../testing.ts'
import { TOKEN_WITHHELD } from './create-test-token.ts'

const JWT = /eyJ[A-Za-z0-9_-]{4,}/

async function issue(args: Record<string, unknown> = {}, options: ToolsHarnessOptions = {}) {
  const tools = await connectTools(options)
  const issued: string[] = []
  const result = (await tools.client.callTool({
    name: 'create_oauth2_test_token',
    arguments: args,
  })) as CallToolResult
  await tools.close()
  for (const event of tools.oauth2.events)
    if (event.event === 'token_issued') issued.push(String(event.jti))
  return { result, out: result.structuredContent as Record<string, any>, tools, issued }
}

test('JW-1/JW-2: token response and claims decoded without verification, the token masked', async () => {
  const { result, out, issued } = await issue()
  assert.not.ok(result.isError, textOf(result))
  assert.is(out.client_id, 'mcp-client')
  assert.is(out.token_endpoint, 'http://localhost:8081/oauth2/token')
  assert.is(out.token_type, 'Bearer')
  assert.is(out.access_token, 'eyJ***')
  assert.is(out.access_token_note, TOKEN_WITHHELD)
  assert.is(out.expires_in, 1800)
  assert.is(out.expires_at, '2030-01-01T12:30:00.000Z', 'the exp claim (the fixture clock)')
  assert.is(out.scope, 'mcp.access')
  assert.is(out.claims.verified, false)
  assert.match(out.claims.note, /without verifying the signature/)
  assert.equal(out.claims.header, { alg: 'HS256', typ: 'at+jwt' })
  const payload = out.claims.payload
  assert.is(payload.client_id, 'mcp-client')
  assert.is(payload.sub, 'mcp-client')
  assert.is(payload.iss, 'http://localhost:8081')
  assert.is(payload.aud, 'http://localhost:8080/mcp')
  assert.is(payload.jti, issued[0])
  assert.not.match(JSON.stringify(result), JWT)
  assert.match(textOf(result), /access_token: eyJ\*\*\* \(withheld\)/)
})

test('the real PII detector: claims pass the default result policy unchanged, no JWT leaves', async () => {
  const { result, out } = await issue({}, { detector: createDetector() })
  assert.not.ok(result.isError, textOf(result))
  assert.is(out.claims.payload.iss, 'http://localhost:8081')
  assert.is(out.claims.payload.client_id, 'mcp-client')
  assert.not.match(JSON.stringify(result), JWT)
})

test('OA-23 scope and resource are passed to the grant; a refusal is an isError result with the OAuth error', async () => {
  const scoped = await issue({ scope: 'mcp.access' })
  assert.is(scoped.out.scope, 'mcp.access')
  const target = await issue({ resource: 'https://api.example/mcp' })
  assert.is(target.result.isError, true)
  assert.match(
    textOf(target.result),
    /the token request was refused: http:\/\/localhost:8081\/oauth2\/token answered HTTP 400 \(invalid_target.*\); the client may not request a token for this resource/,
  )
  const scope = await issue({ scope: 'admin' })
  assert.match(textOf(scope.result), /invalid_scope.*the client may not request this scope/)
})

test('bad arguments name the field', async () => {
  const bad = await issue({ scope: 'a"b' })
  assert.is(bad.result.isError, true)
  assert.match(
    textOf(bad.result),
    /invalid arguments for create_oauth2_test_token: scope: expected space-separated scope tokens/,
  )
  const resource = await issue({ resource: 'relative/path' })
  assert.match(textOf(resource.result), /resource: expected an absolute URI without a fragment/)
  const extra = await issue({ audience: 'x' })
  assert.match(textOf(extra.result), /audience/)
})

test('wrong secret, no credentials, unreachable server: clear isError results', async () => {
  const wrong = await issue({}, { config: { clientSecret: 'not-the-secret' } })
  assert.is(wrong.result.isError, true)
  assert.match(
    textOf(wrong.result),
    /HTTP 401 \(invalid_client.*check OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET/,
  )
  assert.not.ok(textOf(wrong.result).includes('not-the-secret'))
  const none = await issue({}, { config: { clientId: undefined, clientSecret: undefined } })
  assert.match(textOf(none.result), /no OAuth2 client is configured/)
  const down = await issue({}, { fetch: refusedFetch })
  assert.match(textOf(down.result), /cannot reach the OAuth2 server .*connection refused/)
})

test('an opaque (non-JWT) token: no claims, labelled; expiry from expires_in', async () => {
  const fetch: Fetch = async () =>
    new Response(
      JSON.stringify({ access_token: 'opaque-123', token_type: 'Bearer', expires_in: 60 }),
      {
        headers: { 'Content-Type': 'application/json' },
      },
    )
  const { out } = await issue({}, { fetch })
  assert.is(out.access_token, '***')
  assert.is(out.claims.header, undefined)
  assert.match(out.claims.note, /not a JWT/)
  assert.is(out.expires_at, '2030-01-01T12:01:00.000Z')
})

test.run()
