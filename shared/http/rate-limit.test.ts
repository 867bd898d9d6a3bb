import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createRateLimiter } from './rate-limit.ts'

test('OA-10: the (limit+1)th event in a window is limited with Retry-After seconds', () => {
  let now = 1_000_000
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, clock: () => now })
  assert.is(limiter.retryAfter('a'), 0)
  assert.is(limiter.hit('a'), 0)
  assert.is(limiter.hit('a'), 0)
  assert.is(limiter.hit('a'), 60) // third hit reaches the limit: the next event must wait
  assert.is(limiter.retryAfter('a'), 60)
  now += 30_500
  assert.is(limiter.retryAfter('a'), 30)
  assert.is(limiter.retryAfter('b'), 0, 'keys are independent')
  now += 29_500
  assert.is(limiter.retryAfter('a'), 0, 'a new window starts after windowMs')
  assert.is(limiter.hit('a'), 0)
})

test('Retry-After is at least 1 second while limited', () => {
  let now = 0
  const limiter = createRateLimiter({ limit: 1, windowMs: 1000, clock: () => now })
  limiter.hit('k')
  now = 999
  assert.is(limiter.retryAfter('k'), 1)
})

test('a stricter limit can be asked for one check', () => {
  const limiter = createRateLimiter({ limit: 10, windowMs: 60_000, clock: () => 0 })
  assert.is(limiter.retryAfter('a', 1), 0, 'no event yet')
  limiter.hit('a')
  assert.is(limiter.retryAfter('a'), 0)
  assert.is(limiter.retryAfter('a', 1), 60)
  assert.is(limiter.retryAfter('a', 50), 0, 'never looser than the limit')
})

test('reset forgets a key; when full, the oldest window below the limit makes room', () => {
  const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, maxKeys: 2, clock: () => 0 })
  limiter.hit('a')
  limiter.hit('b')
  limiter.hit('c')
  assert.is(limiter.size, 2)
  limiter.hit('a')
  assert.is(limiter.retryAfter('a'), 0, 'a was dropped, its one event forgotten')
  limiter.hit('c')
  assert.ok(limiter.retryAfter('c') > 0)
  limiter.reset('c')
  assert.is(limiter.retryAfter('c'), 0)
})

test('spread attack: a flood of new keys never flushes a penalty (issue: eviction of the oldest key)', () => {
  let now = 0
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, maxKeys: 100, clock: () => now })
  for (let i = 0; i < 3; i++) limiter.hit('victim-id')
  assert.is(limiter.retryAfter('victim-id'), 60)
  for (let i = 0; i < 10_000; i++) limiter.hit(`spray-${i}`)
  assert.ok(limiter.size <= 100, 'memory stays bounded')
  assert.is(limiter.retryAfter('victim-id'), 60, 'the penalty survived the flood')
  now += 60_000
  assert.is(limiter.retryAfter('victim-id'), 0, 'and ends with its window')
})

test('when full, the oldest window below the limit goes, even behind an older penalty', () => {
  const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, maxKeys: 3, clock: () => 0 })
  limiter.hit('penalised')
  limiter.hit('penalised')
  limiter.hit('b')
  limiter.hit('c')
  limiter.hit('d')
  assert.ok(limiter.retryAfter('penalised') > 0, 'the older penalty is kept')
  assert.ok(limiter.hit('c') > 0 && limiter.hit('d') > 0, 'c and d were kept: b made room')
})

test('resets and expiries in any order keep the eviction order right', () => {
  let now = 0
  const limiter = createRateLimiter({ limit: 2, windowMs: 1000, maxKeys: 50, clock: () => now })
  for (let round = 0; round < 200; round++) {
    now += 100
    for (let i = 0; i < 40; i++) limiter.hit(`k${round}-${i}`)
    for (let i = 0; i < 40; i += 2) limiter.reset(`k${round}-${i}`)
  }
  assert.ok(limiter.size <= 50)
  limiter.hit('p')
  limiter.hit('p')
  for (let i = 0; i < 500; i++) limiter.hit(`fresh-${i}`)
  assert.ok(limiter.retryAfter('p') > 0)
  now += 1000
  assert.is(limiter.retryAfter('p'), 0)
})

test('full of penalties: untracked keys share one overflow window instead of evicting', () => {
  let now = 0
  const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, maxKeys: 3, clock: () => now })
  for (const key of ['a', 'b', 'c']) (limiter.hit(key), limiter.hit(key))
  assert.is(limiter.retryAfter('fresh'), 0, 'an untracked key is free while the overflow is')
  assert.is(limiter.hit('x'), 0)
  assert.is(limiter.hit('y'), 60, 'x and y share the overflow, which is now at its limit')
  assert.is(limiter.retryAfter('fresh'), 60, 'conservative: fresh keys wait too')
  for (const key of ['a', 'b', 'c']) assert.is(limiter.retryAfter(key), 60, `${key} kept`)
  assert.is(limiter.size, 3)
  now += 60_000
  assert.is(limiter.retryAfter('fresh'), 0)
  assert.is(limiter.hit('d'), 0, 'expired penalties make room again')
  assert.is(limiter.retryAfter('a'), 0)
})

test('options are checked at construction', () => {
  assert.throws(() => createRateLimiter({ limit: 0, windowMs: 1 }), RangeError)
  assert.throws(() => createRateLimiter({ limit: 1, windowMs: 0 }), RangeError)
  assert.throws(() => createRateLimiter({ limit: 1, windowMs: 1, maxKeys: 0 }), RangeError)
})

test.run()
