// The session manager: secure ids bound to a client, caps counted before any await, idle
// expiry and eviction that spare busy sessions (a call, an open stream), close reasons, calls in
// flight per client, revocation ending a token's streams and sessions.
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
  const a = await m.open('a', 'ja')
  assert.ok(typeof a !== 'string')
  if (typeof a === 'string') return
  assert.match(a.id, /^[0-9a-f-]{36}$/)
  assert.is(m.get(a.id, 'a'), a)
  assert.is(m.get(a.id, 'b'), undefined)
  assert.is(m.get('nope', 'a'), undefined)
  await m.closeAll()
})

/** An open SSE-like body the test controls. */
function openStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })
  return {
    response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
    controller,
  }
}

const opened = async (p: Promise<unknown>) => {
  const s = await p
  if (typeof s === 'string') throw new Error(`refused: ${s}`)
  return s as Exclude<Awaited<ReturnType<ReturnType<typeof manager>['m']['open']>>, string>
}

test('caps: per client then global, counted before the first await (concurrent opens)', async () => {
  const { m, hooks } = manager()
  const results = await Promise.all([m.open('a', 'ja'), m.open('a', 'ja'), m.open('a', 'ja')])
  assert.equal(results.filter((r) => r === 'client_full').length, 1)
  assert.is(m.countOf('a'), 2)
  await opened(m.open('b', 'jb'))
  // Every session busy (a call running): the global cap refuses.
  for (const h of hooks) h.onCallStart()
  assert.is(await m.open('c', 'jc'), 'full')
  assert.is(m.size, 3)
  await m.closeAll()
  assert.is(m.size, 0)
  assert.is(m.countOf('a'), 0)
})

test('at the global cap an idle session of the biggest holder makes room: a newcomer still gets one', async () => {
  const { m, closed, tick } = manager({ maxSessions: 4, maxPerClient: 3 })
  const hoarded = [await opened(m.open('a', 'ja'))]
  tick(10)
  hoarded.push(await opened(m.open('a', 'ja')), await opened(m.open('a', 'ja')))
  const b = await opened(m.open('b', 'jb'))
  // a's oldest session holds an open stream: busy, so its next-oldest goes.
  const stream = openStream()
  const response = m.track(hoarded[0]!, 'ja', stream.response)
  assert.is(hoarded[0]!.streams, 1)
  const c = await opened(m.open('c', 'jc'))
  assert.equal(closed, ['a:evicted'])
  assert.is(m.get(hoarded[1]!.id, 'a'), undefined, 'the evicted session is gone (404)')
  assert.ok(m.get(hoarded[0]!.id, 'a') && m.get(b.id, 'b') && m.get(c.id, 'c'))
  assert.is(m.size, 4)
  // The stream ending makes the session idle again.
  stream.controller.close()
  await response.body!.getReader().read()
  assert.is(hoarded[0]!.streams, 0)
  await m.closeAll()
})

test('calls in flight per client: reserved over sessions, freed by the answer, a cancel or the end', async () => {
  const { m } = manager({ maxCallsPerClient: 2 })
  const one = await opened(m.open('a', 'ja'))
  const two = await opened(m.open('a', 'ja'))
  assert.ok(m.reserveCalls(one, [1]))
  assert.ok(m.reserveCalls(two, ['x']))
  assert.not.ok(m.reserveCalls(two, [2]), 'the third call of the client is refused')
  assert.is(m.callsOf('a'), 2)
  m.cancelled(two, ['x'])
  assert.ok(m.reserveCalls(two, [2]))
  // The answer sent through the session's transport frees the slot (even with no stream open).
  await one.transport.send({ jsonrpc: '2.0', id: 1, result: {} }).catch(() => {})
  assert.is(m.callsOf('a'), 1)
  await m.close(two)
  assert.is(m.callsOf('a'), 0)
  await m.closeAll()
})

test("revoke(jti): the token's streams end and the sessions it opened close; others stay", async () => {
  const { m, closed } = manager()
  const mine = await opened(m.open('a', 'revoked'))
  const other = await opened(m.open('a', 'kept'))
  const onMine = m.track(mine, 'revoked', openStream().response)
  let unwatched = 0
  const onOther = m.track(other, 'revoked', openStream().response, () => unwatched++)
  const kept = m.track(other, 'kept', openStream().response)
  assert.is(await m.revoke('revoked'), 3)
  assert.equal(await onMine.body!.getReader().read(), { done: true, value: undefined })
  assert.equal(await onOther.body!.getReader().read(), { done: true, value: undefined })
  assert.is(unwatched, 1)
  assert.equal(closed, ['a:revoked'])
  assert.is(m.get(mine.id, 'a'), undefined)
  assert.is(m.get(other.id, 'a'), other)
  assert.is(other.streams, 1, 'the stream of another token stays open')
  await kept.body!.cancel()
  assert.is(other.streams, 0)
  await m.closeAll()
})

test('idle sessions are swept; one with a call running or a stream open is not', async () => {
  const { m, closed, hooks, tick } = manager()
  const idle = await m.open('a', 'ja')
  const busy = await m.open('b', 'jb')
  if (typeof idle === 'string' || typeof busy === 'string') throw new Error('refused')
  hooks[1]!.onCallStart()
  const streaming = await opened(m.open('c', 'jc'))
  const stream = m.track(streaming, 'jc', openStream().response)
  tick(1500)
  await m.sweep()
  assert.equal(closed, ['a:idle'])
  await stream.body!.cancel()
  hooks[1]!.onCallEnd()
  tick(500)
  await m.sweep()
  assert.is(m.size, 2, 'the stream and the call ending count as activity')
  assert.is(m.get(busy.id, 'b'), busy)
  tick(600)
  await m.sweep()
  assert.equal(closed, ['a:idle', 'b:idle', 'c:idle'])
  assert.is(m.size, 0)
})

test('close(reason) reports once; the front server closing removes its session', async () => {
  const { m, closed } = manager()
  const one = await m.open('a', 'ja')
  const two = await m.open('a', 'ja')
  if (typeof one === 'string' || typeof two === 'string') throw new Error('refused')
  await m.close(one, 'deleted')
  await m.close(one, 'closed')
  await two.server.close()
  assert.equal(closed, ['a:deleted', 'a:closed'])
  assert.is(m.size, 0)
})

test.run()
