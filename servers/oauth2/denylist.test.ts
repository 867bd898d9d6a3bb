import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDenylist } from './denylist.ts'

test('RV-5: a jti stays denied until its exp, then is forgotten', () => {
  let now = 1_000_000
  const list = createDenylist({ clock: () => now })
  assert.ok(list.add('a', 1_060))
  assert.ok(list.has('a'))
  assert.not.ok(list.has('b'))
  now = 1_059_999
  assert.ok(list.has('a'))
  now = 1_060_000
  assert.not.ok(list.has('a'))
  assert.is(list.size, 0)
})

test('an already expired token needs no entry', () => {
  const list = createDenylist({ clock: () => 5_000_000 })
  assert.ok(list.add('old', 4_000))
  assert.is(list.size, 0)
})

test('RV-4: when full of unexpired ids, add refuses; expired ids are purged first', () => {
  let now = 0
  const list = createDenylist({ maxEntries: 2, clock: () => now })
  assert.ok(list.add('a', 10))
  assert.ok(list.add('b', 100))
  assert.not.ok(list.add('c', 100), 'full')
  assert.ok(list.has('a') && list.has('b'))
  now = 20_000
  assert.ok(list.add('c', 100), 'a expired and was purged')
  assert.ok(list.add('c', 50), 're-adding keeps the later expiry')
  now = 60_000
  assert.ok(list.has('c'))
})

test.run()
