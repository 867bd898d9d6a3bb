import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createKnownSources } from './known-sources.ts'

test('a source is known after a correct secret, for the ttl, per client', () => {
  let now = 0
  const known = createKnownSources({ ttlMs: 1000, clock: () => now })
  assert.is(known.get('c', '192.0.2.1'), undefined)
  known.remember('c', '192.0.2.1')
  assert.ok(known.get('c', '192.0.2.1'))
  assert.is(known.get('other', '192.0.2.1'), undefined, 'only for that client')
  now = 1000
  assert.is(known.get('c', '192.0.2.1'), undefined, 'forgotten after the ttl')
})

test('a known source is limited by its own failures; a success does not wipe them', () => {
  let now = 0
  const known = createKnownSources({ limit: 2, windowMs: 60_000, clock: () => now })
  known.remember('c', 's')
  known.get('c', 's')!.fail()
  known.remember('c', 's')
  known.get('c', 's')!.fail()
  assert.is(known.get('c', 's')!.retryAfter(), 60)
  now = 60_000
  assert.is(known.get('c', 's')!.retryAfter(), 0)
})

test('at most perClient sources per client; the least recently successful goes', () => {
  const known = createKnownSources({ perClient: 2 })
  known.remember('c', 'a')
  known.remember('c', 'b')
  known.remember('c', 'a')
  known.remember('c', 'x')
  assert.ok(known.get('c', 'a') && known.get('c', 'x'))
  assert.is(known.get('c', 'b'), undefined)
})

test.run()
