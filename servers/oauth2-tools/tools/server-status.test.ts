import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { textOf } from '../../../shared/mcp/result.ts'
import type { Fetch } from '../client.ts'
import { connectTools, hangingFetch, refusedFetch, type ToolsHarnessOptions } from '../testing.ts'

async function status(options: ToolsHarnessOptions = {}) {
  const tools = await connectTools(options)
  const result = (await tools.client.callTool({
    name: 'get_oauth2_server_status',
    arguments: {},
  })) as CallToolResult
  await tools.close()
  return {
    result,
    status: result.structuredContent as Record<string, any>,
    records: await tools.audit.records(),
    requests: tools.requests,
  }
}

test('MD-1/MD-5 healthy server: issuer, endpoints, grant types, auth methods, latencies', async () => {
  const { result, status: s, records, requests } = await status()
  assert.not.ok(result.isError)
  assert.is(s.url, 'http://localhost:8081')
  assert.is(s.reachable, true)
  assert.is(s.healthy, true)
  assert.is(s.health.http_status, 200)
  assert.is(s.metadata.http_status, 200)
  assert.ok(s.health.latency_ms >= 0 && s.metadata.latency_ms >= 0)
  assert.is(s.issuer, 'http://localhost:8081')
  assert.is(s.issuer_matches, true)
  assert.equal(s.endpoints, {
    token: 'http://localhost:8081/oauth2/token',
    introspection: 'http://localhost:8081/oauth2/introspect',
    revocation: 'http://localhost:8081/oauth2/revoke',
    authorization: 'http://localhost:8081/oauth2/authorize',
  })
  assert.equal(s.grant_types, ['client_credentials'])
  assert.equal(s.auth_methods, ['client_secret_basic', 'client_secret_post'])
  assert.ok(s.scopes.includes('mcp.access'))
  assert.equal(s.problems, [])
  assert.equal(requests.sort(), ['GET /.well-known/oauth-authorization-server', 'GET /health'])
  assert.match(
    textOf(result),
    /^OAuth2 server at http:\/\/localhost:8081: healthy\n {2}health {4}HTTP 200 in/,
  )
  assert.is(records.length, 1)
  assert.is(records[0]?.tool, 'get_oauth2_server_status')
  assert.is(records[0]?.outcome, 'ok')
})

test('unreachable: reported as a status with a clear error, not a failed call', async () => {
  const { result, status: s } = await status({ fetch: refusedFetch })
  assert.not.ok(result.isError)
  assert.is(s.reachable, false)
  assert.is(s.healthy, false)
  assert.is(s.health.ok, false)
  assert.is(s.health.http_status, undefined)
  assert.match(
    s.health.error,
    /cannot reach the OAuth2 server at http:\/\/localhost:8081\/health \(connection refused\)/,
  )
  assert.is(s.problems.length, 2)
  assert.match(textOf(result), /: unreachable\n/)
})

test('timeout: a server that never answers is reported within the configured limit', async () => {
  const started = performance.now()
  const { status: s } = await status({ fetch: hangingFetch, config: { timeoutMs: 150 } })
  assert.ok(performance.now() - started < 2_000)
  assert.match(s.metadata.error, /within 150 ms/)
})

test('MD-2: an issuer other than OAUTH2_ISSUER is a problem (RFC 8414 §3.3)', async () => {
  const { status: s } = await status({ config: { issuer: 'https://auth.example' } })
  assert.is(s.healthy, true)
  assert.is(s.issuer_matches, false)
  assert.match(s.problems[0], /issuer http:\/\/localhost:8081 is not https:\/\/auth\.example/)
})

test('reachable but not healthy: /health failing while the metadata answers', async () => {
  const tools = await connectTools()
  const fetch: Fetch = async (input, init) =>
    new URL(input).pathname === '/health'
      ? new Response('{"status":"down"}', { status: 503 })
      : tools.oauth2.app.request(input, init)
  await tools.close()
  const { result, status: s } = await status({ fetch })
  assert.is(s.reachable, true)
  assert.is(s.healthy, false)
  assert.is(s.health.http_status, 503)
  assert.match(s.health.error, /the health check failed: .* answered HTTP 503/)
  assert.match(textOf(result), /reachable but not healthy/)
})

test.run()
