import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { restartDelay } from './backoff.ts'

test('restart delays double from the initial delay and stop at the cap', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n))
  assert.equal(delays, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
  assert.is(restartDelay(0), 500)
  assert.is(restartDelay(1000), 30_000)
  assert.equal(
    [1, 2, 3].map((n) => restartDelay(n, { initialDelayMs: 10, maxDelayMs: 25 })),
    [10, 20, 25],
  )
})

test.run()
