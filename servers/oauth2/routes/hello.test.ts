import { SignJWT } from 'jose'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  DEFAULT_RESOURCE,
  ISSUER,
  makeTestApp,
  OTHER_RESOURCE,
  TEST_JWT_SECRET,
} from '../testing.ts'

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })
const secret = new TextEncoder().encode(TEST_JWT_SECRET)

async function forge(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header })
    .sign(secret)
}

test('RS-1: a valid token with mcp.access gets the seed greeting', async () => {
  const t = await makeTestApp()
  const res = await t.app.request('/hello', bearer(await t.token('mcp-client')))
  assert.is(res.status, 200)
  const body = (await res.json()) as Record<string, unknown>
  assert.equal(body, {
    message: 'Hello from MCP OAuth2 Demo!',
    authenticated_client: 'mcp-client',
    timestamp: new Date(t.clock.now).toISOString(),
  })
})

test('RS-3: no credentials → 401 with a Bearer challenge and no error code', async () => {
  const t = await makeTestApp()
  const res = await t.app.request('/hello')
  assert.is(res.status, 401)
  const challenge = res.headers.get('www-authenticate')!
  assert.match(challenge, /^Bearer realm="mcp-docker"/)
  assert.not.match(challenge, /error=/)
  assert.match(challenge, /scope="mcp.access"/)
})

test('RS-4, JW-4: bad signature, wrong aud, wrong iss, expired, wrong typ → 401 invalid_token', async () => {
  const t = await makeTestApp()
  const now = Math.floor(t.clock.now / 1000)
  const base = {
    iss: ISSUER,
    sub: 'c',
    client_id: 'c',
    aud: DEFAULT_RESOURCE,
    scope: 'mcp.access',
    iat: now,
    exp: now + 60,
    jti: 'j1',
  }
  const good = await forge(base)
  assert.is(
    (await t.app.request('/hello', bearer(good))).status,
    200,
    'the forged baseline is valid',
  )
  const cases: Record<string, string> = {
    signature: good.slice(0, -3) + (good.endsWith('AAA') ? 'BBB' : 'AAA'),
    audience: await forge({ ...base, aud: OTHER_RESOURCE, jti: 'j2' }),
    issuer: await forge({ ...base, iss: 'http://evil.example', jti: 'j3' }),
    expired: await forge({ ...base, exp: now - 120, iat: now - 300, jti: 'j4' }),
    typ: await forge({ ...base, jti: 'j5' }, { typ: 'JWT' }),
    garbage: 'not-a-jwt',
    alg_none: `${btoa(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).replace(/=/g, '')}.${btoa(JSON.stringify(base)).replace(/=/g, '')}.`,
  }
  for (const [name, token] of Object.entries(cases)) {
    const res = await t.app.request('/hello', bearer(token))
    assert.is(res.status, 401, name)
    assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"/, name)
  }
})

test('JW-9: a token expires at exp (+30 s leeway), also when cached', async () => {
  const t = await makeTestApp({ config: { tokenTtlSeconds: 60 } })
  const jwt = await t.token('mcp-client')
  assert.is((await t.app.request('/hello', bearer(jwt))).status, 200)
  t.clock.now += 89_000
  assert.is((await t.app.request('/hello', bearer(jwt))).status, 200, 'within leeway')
  t.clock.now += 2_000
  assert.is((await t.app.request('/hello', bearer(jwt))).status, 401, 'cached entry expired too')
})

test('RS-5: a valid token without mcp.access → 403 insufficient_scope with scope=', async () => {
  const t = await makeTestApp()
  const res = await t.app.request('/hello', bearer(await t.token('narrow')))
  assert.is(res.status, 403)
  const challenge = res.headers.get('www-authenticate')!
  assert.match(challenge, /error="insufficient_scope"/)
  assert.match(challenge, /scope="mcp.access"/)
})

test('RS-6: malformed Authorization → 400 invalid_request; token in the query → 400', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  assert.is(
    (await t.app.request('/hello', { headers: { Authorization: 'Bearer a b' } })).status,
    400,
  )
  assert.is((await t.app.request(`/hello?access_token=${jwt}`)).status, 400)
})

test('LOG-4: invalid_token and insufficient_scope at /hello are audited; no-credential probes are not', async () => {
  const t = await makeTestApp()
  await t.app.request('/hello')
  await t.app.request('/hello', bearer('garbage'))
  const narrow = await t.token('narrow')
  await t.app.request('/hello', bearer(narrow))
  const rejected = t.events.filter((e) => e.event === 'token_rejected')
  assert.equal(
    rejected.map((e) => e.detail),
    ['hello: invalid_token', 'hello: insufficient_scope'],
  )
  assert.is(rejected[1]!.client_id, 'narrow')
  assert.is(rejected[1]!.jti, t.payloadOf(narrow).jti)
})

test.run()
