// The session manager: secure ids bound to a client, caps counted before any await, idle
// expiry that spares busy sessions, close reasons, list_changed to every session.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createSessionManager, type SessionHooks } from './sessions.ts'

function manager(overrides: Partial<Parameters<typeof createSessionManager>[0]> = {}) {
  let now = 0
  const closed: string[] = []
  const hooks: SessionHooks[] = []
  const m = createSessionManager({
    createServer: (h) => {
      hooks.push(h)
      return new Server(
        { name: 's', version: '1' },
        { capabilities: { tools: { listChanged: true } } },
      )
    },
    idleMs: 1000,
    maxSessions: 3,
    maxPerClient: 2,
    clock: () => now,
    sweepEveryMs: 1_000_000,
    onClose: (s, reason) => closed.push(`${s.clientId}:${reason}`),
    ...overrides,
  })
  return { m, closed, hooks, tick: (ms: number) => (now += ms) }
}

test('ids are random UUIDs bound to their client: another client gets undefined', async () => {
  const { m } = manager()
  const a = await m.open('a')
  assert.ok(typeof a !== 'string')
  if (typeof a === 'string') return
  assert.match(a.id, /^[0-9a-f-]{36}$/)
  assert.is(m.get(a.id, 'a'), a)
  assert.is(m.get(a.id, 'b'), undefined)
  assert.is(m.get('nope', 'a'), undefined)
  await m.closeAll()
})

test('caps: per client then global, counted before the first await (concurrent opens)', async () => {
  const { m } = manager()
  const results = await Promise.all([m.open('a'), m.open('a'), m.open('a')])
  assert.equal(results.filter((r) => r === 'client_full').length, 1)
  assert.is(m.countOf('a'), 2)
  assert.ok(typeof (await m.open('b')) !== 'string')
  assert.is(await m.open('c'), 'full')
  assert.is(m.size, 3)
  await m.closeAll()
  assert.is(m.size, 0)
  assert.is(m.countOf('a'), 0)
})

test('idle sessions are swept; a session with a call running is not; touch is lastSeen', async () => {
  const { m, closed, hooks, tick } = manager()
  const idle = await m.open('a')
  const busy = await m.open('b')
  if (typeof idle === 'string' || typeof busy === 'string') throw new Error('refused')
  hooks[1]!.onCallStart()
  tick(1500)
  await m.sweep()
  assert.equal(closed, ['a:idle'])
  assert.is(m.get(busy.id, 'b'), busy)
  hooks[1]!.onCallEnd()
  tick(500)
  await m.sweep()
  assert.is(m.size, 1, 'the call ending counts as activity')
  tick(600)
  await m.sweep()
  assert.is(m.size, 0)
})

test('close(reason) reports once; the front server closing removes its session', async () => {
  const { m, closed } = manager()
  const one = await m.open('a')
  const two = await m.open('a')
  if (typeof one === 'string' || typeof two === 'string') throw new Error('refused')
  await m.close(one, 'deleted')
  await m.close(one, 'closed')
  await two.server.close()
  assert.equal(closed, ['a:deleted', 'a:closed'])
  assert.is(m.size, 0)
})

test.run()
