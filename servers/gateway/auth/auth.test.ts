// Token verification and revocation against the real OAuth2 app (tokens minted through
// app.request, introspection answered by its /oauth2/introspect).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AccessTokenError } from '../../../shared/jwt/errors.ts'
import {
  DEFAULT_RESOURCE,
  ISSUER,
  makeTestApp,
  OTHER_RESOURCE,
  TEST_JWT_SECRET,
} from '../../oauth2/testing.ts'
import { hasScopes } from './principal.ts'
import {
  MAX_INTROSPECTION_BYTES,
  createIntrospectionClient,
  createRevocationCheck,
  IntrospectionUnavailableError,
  type TokenStatus,
} from './revocation.ts'
import { createTokenVerifier } from './verifier.ts'

/** Awaits `promise`, which must reject with an error passing `check` (a class or a predicate). */
async function rejects(
  promise: Promise<unknown>,
  check: (new (...args: never[]) => unknown) | RegExp | ((error: unknown) => boolean),
): Promise<void> {
  try {
    await promise
  } catch (error) {
    if (check instanceof RegExp) assert.match((error as Error).message, check)
    else if (
      check.prototype !== undefined &&
      check.prototype !== Object.prototype &&
      /^class /.test(String(check))
    )
      assert.instance(error, check as new (...args: never[]) => unknown)
    else assert.ok((check as (e: unknown) => boolean)(error), String(error))
    return
  }
  assert.unreachable('expected a rejection')
}

async function setup() {
  const as = await makeTestApp()
  const verify = createTokenVerifier({
    issuer: ISSUER,
    audience: DEFAULT_RESOURCE,
    key: { alg: 'HS256', secret: TEST_JWT_SECRET },
    clock: () => as.clock.now,
  })
  const introspect = createIntrospectionClient({
    url: `${ISSUER}/oauth2/introspect`,
    clientId: 'mcp-client',
    clientSecret: 'secret',
    fetch: async (request) => as.app.request(request),
  })
  return { as, verify, introspect }
}

test('a verified token gives its principal (client id, jti, scopes) and AuthInfo without the token', async () => {
  const { as, verify } = await setup()
  const token = await as.token('multi', '&scope=mcp.access%20tools')
  const principal = await verify(token)
  assert.is(principal.clientId, 'multi')
  assert.equal([...principal.scopes], ['mcp.access', 'tools'])
  assert.is(principal.jti, as.payloadOf(token).jti)
  assert.is(principal.authInfo.token, '', 'MCP-A8: the token never reaches the MCP layer')
  assert.equal(principal.authInfo.extra, { jti: principal.jti })
  assert.is(principal.authInfo.clientId, 'multi')
  assert.ok(hasScopes(principal.scopes, ['tools']))
  assert.not.ok(hasScopes(principal.scopes, ['tools', 'admin']))
  assert.is(await verify(token), principal, 'the second use is answered from the cache')
  assert.is(verify.size, 1)
})

test('RS-4 / MCP-A7: wrong audience, wrong issuer, expired and forged tokens are refused', async () => {
  const { as, verify } = await setup()
  const elsewhere = await as.token('elsewhere', `&resource=${encodeURIComponent(OTHER_RESOURCE)}`)
  await rejects(
    verify(elsewhere),
    (e: unknown) => e instanceof AccessTokenError && e.claim === 'aud',
  )
  const other = await makeTestApp({ config: { issuer: 'http://other:8081' } })
  other.clock.now = as.clock.now
  await rejects(verify(await other.token()), (e: unknown) => e instanceof AccessTokenError)
  const token = await as.token()
  as.clock.now += 1800_000 + 31_000
  await rejects(verify(token), (e: unknown) => (e as AccessTokenError).code === 'ERR_JWT_EXPIRED')
  const [h, p] = token.split('.')
  await rejects(verify(`${h}.${p}.AAAA`), AccessTokenError)
})

test('introspection: active, then inactive after RFC 7009 revocation', async () => {
  const { as, introspect } = await setup()
  const token = await as.token()
  assert.is(await introspect(token), 'active')
  const revoked = await as.post('/oauth2/revoke', `token=${token}`, ['mcp-client', 'secret'])
  assert.is(revoked.status, 200)
  assert.is(await introspect(token), 'inactive')
})

test('introspection failures are IntrospectionUnavailableError (network, 401, 5xx, bad body)', async () => {
  const make = (fetch: (r: Request) => Promise<Response>) =>
    createIntrospectionClient({
      url: 'http://as/oauth2/introspect',
      clientId: 'a b',
      clientSecret: 'p:w',
      fetch,
    })
  const seen: Request[] = []
  await rejects(
    make(async (r) => {
      seen.push(r)
      throw new TypeError('fetch failed')
    })('t'),
    IntrospectionUnavailableError,
  )
  assert.is(seen[0]!.headers.get('authorization'), `Basic ${btoa('a+b:p%3Aw')}`)
  assert.is(await seen[0]!.text(), 'token=t&token_type_hint=access_token')
  await rejects(make(async () => new Response('', { status: 401 }))('t'), /refused the gateway/)
  await rejects(make(async () => new Response('', { status: 503 }))('t'), /HTTP 503/)
  await rejects(make(async () => new Response('nope'))('t'), /not JSON/)
  await rejects(make(async () => Response.json({ active: 'yes' }))('t'), /boolean/)
  await rejects(
    make(async () => new Response('', { status: 500 }))('t'),
    (e: unknown) => (e as IntrospectionUnavailableError).code === 'ERR_INTROSPECTION_UNAVAILABLE',
  )
})

test('introspection answers are read bounded: an oversized active answer is unavailable, not active', async () => {
  const make = (fetch: (r: Request) => Promise<Response>) =>
    createIntrospectionClient({
      url: 'http://as/oauth2/introspect',
      clientId: 'g',
      clientSecret: 's',
      fetch,
    })
  const pad = 'x'.repeat(MAX_INTROSPECTION_BYTES)
  await rejects(
    make(async () => Response.json({ active: true, pad }))('t'),
    /more than 65536 bytes/,
  )
  // An endless body is abandoned at the limit instead of being read for ever.
  let pulled = 0
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++
      controller.enqueue(new TextEncoder().encode(' '.repeat(4096)))
    },
  })
  const streamed = () => new Response(endless, { headers: { 'Content-Type': 'application/json' } })
  await rejects(make(async () => streamed())('t'), IntrospectionUnavailableError)
  assert.ok(pulled < 40, `read ${pulled} chunks`)
  assert.is(await make(async () => Response.json({ active: true }))('t'), 'active')
})

test('the revocation check caches answers, coalesces questions and fails closed only for unknown tokens', async () => {
  let now = 1_000_000
  let answer: TokenStatus | 'down' = 'active'
  let asked = 0
  const unavailable: string[] = []
  const check = createRevocationCheck({
    cacheMs: 30_000,
    clock: () => now,
    onUnavailable: (e) => unavailable.push(e.message),
    introspect: async () => {
      asked++
      await new Promise((r) => setTimeout(r, 5))
      if (answer === 'down') throw new IntrospectionUnavailableError('down')
      return answer
    },
  })
  const exp = now / 1000 + 3600
  const verdicts = await Promise.all([1, 2, 3].map(() => check.check('tok', 'j1', exp)))
  assert.equal(verdicts, ['active', 'active', 'active'])
  assert.is(asked, 1, 'three requests, one question')
  now += 29_000
  assert.is(await check.check('tok', 'j1', exp), 'active')
  assert.is(asked, 1, 'within the cache time')
  now += 2_000
  answer = 'down'
  assert.is(await check.check('tok', 'j1', exp), 'active', 'known active: last answer kept')
  assert.is(asked, 2)
  assert.is(await check.check('tok2', 'j2', exp), 'unavailable', 'never seen: fail closed')
  assert.equal(unavailable, ['down', 'down'])
  answer = 'inactive'
  assert.is(await check.check('tok', 'j1', exp), 'revoked')
  answer = 'active'
  now += 60_000
  assert.is(await check.check('tok', 'j1', exp), 'revoked', 'revoked stays revoked until exp')
  now = exp * 1000 + 1
  assert.is(
    await check.check('tok', 'j1', exp),
    'active',
    'entry dropped at exp (the verifier refuses by then)',
  )
})

test('onRevoked: listeners hear of a revocation once, when the AS first calls the token inactive', async () => {
  let answer: TokenStatus = 'active'
  const now = 1_000_000
  const check = createRevocationCheck({
    cacheMs: 0,
    clock: () => now,
    introspect: async () => answer,
  })
  const heard: string[] = []
  const stop = check.onRevoked((jti) => heard.push(jti))
  check.onRevoked(() => {
    throw new Error('a failing listener changes nothing')
  })
  const exp = now / 1000 + 60
  assert.is(await check.check('t', 'j1', exp), 'active')
  assert.equal(heard, [])
  answer = 'inactive'
  assert.is(await check.check('t', 'j1', exp), 'revoked')
  assert.is(await check.check('t', 'j1', exp), 'revoked')
  assert.is(await check.check('u', 'j2', exp), 'revoked', 'never seen, already revoked')
  assert.equal(heard, ['j1', 'j2'])
  stop()
  assert.is(await check.check('v', 'j3', exp), 'revoked')
  assert.equal(heard, ['j1', 'j2'], 'removed listener')
})

test('cacheMs 0 asks every time; maxEntries bounds the memory', async () => {
  let asked = 0
  const check = createRevocationCheck({
    cacheMs: 0,
    maxEntries: 2,
    introspect: async () => {
      asked++
      return 'active'
    },
  })
  const exp = Date.now() / 1000 + 60
  await check.check('a', 'a', exp)
  await check.check('a', 'a', exp)
  assert.is(asked, 2)
  await check.check('b', 'b', exp)
  await check.check('c', 'c', exp)
  assert.is(check.size, 2)
})

test.run()
