import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sourceOf } from './sources.ts'

test('IPv4 is itself; IPv4-mapped IPv6 is its IPv4; IPv6 is its /64', () => {
  assert.is(sourceOf('192.0.2.1'), '192.0.2.1')
  assert.is(sourceOf('::ffff:192.0.2.1'), '192.0.2.1')
  assert.is(sourceOf('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
  assert.is(sourceOf('2001:DB8:1:2::9'), '2001:db8:1:2::/64')
  assert.is(sourceOf('[2001:db8::1]'), '2001:db8:0:0::/64')
  assert.is(sourceOf('fe80::1%eth0'), 'fe80:0:0:0::/64')
})

test('no address, or an odd value, is one bounded key', () => {
  assert.is(sourceOf(undefined), 'unknown')
  assert.is(sourceOf(''), 'unknown')
  assert.is(sourceOf('1:2:3'), 'other:1%3A2%3A3')
  assert.is(sourceOf('::ffff:999.1.1.1'), 'other:%3A%3Affff%3A999.1.1.1')
  assert.is(sourceOf('x'.repeat(500)).length, 'other:'.length + 64, 'bounded')
  assert.is(sourceOf('a b'), 'other:a%20b', 'never a space: the pair key splits at the first one')
})

test.run()
