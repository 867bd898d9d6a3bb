import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDenylist, type DenylistStore } from './denylist.ts'

test('RV-5: a jti stays denied until its exp, then is forgotten', async () => {
  let now = 1_000_000
  const list = createDenylist({ clock: () => now })
  assert.is(await list.add('a', 1_060), 'ok')
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
  const appended: string[] = []
  const list = createDenylist({
    clock: () => 5_000_000,
    store: { append: async (jti) => void appended.push(jti) },
  })
  assert.is(await list.add('old', 4_000), 'ok')
  assert.is(list.size, 0)
  assert.equal(appended, [])
})

test('RV-4: when full of unexpired ids, add refuses; expired ids are purged first', async () => {
  let now = 0
  const list = createDenylist({ maxEntries: 2, clock: () => now })
  assert.is(await list.add('a', 10), 'ok')
  assert.is(await list.add('b', 100), 'ok')
  assert.is(await list.add('c', 100), 'full')
  assert.ok(list.has('a') && list.has('b'))
  assert.not.ok(list.has('c'))
  now = 20_000
  assert.is(await list.add('c', 100), 'ok', 'a expired and was purged')
  assert.is(await list.add('c', 50), 'ok', 're-adding keeps the later expiry')
  now = 60_000
  assert.ok(list.has('c'))
})

test('revocations are stored before add resolves; loaded entries are honoured, expired skipped', async () => {
  const appended: Array<[string, number]> = []
  const store: DenylistStore = { append: async (jti, exp) => void appended.push([jti, exp]) }
  const list = createDenylist({
    clock: () => 1_000_000,
    entries: [
      ['kept', 2_000],
      ['expired', 999],
    ],
    store,
  })
  assert.ok(list.has('kept'))
  assert.not.ok(list.has('expired'))
  assert.is(list.durable, true)
  assert.is(await list.add('new', 3_000), 'ok')
  assert.equal(appended, [['new', 3_000]])
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
  assert.is(await list.add('x', 100), 'unsaved')
  assert.ok(list.has('x'), 'still refused here even though it was not saved')
})

test.run()
