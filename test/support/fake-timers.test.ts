// Tests of the fake clock the timer tests use: long timers wait for advance(), short ones stay
// real, clearTimeout works on both, and scheduled() is the event a test waits for.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { installFakeTimers } from './fake-timers.ts'

const realSetTimeout = globalThis.setTimeout

test('long timers run on advance(), in time order, and not before their time', () => {
  const clock = installFakeTimers()
  try {
    const ran: string[] = []
    setTimeout(() => ran.push('b'), 2_000)
    setTimeout(() => ran.push('a'), 1_000)
    const cleared = setTimeout(() => ran.push('cleared'), 1_500)
    clearTimeout(cleared)
    assert.equal(clock.pending(), [1_000, 2_000])
    clock.advance(999)
    assert.equal(ran, [])
    clock.advance(1_001)
    assert.equal(ran, ['a', 'b'])
    assert.is(clock.now(), 2_000)
    assert.equal(clock.pending(), [])
  } finally {
    clock.restore()
  }
})

test('a timer set by a running timer falls due within the same advance()', () => {
  const clock = installFakeTimers()
  try {
    const at: number[] = []
    setTimeout(() => {
      at.push(clock.now())
      setTimeout(() => at.push(clock.now()), 1_000)
    }, 1_000)
    clock.advance(5_000)
    assert.equal(at, [1_000, 2_000])
  } finally {
    clock.restore()
  }
})

test('short timers stay real; scheduled() waits for the timer a test expects', async () => {
  const clock = installFakeTimers()
  try {
    await new Promise((resolve) => setTimeout(resolve, 1))
    const seen = clock.scheduled(3_000)
    let settled = false
    void seen.then(() => (settled = true))
    setTimeout(() => {}, 1_000)
    await Promise.resolve()
    assert.is(settled, false, 'a 1 s timer is not the 3 s one')
    setTimeout(() => {}, 3_000)
    await seen
    await clock.scheduled()
  } finally {
    clock.restore()
  }
  assert.is(globalThis.setTimeout, realSetTimeout, 'restore() puts the real timers back')
})

test.run()
