// The client credentials grant against the real OAuth2 app (resource, scope, both client auth
// methods, refusals), and the token source's single flight, renewal and error memory.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeTestApp, OTHER_RESOURCE } from '../oauth2/testing.ts'
import type { Discovery } from './discovery.ts'
import { ConnectError } from './errors.ts'
import type { Fetch } from './http.ts'
import { AS, jwtPayload, MCP_URL } from './testing.ts'
import { createTokenSource, requestToken, type AccessToken, type TokenRequest } from './token.ts'

async function oauth2() {
  const as = await makeTestApp({ config: { issuer: AS, defaultResource: MCP_URL } })
  const bodies: string[] = []
  const fetch: Fetch = async (input, init) => {
    const request = new Request(String(input), init)
    bodies.push(await request.clone().text())
    return as.app.request(request)
  }
  return { as, fetch, bodies }
}

const REQUEST: TokenRequest = {
  tokenEndpoint: `${AS}/oauth2/token`,
  authMethod: 'client_secret_basic',
  credentials: { clientId: 'mcp-client', clientSecret: 'secret' },
  resource: MCP_URL,
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.unreachable('expected a ConnectError') as never,
    (error: unknown) => {
      assert.instance(error, ConnectError)
      return error as ConnectError
    },
  )

test('client_secret_basic: the token is for the resource asked for (MCP-A9, RFC 8707)', async () => {
  const { fetch, bodies } = await oauth2()
  const token = await requestToken(REQUEST, { fetch, timeoutMs: 2000, now: () => 42 })
  assert.equal(
    { ...token, value: typeof token.value },
    {
      value: 'string',
      receivedAt: 42,
      expiresIn: 1800,
      scope: 'mcp.access',
    },
  )
  assert.is(jwtPayload(token.value).aud, MCP_URL)
  const sent = new URLSearchParams(bodies[0])
  assert.is(sent.get('resource'), MCP_URL)
  assert.is(sent.get('client_secret'), null, 'Basic: no secret in the body (OA-6)')
})

test('client_secret_post and an explicit scope', async () => {
  const { fetch, bodies } = await oauth2()
  const token = await requestToken(
    { ...REQUEST, authMethod: 'client_secret_post', scope: 'mcp.access' },
    { fetch, timeoutMs: 2000 },
  )
  assert.is(jwtPayload(token.value).scope, 'mcp.access')
  const sent = new URLSearchParams(bodies[0])
  assert.equal([sent.get('client_id'), sent.get('scope')], ['mcp-client', 'mcp.access'])
})

test('wrong secret: ERR_INVALID_CLIENT naming the client and the variables, not the secret', async () => {
  const { fetch } = await oauth2()
  const error = await refusal(
    requestToken(
      { ...REQUEST, credentials: { clientId: 'mcp-client', clientSecret: 'wrong-one' } },
      { fetch, timeoutMs: 2000 },
    ),
  )
  assert.is(error.code, 'ERR_INVALID_CLIENT')
  assert.is(error.status, 401)
  assert.not.ok(error.transient)
  assert.match(error.message, /client "mcp-client" \(invalid_client/)
  assert.match(error.message, /OAUTH2_CLIENT_SECRET/)
  assert.not.ok(error.message.includes('wrong-one'))
})

test('a resource or scope the client may not have: ERR_TOKEN_REFUSED with a hint', async () => {
  const { fetch } = await oauth2()
  const target = await refusal(
    requestToken({ ...REQUEST, resource: OTHER_RESOURCE }, { fetch, timeoutMs: 2000 }),
  )
  assert.is(target.code, 'ERR_TOKEN_REFUSED')
  assert.match(
    target.message,
    /invalid_target.*is client "mcp-client" allowed tokens for https:\/\/api\.example\/mcp\?/,
  )
  const scope = await refusal(
    requestToken({ ...REQUEST, scope: 'audit.read' }, { fetch, timeoutMs: 2000 }),
  )
  assert.match(scope.message, /invalid_scope.*may not have scope "audit\.read"/)
})

test('a 200 that is not a Bearer token response: ERR_TOKEN_RESPONSE', async () => {
  const answer =
    (body: unknown): Fetch =>
    async () =>
      Response.json(body)
  const missing = await refusal(
    requestToken(REQUEST, { fetch: answer({ token_type: 'Bearer' }), timeoutMs: 2000 }),
  )
  assert.is(missing.code, 'ERR_TOKEN_RESPONSE')
  const mac = await refusal(
    requestToken(REQUEST, {
      fetch: answer({ access_token: 'x', token_type: 'MAC' }),
      timeoutMs: 2000,
    }),
  )
  assert.match(mac.message, /issued a MAC token/)
})

const DISCOVERY = {
  issuer: AS,
  tokenEndpoint: `${AS}/oauth2/token`,
  authMethod: 'client_secret_basic',
} as Discovery

test('token source: one request for concurrent callers; renewal at 80%; a failed renewal keeps the valid token', async () => {
  const clock = { now: 0 }
  let issued = 0
  let failNext = false
  const source = createTokenSource({
    discover: async () => DISCOVERY,
    request: async (): Promise<AccessToken> => {
      if (failNext) throw new ConnectError('ERR_AS_UNREACHABLE', 'down')
      await new Promise((r) => setTimeout(r, 5))
      return { value: `t${++issued}`, expiresIn: 100, receivedAt: clock.now }
    },
    now: () => clock.now,
  })
  assert.equal(await Promise.all([source.get(), source.get(), source.get()]), ['t1', 't1', 't1'])
  assert.is(issued, 1)
  clock.now = 79_000
  assert.is(await source.get(), 't1')
  clock.now = 81_000
  assert.is(await source.get(), 't2')
  clock.now = 81_000 + 81_000
  failNext = true
  assert.is(await source.get(), 't2', 'AS down during renewal: the token is still valid')
  clock.now = 81_000 + 101_000
  const expired = await refusal(source.get())
  assert.is(expired.code, 'ERR_AS_UNREACHABLE')
  failNext = false
  assert.is(await source.get(), 't3', 'a transient failure is tried again')
})

test('token source: refresh(rejected) after a 401 gets one new token for all callers', async () => {
  let issued = 0
  const source = createTokenSource({
    discover: async () => DISCOVERY,
    request: async () => ({ value: `t${++issued}`, expiresIn: 1800, receivedAt: 0 }),
  })
  const first = await source.get()
  assert.equal(await Promise.all([source.refresh(first), source.refresh(first)]), ['t2', 't2'])
  assert.is(await source.refresh(first), 't2', 'an older token rejected: the current one is newer')
  assert.is(issued, 2)
})

test('token source: a refusal is remembered (no retry storm against the AS, OA-10)', async () => {
  let calls = 0
  const source = createTokenSource({
    discover: async () => DISCOVERY,
    request: async () => {
      calls++
      throw new ConnectError('ERR_INVALID_CLIENT', 'refused', 401)
    },
  })
  await refusal(source.get())
  await refusal(source.get())
  assert.is(calls, 1)
})

test.run()
