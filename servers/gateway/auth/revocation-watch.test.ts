// The revocation watch against the real OAuth2 app: a token that only holds a stream open is
// re-checked, and its revocation reaches the check's listeners; the timer runs only while needed.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ISSUER, makeTestApp } from '../../oauth2/testing.ts'
import { createIntrospectionClient, createRevocationCheck } from './revocation.ts'
import { createRevocationWatch } from './revocation-watch.ts'

async function setup() {
  const as = await makeTestApp()
  const check = createRevocationCheck({
    cacheMs: 30_000,
    clock: () => as.clock.now,
    introspect: createIntrospectionClient({
      url: `${ISSUER}/oauth2/introspect`,
      clientId: 'mcp-client',
      clientSecret: 'secret',
      fetch: async (request) => as.app.request(request),
    }),
  })
  const revoked: string[] = []
  check.onRevoked((jti) => revoked.push(jti))
  const watch = createRevocationWatch({ check, everyMs: 30_000, clock: () => as.clock.now })
  return { as, check, watch, revoked }
}

test('RV-5: a watched token revoked at the AS is found by the re-check once the cache is stale', async () => {
  const { as, check, watch, revoked } = await setup()
  const token = await as.token()
  const { jti, exp } = as.payloadOf(token) as { jti: string; exp: number }
  assert.is(await check.check(token, jti, exp), 'active')
  const stop = watch.watch(token, jti, exp)
  await as.post('/oauth2/revoke', `token=${token}`, ['mcp-client', 'secret'])
  await watch.recheck()
  assert.equal(revoked, [], 'within the cache time the last answer stands')
  as.clock.now += 31_000
  await watch.recheck()
  assert.equal(revoked, [jti], 'told once')
  await watch.recheck()
  assert.equal(revoked, [jti], 'not told again')
  stop()
  assert.is(watch.size, 0)
})

test('a token watched twice stays watched until both end; an expired one is not asked about', async () => {
  let now = 1_000_000
  const asked: string[] = []
  const check = createRevocationCheck({
    cacheMs: 0,
    clock: () => now,
    introspect: async (token) => {
      asked.push(token)
      return 'active'
    },
  })
  const watch = createRevocationWatch({ check, everyMs: 30_000, clock: () => now })
  const exp = now / 1000 + 60
  const one = watch.watch('t1', 'j1', exp)
  const two = watch.watch('t1', 'j1', exp)
  one()
  one()
  assert.is(watch.size, 1)
  await watch.recheck()
  assert.equal(asked, ['t1'])
  two()
  assert.is(watch.size, 0)
  await watch.recheck()
  assert.equal(asked, ['t1'], 'no longer watched')
  const stale = watch.watch('t2', 'j2', exp)
  now = exp * 1000
  await watch.recheck()
  assert.equal(asked, ['t1'], 'expired: the verifier refuses it, nothing to ask')
  stale()
})

test.run()
