import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Limits } from './context.ts'
import { makeTestApp } from './testing.ts'

// The sources are set through X-Forwarded-For (trustProxy), as a reverse proxy in front would.
const ATTACKER = '198.51.100.66'
const GATEWAY = '192.0.2.10'
/** `multi` stands in for the gateway's client: it may introspect tokens for the default resource. */
const GATEWAY_CLIENT: [string, string] = ['multi', 'multi-secret']

async function app(limits: Partial<Limits> = {}) {
  const t = await makeTestApp({ config: { trustProxy: true, limits } })
  const from = (source: string) => ({ 'X-Forwarded-For': source })
  const introspect = (token: string, source: string, auth = GATEWAY_CLIENT) =>
    t.post('/oauth2/introspect', `token=${token}`, auth, from(source))
  const tokenFor = (auth: [string, string], source: string) =>
    t.post('/oauth2/token', 'grant_type=client_credentials', auth, from(source))
  return { ...t, from, introspect, tokenFor }
}

test('issue 9 §2: wrong secrets for the gateway client id do not lock the gateway out of introspection', async () => {
  const t = await app()
  const token = await t.token('mcp-client')
  // The attack: a minute of wrong secrets for the gateway's client id from another address.
  const statuses: number[] = []
  for (let i = 0; i < 20; i++)
    statuses.push((await t.introspect(token, ATTACKER, ['multi', `guess-${i}`])).status)
  assert.equal(statuses.slice(0, 10), new Array(10).fill(401))
  assert.equal(statuses.slice(10), new Array(10).fill(429), 'the guesser is slowed')

  // The gateway, from its own address, with the right secret: served (before the fix: 429).
  const served = await t.introspect(token, GATEWAY)
  assert.is(served.status, 200)
  assert.is(((await served.json()) as { active: boolean }).active, true)
  assert.is((await t.tokenFor(GATEWAY_CLIENT, GATEWAY)).status, 200)

  // A revocation during the attack takes effect at the gateway's next introspection.
  const revoked = await t.post('/oauth2/revoke', `token=${token}`, ['mcp-client', 'secret'])
  assert.is(revoked.status, 200)
  assert.equal(await (await t.introspect(token, GATEWAY)).json(), { active: false })

  // The guesser stays slowed, also with the right secret, until its window ends.
  const guesser = await t.introspect(token, ATTACKER)
  assert.is(guesser.status, 429)
  assert.is(guesser.headers.get('retry-after'), '60')
  t.clock.now += 60_000
  assert.is((await t.introspect(token, ATTACKER)).status, 200, 'its window is over')
})

test('OA-10: a source that knew the secret is limited by its own failures only', async () => {
  const t = await app({ authFailuresPerAddress: 5, authFailuresPerClientSource: 3 })
  const token = await t.token('mcp-client')
  assert.is((await t.introspect(token, GATEWAY)).status, 200, 'the gateway is now known')
  // Someone behind the same address sprays other ids: the address is penalised...
  for (let i = 0; i < 5; i++) await t.tokenFor([`id-${i}`, 'x'], GATEWAY)
  assert.is((await t.tokenFor(['mcp-client', 'secret'], GATEWAY)).status, 429, 'unknown pair')
  // ...but the known (client, source) pair is not.
  assert.is((await t.introspect(token, GATEWAY)).status, 200)
  // Its own failures do count: three wrong secrets lock that pair for the window.
  for (let i = 0; i < 3; i++)
    assert.is((await t.introspect(token, GATEWAY, ['multi', 'wrong'])).status, 401)
  assert.is((await t.introspect(token, GATEWAY)).status, 429)
})

test('OA-10: a distributed attack on one id refuses the sources that failed, never a clean one', async () => {
  const t = await app({ authFailuresPerClient: 20 })
  // 20 sources, one wrong secret each: under every per-source limit, over the per-id one.
  for (let i = 0; i < 20; i++) await t.tokenFor(['mcp-client', 'guess'], `198.51.100.${i}`)
  const failed = await t.tokenFor(['mcp-client', 'secret'], '198.51.100.3')
  assert.is(failed.status, 429, 'a source that guessed gets no second guess for this id')
  assert.is((await t.tokenFor(['mcp-client', 'secret'], '203.0.113.50')).status, 200, 'clean')
  assert.is((await t.tokenFor(GATEWAY_CLIENT, '198.51.100.3')).status, 200, 'other ids')
})

test('OA-10 spread attack: a flood of new keys neither flushes a penalty nor blocks the gateway', async () => {
  const t = await app({ authTrackedKeys: 16, authFailuresPerAddress: 3 })
  const token = await t.token('mcp-client')
  assert.is((await t.introspect(token, GATEWAY)).status, 200, 'the gateway is known')
  for (let i = 0; i < 10; i++) await t.introspect(token, ATTACKER, ['multi', 'guess'])
  assert.is((await t.introspect(token, ATTACKER)).status, 429)
  // Spray: 40 more sources fail 3 times each, filling every counter with penalties.
  for (let s = 0; s < 40; s++)
    for (let i = 0; i < 3; i++) await t.tokenFor([`x${s}-${i}`, 'guess'], `10.9.${s}.1`)
  assert.is((await t.introspect(token, ATTACKER)).status, 429, 'the penalty survived')
  assert.is((await t.introspect(token, GATEWAY)).status, 200, 'the known gateway is served')
  // Counters full of penalties: an unknown source is refused conservatively until they expire.
  assert.is((await t.tokenFor(['mcp-client', 'secret'], '203.0.113.99')).status, 429)
  t.clock.now += 60_000
  assert.is((await t.tokenFor(['mcp-client', 'secret'], '203.0.113.99')).status, 200)
})

test('OA-10: an IPv6 /64 is one source (a host cannot rotate through its 2^64 addresses)', async () => {
  const t = await app({ authFailuresPerAddress: 3 })
  for (let i = 1; i <= 3; i++) await t.tokenFor([`id-${i}`, 'x'], `2001:db8:1:2::${i}`)
  assert.is((await t.tokenFor(['mcp-client', 'secret'], '2001:db8:1:2:ffff::1')).status, 429)
  assert.is((await t.tokenFor(['mcp-client', 'secret'], '2001:db8:1:3::1')).status, 200)
  for (let i = 1; i <= 3; i++) await t.tokenFor([`id-${i}`, 'x'], '::ffff:192.0.2.77')
  assert.is((await t.tokenFor(['mcp-client', 'secret'], '192.0.2.77')).status, 429, 'mapped v4')
})

test.run()
