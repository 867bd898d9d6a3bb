import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  DEFAULT_RESOURCE,
  FORM,
  ISSUER,
  makeTestApp,
  OTHER_RESOURCE,
  TEST_JWT_SECRET,
} from '../testing.ts'

const GRANT = 'grant_type=client_credentials'
type Json = Record<string, unknown>

async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json
}

function assertNoStore(res: Response) {
  assert.is(res.headers.get('cache-control'), 'no-store')
  assert.is(res.headers.get('pragma'), 'no-cache')
}

test('OA-12, OA-13, OA-15: success is 200 JSON with access_token, Bearer, expires_in, scope; no refresh token', async () => {
  const t = await makeTestApp()
  const res = await t.post('/oauth2/token', `${GRANT}&scope=mcp.access`, ['mcp-client', 'secret'])
  assert.is(res.status, 200)
  assert.is(res.headers.get('content-type'), 'application/json')
  const body = await json(res)
  assert.equal(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type'])
  assert.is(body.token_type, 'Bearer')
  assert.is(body.expires_in, 1800)
  assert.is(body.scope, 'mcp.access')
  assert.type(body.access_token, 'string')
})

test('OA-14: Cache-Control no-store and Pragma no-cache on success and on errors', async () => {
  const t = await makeTestApp()
  assertNoStore(await t.post('/oauth2/token', GRANT, ['mcp-client', 'secret']))
  assertNoStore(await t.post('/oauth2/token', GRANT, ['mcp-client', 'wrong']))
  assertNoStore(await t.post('/oauth2/token', 'grant_type=password', ['mcp-client', 'secret']))
  assertNoStore(await t.app.request('/oauth2/token'))
})

test('JW-1, JW-2: the token is an at+jwt HS256 JWT with iss, sub, client_id, aud, scope, iat, exp, jti', async () => {
  const t = await makeTestApp({ config: { tokenTtlSeconds: 600 } })
  const jwt = await t.token('mcp-client')
  assert.equal(t.headerOf(jwt), { alg: 'HS256', typ: 'at+jwt' })
  const claims = t.payloadOf(jwt)
  const now = Math.floor(t.clock.now / 1000)
  assert.is(claims.iss, ISSUER)
  assert.is(claims.sub, 'mcp-client')
  assert.is(claims.client_id, 'mcp-client')
  assert.is(claims.aud, DEFAULT_RESOURCE)
  assert.is(claims.scope, 'mcp.access')
  assert.is(claims.iat, now)
  assert.is(claims.exp, now + 600)
  assert.match(String(claims.jti), /^[A-Za-z0-9_-]{22,}$/)
  assert.is.not(t.payloadOf(await t.token('mcp-client')).jti, claims.jti, 'jti is unique')
})

test('expires_in follows TOKEN_TTL_SECONDS', async () => {
  const t = await makeTestApp({ config: { tokenTtlSeconds: 60 } })
  const res = await t.post('/oauth2/token', GRANT, ['mcp-client', 'secret'])
  assert.is((await json(res)).expires_in, 60)
})

test('the token verifies with jose using the same secret, issuer and audience', async () => {
  const { jwtVerify } = await import('jose')
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  const { payload, protectedHeader } = await jwtVerify(
    jwt,
    new TextEncoder().encode(TEST_JWT_SECRET),
    {
      issuer: ISSUER,
      audience: DEFAULT_RESOURCE,
      algorithms: ['HS256'],
      typ: 'at+jwt',
      currentDate: new Date(t.clock.now),
    },
  )
  assert.is(protectedHeader.typ, 'at+jwt')
  assert.is(payload.client_id, 'mcp-client')
})

test('OA-8: client_secret_post authenticates (the seed README curl)', async () => {
  const t = await makeTestApp()
  const res = await t.post(
    '/oauth2/token',
    'grant_type=client_credentials&client_id=mcp-client&client_secret=secret&scope=mcp.access',
  )
  assert.is(res.status, 200)
})

test('OA-8: client credentials in the request URI are invalid_request', async () => {
  const t = await makeTestApp()
  const res = await t.post('/oauth2/token?client_secret=secret', `${GRANT}&client_id=mcp-client`)
  assert.is(res.status, 400)
  assert.is((await json(res)).error, 'invalid_request')
})

test('OA-7: Basic credentials are form-urlencoded before base64', async () => {
  const t = await makeTestApp()
  const encoded = `Basic ${btoa('mcp%2Dclient:s%65cret')}`
  const res = await t.app.request('/oauth2/token', {
    method: 'POST',
    body: GRANT,
    headers: { ...FORM, Authorization: encoded },
  })
  assert.is(res.status, 200)
  const plus = `Basic ${btoa('multi:multi-secret+')}` // "+" is a space after form-decoding
  const bad = await t.app.request('/oauth2/token', {
    method: 'POST',
    body: GRANT,
    headers: { ...FORM, Authorization: plus },
  })
  assert.is(bad.status, 401)
})

test('OA-6: Basic and client_secret in the body together are 400 invalid_request', async () => {
  const t = await makeTestApp()
  const res = await t.post('/oauth2/token', `${GRANT}&client_id=mcp-client&client_secret=secret`, [
    'mcp-client',
    'secret',
  ])
  assert.is(res.status, 400)
  assert.is((await json(res)).error, 'invalid_request')
})

test('OA-17: failed Basic authentication is 401 invalid_client with WWW-Authenticate: Basic', async () => {
  const t = await makeTestApp()
  for (const auth of [
    ['mcp-client', 'wrong'],
    ['nobody', 'secret'],
  ] as Array<[string, string]>) {
    const res = await t.post('/oauth2/token', GRANT, auth)
    assert.is(res.status, 401)
    assert.match(res.headers.get('www-authenticate')!, /^Basic realm="mcp-docker"/)
    assert.equal(await json(res), {
      error: 'invalid_client',
      error_description: 'client authentication failed',
    })
  }
})

test('OA-5, OA-17: wrong post secret, or no secret at all, is 401 invalid_client', async () => {
  const t = await makeTestApp()
  const wrong = await t.post('/oauth2/token', `${GRANT}&client_id=mcp-client&client_secret=nope`)
  assert.is(wrong.status, 401)
  assert.is((await json(wrong)).error, 'invalid_client')
  const none = await t.post('/oauth2/token', `${GRANT}&client_id=mcp-client`)
  assert.is(none.status, 401)
  assert.is((await json(none)).error, 'invalid_client')
  assert.ok(none.headers.get('www-authenticate'))
})

test('OA-2: missing grant_type is invalid_request; another grant is unsupported_grant_type', async () => {
  const t = await makeTestApp()
  const missing = await t.post('/oauth2/token', 'scope=mcp.access', ['mcp-client', 'secret'])
  assert.is(missing.status, 400)
  assert.is((await json(missing)).error, 'invalid_request')
  for (const grant of ['password', 'authorization_code', 'refresh_token', 'CLIENT_CREDENTIALS']) {
    const res = await t.post('/oauth2/token', `grant_type=${grant}`, ['mcp-client', 'secret'])
    assert.is(res.status, 400, grant)
    assert.is((await json(res)).error, 'unsupported_grant_type', grant)
  }
})

test('OA-3: repeated grant_type or scope is invalid_request; empty values count as omitted', async () => {
  const t = await makeTestApp()
  for (const body of [`${GRANT}&${GRANT}`, `${GRANT}&scope=mcp.access&scope=mcp.access`]) {
    const res = await t.post('/oauth2/token', body, ['mcp-client', 'secret'])
    assert.is(res.status, 400, body)
    assert.is((await json(res)).error, 'invalid_request')
  }
  const empty = await t.post('/oauth2/token', `${GRANT}&scope=&resource=&unknown=1`, [
    'mcp-client',
    'secret',
  ])
  assert.is(empty.status, 200)
  assert.is((await json(empty)).scope, 'mcp.access')
})

test('OA-1: GET and other methods on the token endpoint are 405 with Allow: POST', async () => {
  const t = await makeTestApp()
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const res = await t.app.request(
      `/oauth2/token?${GRANT}&client_id=mcp-client&client_secret=secret`,
      { method },
    )
    assert.is(res.status, 405, method)
    assert.is(res.headers.get('allow'), 'POST')
  }
})

test('OA-1: a non-form body is 415, an oversized one 413, both invalid_request', async () => {
  const t = await makeTestApp()
  const jsonBody = await t.app.request('/oauth2/token', {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credentials' }),
    headers: { 'Content-Type': 'application/json' },
  })
  assert.is(jsonBody.status, 415)
  assert.is((await json(jsonBody)).error, 'invalid_request')
  const big = await t.post('/oauth2/token', `${GRANT}&pad=${'x'.repeat(17 * 1024)}`, [
    'mcp-client',
    'secret',
  ])
  assert.is(big.status, 413)
  assert.is((await json(big)).error, 'invalid_request')
})

test('OA-18, OA-19: scope beyond the allowed set or malformed is invalid_scope', async () => {
  const t = await makeTestApp()
  for (const scope of ['admin', 'mcp.access%20admin', 'bad%22quote', 'other']) {
    const res = await t.post('/oauth2/token', `${GRANT}&scope=${scope}`, ['mcp-client', 'secret'])
    assert.is(res.status, 400, scope)
    assert.is((await json(res)).error, 'invalid_scope', scope)
  }
})

test('OA-19: omitted scope → every allowed scope, echoed in the response; a subset is granted as asked', async () => {
  const t = await makeTestApp()
  const all = await json(await t.post('/oauth2/token', GRANT, ['multi', 'multi-secret']))
  assert.is(all.scope, 'mcp.access tools')
  const some = await json(
    await t.post('/oauth2/token', `${GRANT}&scope=tools+tools`, ['multi', 'multi-secret']),
  )
  assert.is(some.scope, 'tools')
  assert.is(t.payloadOf(String(some.access_token)).scope, 'tools')
})

test('OA-22, JW-3: resource sets aud; no resource gives the default resource', async () => {
  const t = await makeTestApp()
  const other = await t.token('multi', `&resource=${encodeURIComponent(OTHER_RESOURCE)}`)
  assert.is(t.payloadOf(other).aud, OTHER_RESOURCE)
  const dflt = await t.token('multi')
  assert.is(t.payloadOf(dflt).aud, DEFAULT_RESOURCE)
  const explicit = await t.token('mcp-client', `&resource=${encodeURIComponent(DEFAULT_RESOURCE)}`)
  assert.is(t.payloadOf(explicit).aud, DEFAULT_RESOURCE)
})

test('OA-20, OA-21: unknown, relative or fragment resources are invalid_target', async () => {
  const t = await makeTestApp()
  for (const resource of [
    OTHER_RESOURCE,
    '/mcp',
    'http://localhost:8080/mcp#x',
    'http://evil.example/mcp',
  ]) {
    const res = await t.post('/oauth2/token', `${GRANT}&resource=${encodeURIComponent(resource)}`, [
      'mcp-client',
      'secret',
    ])
    assert.is(res.status, 400, resource)
    assert.is((await json(res)).error, 'invalid_target', resource)
  }
})

test('OA-23: more than one resource is invalid_target (single-audience tokens only)', async () => {
  const t = await makeTestApp()
  const body = `${GRANT}&resource=${encodeURIComponent(DEFAULT_RESOURCE)}&resource=${encodeURIComponent(OTHER_RESOURCE)}`
  const res = await t.post('/oauth2/token', body, ['multi', 'multi-secret'])
  assert.is(res.status, 400)
  assert.is((await json(res)).error, 'invalid_target')
})

test('OA-22: a client without the default resource must name one', async () => {
  const t = await makeTestApp()
  const res = await t.post('/oauth2/token', GRANT, ['elsewhere', 'elsewhere-secret'])
  assert.is((await json(res)).error, 'invalid_target')
  const ok = await t.token('elsewhere', `&resource=${encodeURIComponent(OTHER_RESOURCE)}`)
  assert.is(t.payloadOf(ok).aud, OTHER_RESOURCE)
})

test('OA-10: repeated failures for one client id from one source → 429 with Retry-After there, even with the right secret', async () => {
  const t = await makeTestApp({
    config: { limits: { authFailuresPerClientSource: 3, authFailureWindowSeconds: 60 } },
  })
  for (let i = 0; i < 3; i++) {
    assert.is((await t.post('/oauth2/token', GRANT, ['mcp-client', 'guess'])).status, 401)
  }
  const limited = await t.post('/oauth2/token', GRANT, ['mcp-client', 'secret'])
  assert.is(limited.status, 429)
  assert.is(limited.headers.get('retry-after'), '60')
  assertNoStore(limited)
  assert.is((await json(limited)).error, 'invalid_client')
  assert.is(
    (await t.post('/oauth2/token', GRANT, ['multi', 'multi-secret'])).status,
    200,
    'other ids unaffected',
  )
  t.clock.now += 60_000
  assert.is(
    (await t.post('/oauth2/token', GRANT, ['mcp-client', 'secret'])).status,
    200,
    'window over',
  )
})

test('OA-10: repeated failures from one address → 429 for every client id from it', async () => {
  const t = await makeTestApp({ config: { limits: { authFailuresPerAddress: 4 } } })
  for (let i = 0; i < 4; i++) await t.post('/oauth2/token', GRANT, [`id-${i}`, 'guess'])
  const res = await t.post('/oauth2/token', GRANT, ['multi', 'multi-secret'])
  assert.is(res.status, 429)
  assert.ok(Number(res.headers.get('retry-after')) > 0)
})

test('OA-10: the client address comes from X-Forwarded-For only when trustProxy is set', async () => {
  const spoofed = await makeTestApp({ config: { limits: { authFailuresPerAddress: 2 } } })
  for (let i = 0; i < 2; i++) {
    await spoofed.post('/oauth2/token', GRANT, [`a${i}`, 'x'], {
      'X-Forwarded-For': `198.51.100.${i}`,
    })
  }
  const blocked = await spoofed.post('/oauth2/token', GRANT, ['mcp-client', 'secret'], {
    'X-Forwarded-For': '198.51.100.99',
  })
  assert.is(blocked.status, 429, 'X-Forwarded-For ignored: same connection address')

  const proxied = await makeTestApp({
    config: { trustProxy: true, limits: { authFailuresPerAddress: 2 } },
  })
  for (let i = 0; i < 2; i++) {
    await proxied.post('/oauth2/token', GRANT, [`a${i}`, 'x'], {
      'X-Forwarded-For': '198.51.100.1',
    })
  }
  const other = await proxied.post('/oauth2/token', GRANT, ['mcp-client', 'secret'], {
    'X-Forwarded-For': '10.0.0.1, 198.51.100.2',
  })
  assert.is(other.status, 200, 'last hop differs')
  const same = await proxied.post('/oauth2/token', GRANT, ['mcp-client', 'secret'], {
    'X-Forwarded-For': '10.0.0.1, 198.51.100.1',
  })
  assert.is(same.status, 429)
})

test('LOG-4: issue and failures are audited with client_id and jti, never the secret or the token', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  await t.post('/oauth2/token', GRANT, ['mcp-client', 'wrong-secret-value'])
  await t.post('/oauth2/token', `${GRANT}&scope=admin`, ['mcp-client', 'secret'])
  const issued = t.events.find((e) => e.event === 'token_issued')!
  assert.is(issued.client_id, 'mcp-client')
  assert.is(issued.jti, t.payloadOf(jwt).jti)
  assert.is(issued.outcome, 'ok')
  const failed = t.events.find((e) => e.event === 'client_auth_failed')!
  assert.is(failed.client_id, 'mcp-client')
  assert.is(failed.outcome, 'denied')
  const scope = t.events.find((e) => e.event === 'token_request_failed')!
  assert.is(scope.detail, 'invalid_scope')
  assert.ok(t.events.every((e) => typeof e.request_id === 'string'))
  const all = JSON.stringify(t.events)
  assert.not.ok(all.includes('wrong-secret-value'))
  assert.not.ok(all.includes(jwt))
  assert.not.ok(all.includes(jwt.split('.')[2]!))
})

test.run()
