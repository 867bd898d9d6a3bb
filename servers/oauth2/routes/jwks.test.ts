import { createLocalJWKSet, jwtVerify } from 'jose'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateEs256Key } from '../../../shared/jwt/keys.ts'
import { DEFAULT_RESOURCE, ISSUER, makeTestApp } from '../testing.ts'

test('ES256: /.well-known/jwks.json publishes the public key only and it verifies issued tokens', async () => {
  const { key } = await generateEs256Key()
  const t = await makeTestApp({ key })
  const res = await t.app.request('/.well-known/jwks.json')
  assert.is(res.status, 200)
  const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> }
  assert.is(jwks.keys.length, 1)
  assert.not.ok('d' in jwks.keys[0]!, 'no private member')
  const jwt = await t.token('mcp-client')
  assert.equal(t.headerOf(jwt), { alg: 'ES256', typ: 'at+jwt', kid: jwks.keys[0]!.kid })
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks as never), {
    issuer: ISSUER,
    audience: DEFAULT_RESOURCE,
    currentDate: new Date(t.clock.now),
  })
  assert.is(payload.client_id, 'mcp-client')
  const hello = await t.app.request('/hello', { headers: { Authorization: `Bearer ${jwt}` } })
  assert.is(hello.status, 200)
})

test('HS256: there is no JWKS (404)', async () => {
  const t = await makeTestApp()
  assert.is((await t.app.request('/.well-known/jwks.json')).status, 404)
})

test.run()
