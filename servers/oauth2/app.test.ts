import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashClientSecret } from '../../shared/clients/secret.ts'
import { createClientStore, type ClientStore } from '../../shared/clients/store.ts'
import { hs256Key } from '../../shared/jwt/keys.ts'
import { createApp } from './app.ts'
import { DEFAULT_RESOURCE, FORM, ISSUER, makeTestApp, TEST_JWT_SECRET } from './testing.ts'

/** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

test('robustness: hundreds of malformed requests never produce a 5xx or a stack trace', async () => {
  const t = await makeTestApp()
  const valid = await t.token('mcp-client')
  const random = rng(20301)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256))
  const ascii = (n: number) =>
    String.fromCharCode(...Array.from({ length: n }, () => 32 + Math.floor(random() * 95)))
  const paths = [
    '/oauth2/token',
    '/oauth2/introspect',
    '/oauth2/revoke',
    '/hello',
    '/health',
    '/oauth2/authorize',
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration',
    '/.well-known/jwks.json',
    '/oauth2/token?client_secret=x',
    '/hello?access_token=abc',
    '/%zz',
    '/oauth2/token/../token',
    `/${ascii(10).replace(/[?#]/g, '')}`,
  ]
  const types = [
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=latin1',
    'application/x-www-form-urlencoded; charset="utf-8"',
    'application/json',
    'text/plain',
    'multipart/form-data; boundary=x',
    ';;;',
    '',
    'application/x-www-form-urlencoded;;=;',
  ]
  const auths = [
    undefined,
    'Basic',
    'Basic ',
    'Basic !!!!',
    `Basic ${btoa('mcp-client:secret')}`,
    `Basic ${btoa('mcp-client')}`,
    `Basic ${btoa('%zz:%')}`,
    `Basic ${btoa(ascii(30))}`,
    'Bearer',
    `Bearer ${valid}`,
    `Bearer ${valid}x`,
    `Bearer ${valid} ${valid}`,
    `Bearer ${'A'.repeat(20000)}`,
    `Bearer ${ascii(40).replace(/[\r\n]/g, '')}`,
    'Digest username="x"',
    `Basic ${'QUFB'.repeat(3000)}`,
  ]
  const forms = [
    () => 'grant_type=client_credentials&grant_type=client_credentials',
    () => 'grant_type=client_credentials&client_id=mcp-client&client_secret=secret&scope=%ZZ',
    () => 'grant_type=client_credentials&client_id=mcp-client&client_secret=secret&resource=%00',
    () =>
      `grant_type=client_credentials&client_id=mcp-client&client_secret=secret&scope=${ascii(50)}`,
    () =>
      `grant_type=client_credentials&client_id=mcp-client&client_secret=secret&resource=${encodeURIComponent(ascii(30))}`,
    () => `token=${encodeURIComponent(ascii(100))}`,
    () => `token=${valid}&token_type_hint=${ascii(5)}`,
    () => `token=${valid}.${valid}`,
    () => `token=${'a.'.repeat(5000)}`,
    () => ascii(200),
    () => '&&&===&&&',
    () => `${'a=1&'.repeat(4000)}`,
    () => bytes(64),
    () => bytes(20000),
    () => new Uint8Array([0x61, 0x3d, 0xff, 0xfe, 0xc3]),
    () => '',
    () =>
      `client_id=${encodeURIComponent(ascii(300))}&client_secret=${encodeURIComponent(ascii(300))}&grant_type=client_credentials`,
  ]
  const methods = ['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']
  let count = 0
  const statuses = new Set<number>()
  for (let i = 0; i < 400; i++) {
    const method = pick(methods)
    const headers: Record<string, string> = {}
    const type = pick(types)
    if (type) headers['Content-Type'] = type
    const auth = pick(auths)
    if (auth) headers.Authorization = auth
    if (random() < 0.1) headers['Content-Length'] = pick(['-1', 'abc', '99999999', '0'])
    if (random() < 0.1) headers['X-Request-Id'] = ascii(200).replace(/[\r\n]/g, '')
    const hasBody = method !== 'GET' && method !== 'HEAD'
    const path = pick(paths)
    let res: Response
    try {
      res = await t.app.request(path, {
        method,
        headers,
        body: hasBody ? pick(forms)() : undefined,
      })
    } catch (error) {
      // Only the Request constructor may refuse (e.g. a forbidden header value): not the server.
      assert.instance(error, TypeError, `request ${i} threw inside the app: ${String(error)}`)
      continue
    }
    count++
    statuses.add(res.status)
    const text = await res.text()
    assert.ok(res.status < 500, `request ${i}: ${method} ${path} → ${res.status} ${text}`)
    assert.not.match(text, /\bat .*\.ts:\d+|Error:|stack/i, `request ${i} leaked details`)
  }
  assert.ok(count >= 300, `only ${count} requests reached the app`)
  for (const status of [400, 401, 404, 405, 413, 415]) {
    assert.ok(statuses.has(status), `the fuzz never produced ${status}: ${[...statuses].join(',')}`)
  }
  assert.equal(t.unexpected, [])
})

test('an unexpected failure is a bare 500 JSON with no detail, reported to onUnexpectedError', async () => {
  const broken: ClientStore = {
    ...createClientStore([
      {
        clientId: 'c',
        secretHash: await hashClientSecret('s'),
        scopes: ['mcp.access'],
        audiences: [],
      },
    ]),
    authenticate: async () => {
      throw new Error('database exploded at /srv/clients.ts:42')
    },
  }
  const seen: unknown[] = []
  const app = createApp(
    { issuer: ISSUER, defaultResource: DEFAULT_RESOURCE },
    {
      key: hs256Key(TEST_JWT_SECRET),
      clients: broken,
      audit: { record: async () => undefined },
      onUnexpectedError: (e) => seen.push(e),
    },
  )
  const res = await app.request('/oauth2/token', {
    method: 'POST',
    body: 'grant_type=client_credentials&client_id=c&client_secret=s',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  assert.is(res.status, 500)
  assert.is(res.headers.get('cache-control'), 'no-store')
  const text = await res.text()
  assert.equal(JSON.parse(text), {
    error: 'server_error',
    error_description: 'internal server error',
  })
  assert.not.match(text, /exploded|clients\.ts/)
  assert.is(seen.length, 1)
})

test('unknown paths are JSON 404s', async () => {
  const t = await makeTestApp()
  const res = await t.app.request('/nope')
  assert.is(res.status, 404)
  assert.equal(await res.json(), { error: 'not_found' })
})

test('a failing audit sink never fails the request; the error goes to onUnexpectedError', async () => {
  const seen: unknown[] = []
  const app = createApp(
    { issuer: ISSUER, defaultResource: DEFAULT_RESOURCE },
    {
      key: hs256Key(TEST_JWT_SECRET),
      clients: createClientStore([
        {
          clientId: 'c',
          secretHash: await hashClientSecret('s'),
          scopes: ['mcp.access'],
          audiences: [],
        },
      ]),
      audit: { record: async () => Promise.reject(new Error('disk full')) },
      onUnexpectedError: (e) => seen.push(e),
    },
  )
  const res = await app.request('/oauth2/token', {
    method: 'POST',
    body: 'grant_type=client_credentials&client_id=c&client_secret=s',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  assert.is(res.status, 200)
  await new Promise((r) => setTimeout(r, 0))
  assert.is(seen.length, 1)
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

test('LOG-4: X-Request-Id: a sane one is echoed and audited; a hostile one never is', async () => {
  const t = await makeTestApp()
  const ask = async (id?: string) => {
    const before = t.events.length
    const res = await t.post(
      '/oauth2/token',
      'grant_type=client_credentials',
      ['mcp-client', 'secret'],
      {
        ...(id !== undefined ? { 'X-Request-Id': id } : {}),
      },
    )
    assert.is(res.status, 200)
    const echoed = res.headers.get('x-request-id')
    assert.is(t.events.length, before + 1)
    assert.is(t.events.at(-1)!.request_id, echoed, 'the audit record holds the echoed id')
    return echoed
  }
  assert.is(await ask('trace-7_ab=='), 'trace-7_ab==')
  assert.match((await ask())!, UUID)
  // Too long, or outside [A-Za-z0-9_=-] (spaces, quotes, a log-line forger's separators…).
  for (const hostile of ['x'.repeat(129), 'a b', '"><script>', 'id;level=error', 'a\tb', 'é'])
    assert.match((await ask(hostile))!, UUID, JSON.stringify(hostile))
  assert.is(await ask('x'.repeat(128)), 'x'.repeat(128))
  // Error answers, plain Responses built by routes, and 404s carry it too.
  const bad = await t.post('/oauth2/token', 'grant_type=password', ['mcp-client', 'secret'], {
    'X-Request-Id': 'r-400',
  })
  assert.is(bad.status, 400)
  assert.is(bad.headers.get('x-request-id'), 'r-400')
  const missing = await t.app.request('/nowhere', { headers: { 'X-Request-Id': 'r-404' } })
  assert.is(missing.status, 404)
  assert.is(missing.headers.get('x-request-id'), 'r-404')
})

test('RFC 9110 §15.5.6: another method on a served path is a JSON 405 with Allow', async () => {
  const t = await makeTestApp()
  for (const path of ['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke']) {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']) {
      const res = await t.app.request(path, { method })
      assert.is(res.status, 405, `${method} ${path}`)
      assert.is(res.headers.get('allow'), 'POST')
      assert.is(res.headers.get('cache-control'), 'no-store')
      if (method !== 'HEAD')
        assert.equal(await res.json(), {
          error: 'invalid_request',
          error_description: 'method not allowed; use POST',
        })
    }
  }
  // A GET resource: HEAD is served too (Hono answers it through the GET route), so Allow names it.
  const meta = '/.well-known/oauth-authorization-server'
  const metaPost = await t.app.request(meta, { method: 'POST' })
  assert.is(metaPost.status, 405)
  assert.is(metaPost.headers.get('allow'), 'GET, HEAD')
  assert.is((await t.app.request(meta, { method: 'HEAD' })).status, 200)
  const authorize = await t.app.request('/oauth2/authorize', { method: 'PUT' })
  assert.is(authorize.status, 405)
  assert.is(authorize.headers.get('allow'), 'GET, HEAD, POST')
  // Unknown paths stay 404.
  assert.is((await t.app.request('/oauth2/nothing', { method: 'PUT' })).status, 404)
})

test('RFC 6749 §5.2: oversized token requests are 413 invalid_request JSON, chunked or not', async () => {
  const t = await makeTestApp()
  const expect = async (res: Response, status: number) => {
    assert.is(res.status, status)
    assert.is(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as Record<string, unknown>
    assert.is(body.error, 'invalid_request')
    assert.type(body.error_description, 'string')
  }
  const auth = { Authorization: t.basic('mcp-client', 'secret'), ...FORM }
  const pad = `grant_type=client_credentials&pad=${'x'.repeat(17 * 1024)}`
  // A declared Content-Length over the limit: refused before reading.
  await expect(
    await t.app.request('/oauth2/token', {
      method: 'POST',
      body: pad,
      headers: { ...auth, 'Content-Length': String(pad.length) },
    }),
    413,
  )
  // Chunked (no Content-Length): the stream is abandoned once it passes the limit.
  let pulled = 0
  const chunked = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++
      controller.enqueue(
        new TextEncoder().encode(
          pulled === 1 ? 'grant_type=client_credentials&p=' : 'x'.repeat(1024),
        ),
      )
      if (pulled > 1000) controller.close()
    },
  })
  await expect(
    await t.app.request('/oauth2/token', {
      method: 'POST',
      body: chunked,
      headers: auth,
      duplex: 'half',
    } as RequestInit),
    413,
  )
  assert.ok(pulled < 40, `read ${pulled} chunks`)
  // A Content-Length that is not a number (hono/body-limit would parseInt it): 400, not a read.
  await expect(
    await t.app.request('/oauth2/token', {
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: { ...auth, 'Content-Length': '29abc' },
    }),
    400,
  )
})

test.run()
