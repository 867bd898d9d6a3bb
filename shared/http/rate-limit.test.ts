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

test('reset forgets a key; maxKeys bounds memory by dropping the oldest', () => {
  const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 })
  limiter.hit('a')
  limiter.hit('b')
  limiter.hit('c')
  assert.is(limiter.size, 2)
  assert.is(limiter.retryAfter('a'), 0, 'a was dropped')
  assert.ok(limiter.retryAfter('c') > 0)
  limiter.reset('c')
  assert.is(limiter.retryAfter('c'), 0)
})

test('options are checked at construction', () => {
  assert.throws(() => createRateLimiter({ limit: 0, windowMs: 1 }), RangeError)
  assert.throws(() => createRateLimiter({ limit: 1, windowMs: 0 }), RangeError)
  assert.throws(() => createRateLimiter({ limit: 1, windowMs: 1, maxKeys: 0 }), RangeError)
})

test.run()
