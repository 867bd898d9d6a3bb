import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { DenylistEntry } from '../denylist.ts'
import { makeTestApp } from '../testing.ts'

const hello = (t: Awaited<ReturnType<typeof makeTestApp>>, token: string) =>
  t.app.request('/hello', { headers: { Authorization: `Bearer ${token}` } })

test('RV-1, RV-5: a revoked token is refused by /hello and introspection until it expires', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  assert.is((await hello(t, jwt)).status, 200, 'cached as valid first')
  const res = await t.post('/oauth2/revoke', `token=${jwt}&token_type_hint=access_token`, [
    'mcp-client',
    'secret',
  ])
  assert.is(res.status, 200)
  assert.is(res.headers.get('cache-control'), 'no-store')
  assert.is(await res.text(), '')
  const after = await hello(t, jwt)
  assert.is(after.status, 401)
  assert.match(after.headers.get('www-authenticate')!, /error="invalid_token"/)
  assert.match(after.headers.get('www-authenticate')!, /revoked/)
  const other = await t.token('mcp-client')
  assert.is((await hello(t, other)).status, 200, 'other tokens of the same client still work')
})

test('RV-3: unknown or invalid tokens, and any hint value, still get 200', async () => {
  const t = await makeTestApp()
  for (const body of [
    'token=garbage',
    'token=a.b.c&token_type_hint=refresh_token',
    'token=x&token_type_hint=weird',
  ]) {
    const res = await t.post('/oauth2/revoke', body, ['mcp-client', 'secret'])
    assert.is(res.status, 200, body)
  }
})

test('RV-2: a client cannot revoke another client’s token (200, no effect, audited as denied)', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  const res = await t.post('/oauth2/revoke', `token=${jwt}`, ['multi', 'multi-secret'])
  assert.is(res.status, 200)
  assert.is((await hello(t, jwt)).status, 200, 'token still valid')
  const event = t.events.find((e) => e.event === 'token_revoked')!
  assert.is(event.outcome, 'denied')
  assert.is(event.client_id, 'multi')
  assert.is(event.jti, t.payloadOf(jwt).jti)
})

test('RV-1, RV-4: the caller must authenticate (401); token is required (400); GET is 405', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  const anonymous = await t.post('/oauth2/revoke', `token=${jwt}`)
  assert.is(anonymous.status, 401)
  assert.is(((await anonymous.json()) as { error: string }).error, 'invalid_client')
  assert.is((await hello(t, jwt)).status, 200, 'not revoked by an anonymous call')
  const missing = await t.post('/oauth2/revoke', '', ['mcp-client', 'secret'])
  assert.is(missing.status, 400)
  assert.is(((await missing.json()) as { error: string }).error, 'invalid_request')
  assert.is((await t.app.request('/oauth2/revoke')).status, 405)
})

test('issue 9 §3: a client that floods revocations reaches its own quota; others still revoke', async () => {
  const t = await makeTestApp({ config: { limits: { revocationsPerClient: 20 } } })
  const statuses: number[] = []
  for (let i = 0; i < 25; i++) {
    const jwt = await t.token('mcp-client')
    statuses.push((await t.post('/oauth2/revoke', `token=${jwt}`, ['mcp-client', 'secret'])).status)
  }
  assert.equal(statuses, [...new Array(20).fill(200), ...new Array(5).fill(503)])
  const over = await t.post('/oauth2/revoke', `token=${await t.token('mcp-client')}`, [
    'mcp-client',
    'secret',
  ])
  assert.is(over.status, 503, 'RFC 7009 §2.2.1: the token still exists, retry later')
  const body = (await over.json()) as { error: string; error_description: string }
  assert.is(body.error, 'temporarily_unavailable')
  assert.match(body.error_description, /this client/)
  assert.is(over.headers.get('retry-after'), String(1800 + 30), 'until its earliest entry expires')
  // Another client's revocation is unaffected (before: 503 for everyone).
  const own = await t.token('multi')
  assert.is((await t.post('/oauth2/revoke', `token=${own}`, ['multi', 'multi-secret'])).status, 200)
  assert.equal(
    await (await t.post('/oauth2/introspect', `token=${own}`, ['multi', 'multi-secret'])).json(),
    { active: false },
  )
  // Once the flooder's entries expire with their tokens, it may revoke again.
  t.clock.now += (1800 + 30) * 1000
  const later = await t.token('mcp-client')
  assert.is(
    (await t.post('/oauth2/revoke', `token=${later}`, ['mcp-client', 'secret'])).status,
    200,
  )
})

test('RV-5: a revocation survives a restart through the store; an unsaved one is 503', async () => {
  const saved: DenylistEntry[] = []
  const store = { append: async (entry: DenylistEntry) => void saved.push(entry) }
  const before = await makeTestApp({ revocations: { store } })
  const jwt = await before.token('mcp-client')
  assert.is(
    (await before.post('/oauth2/revoke', `token=${jwt}`, ['mcp-client', 'secret'])).status,
    200,
  )
  assert.equal(
    saved.map(({ jti, clientId }) => [jti, clientId]),
    [[before.payloadOf(jwt).jti, 'mcp-client']],
  )

  // A new process loads what was saved: the token stays inactive at introspection.
  const after = await makeTestApp({ revocations: { entries: saved } })
  const introspected = await after.post('/oauth2/introspect', `token=${jwt}`, [
    'mcp-client',
    'secret',
  ])
  assert.equal(await introspected.json(), { active: false })

  const failing = await makeTestApp({
    revocations: {
      store: {
        append: async () => {
          throw new Error('EROFS')
        },
      },
    },
  })
  const other = await failing.token('mcp-client')
  const unsaved = await failing.post('/oauth2/revoke', `token=${other}`, ['mcp-client', 'secret'])
  assert.is(unsaved.status, 503)
  assert.is(((await unsaved.json()) as { error: string }).error, 'temporarily_unavailable')
  const event = failing.events.find((e) => e.event === 'token_revoked')!
  assert.equal([event.outcome, event.detail], ['error', 'revocation not saved'])
})

test('LOG-4: a revocation is audited with client_id and jti, never the token', async () => {
  const t = await makeTestApp()
  const jwt = await t.token('mcp-client')
  await t.post('/oauth2/revoke', `token=${jwt}`, ['mcp-client', 'secret'])
  const event = t.events.find((e) => e.event === 'token_revoked')!
  assert.equal(
    [event.outcome, event.client_id, event.jti],
    ['ok', 'mcp-client', t.payloadOf(jwt).jti],
  )
  assert.not.ok(JSON.stringify(t.events).includes(jwt))
})

test.run()
