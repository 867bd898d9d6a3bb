import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { basicAuthorization, createOAuth2Client, endpointsOf, type Fetch } from './client.ts'
import { OAuth2ToolsError } from './errors.ts'
import { DEV_CONFIG, hangingFetch, refusedFetch } from './testing.ts'

const client = (fetch: Fetch, config = {}) =>
  createOAuth2Client({ config: { ...DEV_CONFIG, ...config }, fetch })

async function failure(promise: Promise<unknown>): Promise<OAuth2ToolsError> {
  try {
    await promise
  } catch (error) {
    assert.instance(error, OAuth2ToolsError)
    return error as OAuth2ToolsError
  }
  throw new Error('expected an OAuth2ToolsError')
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })

test('MD-1 endpoints: the well-known suffix goes between host and issuer path (RFC 8414 §3.1)', () => {
  assert.is(
    endpointsOf('http://localhost:8081').metadata,
    'http://localhost:8081/.well-known/oauth-authorization-server',
  )
  const nested = endpointsOf('https://auth.example/tenant')
  assert.is(nested.metadata, 'https://auth.example/.well-known/oauth-authorization-server/tenant')
  assert.is(nested.token, 'https://auth.example/tenant/oauth2/token')
})

test('unreachable: a clear error naming the URL and OAUTH2_URL', async () => {
  const error = await failure(client(refusedFetch).health())
  assert.is(error.code, 'ERR_UNREACHABLE')
  assert.match(
    error.message,
    /cannot reach the OAuth2 server at http:\/\/localhost:8081\/health \(connection refused\)/,
  )
  assert.match(error.message, /OAUTH2_URL=http:\/\/localhost:8081/)
})

test('timeout: every request is bounded by OAUTH2_TIMEOUT_MS', async () => {
  const started = performance.now()
  const error = await failure(client(hangingFetch, { timeoutMs: 100 }).metadata())
  assert.is(error.code, 'ERR_TIMEOUT')
  assert.match(error.message, /no answer from .* within 100 ms/)
  assert.ok(performance.now() - started < 2_000)
  assert.ok(error.ms >= 90, `elapsed ${error.ms}`)
})

test('cancellation by the caller is not reported as a server failure', async () => {
  const controller = new AbortController()
  const pending = client(hangingFetch).health(controller.signal)
  controller.abort(new Error('cancelled by the client'))
  try {
    await pending
    assert.unreachable()
  } catch (error) {
    assert.not.instance(error, OAuth2ToolsError)
  }
})

test('redirects are never followed (credentials would travel along)', async () => {
  const seen: RequestInit[] = []
  const error = await failure(
    client(async (_url, init) => {
      seen.push(init)
      return new Response(null, {
        status: 302,
        headers: { Location: 'https://elsewhere.example/' },
      })
    }).token({}),
  )
  assert.is(seen[0]?.redirect, 'manual')
  assert.is(error.code, 'ERR_REDIRECT')
  assert.match(error.message, /redirect to https:\/\/elsewhere\.example\//)
})

test('bodies over 1 MiB are refused', async () => {
  const big = new Uint8Array(1024 * 1024 + 1).fill(0x20)
  const error = await failure(client(async () => new Response(big)).metadata())
  assert.is(error.code, 'ERR_INVALID_RESPONSE')
  assert.match(error.message, /larger than 1048576 bytes/)
})

test('token refusals carry the OAuth error and a hint; 429 says when to retry', async () => {
  const refused = await failure(
    client(async () =>
      json({ error: 'invalid_client', error_description: 'client authentication failed' }, 401),
    ).token({}),
  )
  assert.is(refused.code, 'ERR_REFUSED')
  assert.is(refused.status, 401)
  assert.match(
    refused.message,
    /HTTP 401 \(invalid_client: client authentication failed\); check OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET/,
  )
  const limited = await failure(
    client(async () => json({ error: 'invalid_client' }, 429, { 'Retry-After': '42' })).token({}),
  )
  assert.match(limited.message, /retry after 42 s/)
  const control = await failure(
    client(async () => json({ error: 'x\n\u0007y'.repeat(100) }, 400)).token({}),
  )
  assert.not.match(control.message, /[\n\u0007]/)
})

test('no credentials: a message saying what to set, no request sent', async () => {
  let sent = 0
  const counting: Fetch = async () => (sent++, json({}))
  const none = client(counting, { clientId: undefined, clientSecret: undefined })
  const error = await failure(none.token({}))
  assert.is(error.code, 'ERR_NO_CREDENTIALS')
  assert.match(error.message, /set OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET/)
  const noSecret = await failure(
    client(counting, { clientId: 'agent-1', clientSecret: undefined }).introspect('t'),
  )
  assert.match(noSecret.message, /no secret is configured for client agent-1/)
  assert.is(sent, 0)
})

test('client_secret_basic form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
  assert.is(basicAuthorization('mcp-client', 'secret'), `Basic ${btoa('mcp-client:secret')}`)
  assert.is(basicAuthorization('a:b', 'p +%'), `Basic ${btoa('a%3Ab:p+%2B%25')}`)
  let request: Request | undefined
  await client(async (url, init) => {
    request = new Request(url, init)
    return json({ access_token: 't', token_type: 'Bearer' })
  }).token({ scope: 'mcp.access', resource: 'http://localhost:8080/mcp' })
  assert.is(request?.headers.get('authorization'), basicAuthorization('mcp-client', 'secret'))
  assert.is(
    await request?.text(),
    'grant_type=client_credentials&scope=mcp.access&resource=http%3A%2F%2Flocalhost%3A8080%2Fmcp',
  )
})

test('malformed answers: metadata not an object, token without access_token, introspection without active', async () => {
  assert.is((await failure(client(async () => json([1])).metadata())).code, 'ERR_INVALID_RESPONSE')
  assert.is(
    (await failure(client(async () => json({ token_type: 'Bearer' })).token({}))).code,
    'ERR_INVALID_RESPONSE',
  )
  assert.is(
    (await failure(client(async () => json({ scope: 'x' })).introspect('t'))).code,
    'ERR_INVALID_RESPONSE',
  )
  assert.is(
    (await failure(client(async () => new Response('<html>')).health())).code,
    'ERR_INVALID_RESPONSE',
  )
})

test.run()
