import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_RESOURCE, ISSUER, makeTestApp, OTHER_RESOURCE } from '../testing.ts'

type Json = Record<string, unknown>
const introspect = (
  t: Awaited<ReturnType<typeof makeTestApp>>,
  token: string,
  as: [string, string],
) => t.post('/oauth2/introspect', `token=${encodeURIComponent(token)}`, as)

test('IN-3: an active token of the caller gives active:true with the RFC 7662 members', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  const res = await introspect(t, jwt, ['mcp-client', 'secret'])
  assert.is(res.status, 200)
  assert.is(res.headers.get('cache-control'), 'no-store')
  const body = (await res.json()) as Json
  const claims = t.payloadOf(jwt)
  assert.equal(body, {
    active: true,
    scope: 'mcp.access',
    client_id: 'mcp-client',
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    sub: 'mcp-client',
    aud: DEFAULT_RESOURCE,
    iss: ISSUER,
    jti: claims.jti,
  })
})

test('IN-4: unknown, malformed, expired, foreign-signed or revoked tokens give exactly {"active": false}', async () => {
  const t = await makeTestApp()
  const other = await makeTestApp({ config: { issuer: 'http://other.example' } })
  const jwt = await t.token('mcp-client')
  const foreign = await other.token('mcp-client')
  const tampered = jwt.slice(0, -4) + (jwt.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  for (const token of ['nonsense', 'a.b.c', tampered, foreign]) {
    const res = await introspect(t, token, ['mcp-client', 'secret'])
    assert.is(res.status, 200)
    assert.equal(await res.json(), { active: false }, token)
  }
  const revoke = await t.post('/oauth2/revoke', `token=${jwt}`, ['mcp-client', 'secret'])
  assert.is(revoke.status, 200)
  assert.equal(await (await introspect(t, jwt, ['mcp-client', 'secret'])).json(), { active: false })
  const fresh = await t.token('mcp-client')
  t.clock.now += (1800 + 31) * 1000 // past exp + 30 s leeway
  assert.equal(await (await introspect(t, fresh, ['mcp-client', 'secret'])).json(), {
    active: false,
  })
})

test('IN-6: a caller sees tokens issued to it, or for an audience it is registered for; others are inactive', async () => {
  const t = await makeTestApp()
  const forDefault = await t.token('mcp-client')
  const forOther = await t.token('multi', `&resource=${encodeURIComponent(OTHER_RESOURCE)}`)
  // multi is registered for both audiences: sees both
  assert.is(
    ((await (await introspect(t, forDefault, ['multi', 'multi-secret'])).json()) as Json).active,
    true,
  )
  // elsewhere is registered for OTHER_RESOURCE only: cannot see the default-audience token
  assert.equal(await (await introspect(t, forDefault, ['elsewhere', 'elsewhere-secret'])).json(), {
    active: false,
  })
  assert.is(
    ((await (await introspect(t, forOther, ['elsewhere', 'elsewhere-secret'])).json()) as Json)
      .active,
    true,
  )
  // narrow (default audience only) cannot see a token for OTHER_RESOURCE
  assert.equal(await (await introspect(t, forOther, ['narrow', 'narrow-secret'])).json(), {
    active: false,
  })
})

test('IN-2, IN-5: the caller must authenticate; bad credentials are 401 invalid_client', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  const anonymous = await t.post('/oauth2/introspect', `token=${jwt}`)
  assert.is(anonymous.status, 401)
  assert.is(((await anonymous.json()) as Json).error, 'invalid_client')
  const wrong = await introspect(t, jwt, ['mcp-client', 'nope'])
  assert.is(wrong.status, 401)
  assert.match(wrong.headers.get('www-authenticate')!, /^Basic /)
})

test('IN-1: token is required; GET is refused; unknown hints are ignored; repeats are invalid_request', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  const missing = await t.post('/oauth2/introspect', 'token_type_hint=access_token', [
    'mcp-client',
    'secret',
  ])
  assert.is(missing.status, 400)
  assert.is(((await missing.json()) as Json).error, 'invalid_request')
  const hinted = await t.post('/oauth2/introspect', `token=${jwt}&token_type_hint=refresh_token`, [
    'mcp-client',
    'secret',
  ])
  assert.is(((await hinted.json()) as Json).active, true)
  const repeated = await t.post('/oauth2/introspect', `token=${jwt}&token=${jwt}`, [
    'mcp-client',
    'secret',
  ])
  assert.is(repeated.status, 400)
  const get = await t.app.request(`/oauth2/introspect?token=${jwt}`)
  assert.is(get.status, 405)
})

test('LOG-4: introspection is audited with the caller and the token jti, never the token', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  await introspect(t, jwt, ['multi', 'multi-secret'])
  const event = t.events.find((e) => e.event === 'token_introspected')!
  assert.is(event.client_id, 'multi')
  assert.is(event.jti, t.payloadOf(jwt).jti)
  assert.is(event.detail, 'active=true')
  assert.not.ok(JSON.stringify(t.events).includes(jwt))
})

test.run()
