import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDenylist, type DenylistEntry, type DenylistStore } from './denylist.ts'

test('RV-5: a jti stays denied until its exp, then is forgotten', async () => {
  let now = 1_000_000
  const list = createDenylist({ clock: () => now })
  assert.equal(await list.add('a', 1_060, 'c'), { status: 'ok' })
  assert.ok(list.has('a'))
  assert.not.ok(list.has('b'))
  now = 1_059_999
  assert.ok(list.has('a'))
  now = 1_060_000
  assert.not.ok(list.has('a'))
  assert.is(list.size, 0)
  assert.is(list.durable, false)
})

test('an already expired token needs no entry (and nothing is stored)', async () => {
  const appended: DenylistEntry[] = []
  const list = createDenylist({
    clock: () => 5_000_000,
    store: { append: async (entry) => void appended.push(entry) },
  })
  assert.equal(await list.add('old', 4_000, 'c'), { status: 'ok' })
  assert.is(list.size, 0)
  assert.equal(appended, [])
})

test('RV-4: a client over its quota is refused until its earliest entry expires; others are not', async () => {
  let now = 0
  const list = createDenylist({ perClient: 2, clock: () => now })
  assert.equal(await list.add('a', 10, 'greedy'), { status: 'ok' })
  assert.equal(await list.add('b', 100, 'greedy'), { status: 'ok' })
  assert.equal(await list.add('c', 100, 'greedy'), { status: 'quota', retryAfter: 10 })
  assert.equal(await list.add('x', 100, 'other'), { status: 'ok' }, 'other clients unaffected')
  assert.ok(list.has('a') && list.has('b') && list.has('x'))
  assert.not.ok(list.has('c'))
  now = 20_000
  assert.equal(await list.add('c', 100, 'greedy'), { status: 'ok' }, 'a expired and was purged')
  assert.equal(await list.add('c', 50, 'greedy'), { status: 'ok' }, 're-adding keeps the later exp')
  now = 60_000
  assert.ok(list.has('c'))
})

test('issue 9 §3: 100 000 revocations by one client leave room for every other client', async () => {
  const now = 1_000_000_000
  const list = createDenylist({ clock: () => now }) // default quota: 10 000 per client
  const exp = now / 1000 + 1800
  let refused = 0
  for (let i = 0; i < 100_000; i++)
    if ((await list.add(`flood-${i}`, exp, 'flooder')).status === 'quota') refused++
  assert.is(refused, 90_000, 'the flooder reaches its own quota')
  assert.is(list.size, 10_000, 'memory bounded by the quota')
  for (let i = 0; i < 50; i++)
    assert.equal(await list.add(`legit-${i}`, exp, `client-${i}`), { status: 'ok' })
  assert.ok(list.has('legit-7'))
})

test('revocations are stored before add resolves; loaded entries are honoured, expired skipped', async () => {
  const appended: DenylistEntry[] = []
  const store: DenylistStore = { append: async (entry) => void appended.push(entry) }
  const list = createDenylist({
    clock: () => 1_000_000,
    entries: [
      { jti: 'kept', exp: 2_000, clientId: 'c' },
      { jti: 'legacy', exp: 2_000, clientId: '' },
      { jti: 'expired', exp: 999, clientId: 'c' },
    ],
    store,
  })
  assert.ok(list.has('kept') && list.has('legacy'))
  assert.not.ok(list.has('expired'))
  assert.is(list.durable, true)
  assert.equal(await list.add('new', 3_000, 'c'), { status: 'ok' })
  assert.equal(appended, [{ jti: 'new', exp: 3_000, clientId: 'c' }])
})

test('the quota check stays right after a client’s entries all expired and it fills up again', async () => {
  let now = 0
  const list = createDenylist({ perClient: 2, clock: () => now })
  await list.add('a', 10, 'c')
  await list.add('b', 10, 'c')
  now = 10_000
  assert.equal(await list.add('c', 30, 'c'), { status: 'ok' }, 'a and b purged')
  assert.equal(await list.add('d', 20, 'c'), { status: 'ok' })
  assert.equal(await list.add('e', 40, 'c'), { status: 'quota', retryAfter: 10 })
  now = 20_000
  assert.equal(await list.add('e', 40, 'c'), { status: 'ok' }, 'd expired: room again')
})

test('loaded entries beyond a quota are all kept (never forgotten before their exp)', async () => {
  const entries = ['a', 'b', 'c'].map((jti) => ({ jti, exp: 100, clientId: 'c' }))
  const list = createDenylist({ perClient: 2, clock: () => 0, entries })
  assert.ok(['a', 'b', 'c'].every((jti) => list.has(jti)))
  assert.is((await list.add('d', 100, 'c')).status, 'quota')
})

test('the store is compacted to the live entries once it holds more than twice as many lines', async () => {
  let now = 0
  const compactions: number[] = []
  const list = createDenylist({
    clock: () => now,
    sweepEvery: 100,
    store: {
      append: async () => {},
      compact: async (live) => void compactions.push(live.length),
    },
  })
  // Revocations that expire one second later: the store fills with dead lines.
  for (let i = 0; i < 1000; i++) {
    now = i * 1000
    await list.add(`t${i}`, i + 1, 'c')
  }
  assert.ok(compactions.length >= 2, `compactions: ${compactions}`)
  assert.ok(
    compactions.every((n) => n <= 1),
    'only live entries are written',
  )
  assert.ok(list.size <= 101, `expired entries leave memory too: ${list.size}`)
})

test('a store failure: revoked in this process, reported unsaved so the caller answers 503', async () => {
  const list = createDenylist({
    clock: () => 0,
    store: {
      append: async () => {
        throw new Error('EROFS')
      },
    },
  })
  assert.equal(await list.add('x', 100, 'c'), { status: 'unsaved' })
  assert.ok(list.has('x'), 'still refused here even though it was not saved')
})

test.run()
