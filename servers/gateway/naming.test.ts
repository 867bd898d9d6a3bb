// Exposed tool names: prefixed only on collision, sanitized, ≤ 60 chars, order-independent.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { assignToolNames, MAX_TOOL_NAME_LENGTH, sanitizeName, shortHash } from './naming.ts'

test('unique names are kept; shared names get the server prefix on every side', () => {
  const names = assignToolNames([
    { server: 'security', tool: 'test_pii_detection' },
    { server: 'example', tool: 'echo' },
    { server: 'fixture', tool: 'echo' },
    { server: 'sequential-thinking', tool: 'sequentialthinking' },
  ])
  assert.equal(names, ['test_pii_detection', 'example_echo', 'fixture_echo', 'sequentialthinking'])
})

test('names are sanitized to [A-Za-z0-9_-] and stay distinct', () => {
  assert.is(sanitizeName('resolve-library id.v2/ü'), 'resolve-library_id_v2__')
  assert.is(sanitizeName(''), '_')
  const names = assignToolNames([
    { server: 'a', tool: 'get.thing' },
    { server: 'b', tool: 'get_thing' },
  ])
  assert.equal(names, ['a_get_thing', 'b_get_thing'])
})

test('the result does not depend on the order of the requests (stable across restarts)', () => {
  const requests = [
    { server: 'x', tool: 'echo' },
    { server: 'y', tool: 'echo' },
    { server: 'y', tool: 'z'.repeat(80) },
    { server: 'a', tool: 'b_c' },
    { server: 'a_b', tool: 'c' },
    { server: 'a_b', tool: 'b_c' },
  ]
  const forward = assignToolNames(requests)
  const backward = assignToolNames([...requests].reverse()).reverse()
  assert.equal(forward, backward)
})

test('long names are cut to 60 characters with a hash suffix; two long names stay apart', () => {
  const long = 'describe_'.repeat(10)
  const [one, two] = assignToolNames([
    { server: 's', tool: `${long}one` },
    { server: 's', tool: `${long}two` },
  ])
  assert.is(one!.length, MAX_TOOL_NAME_LENGTH)
  assert.is(two!.length, MAX_TOOL_NAME_LENGTH)
  assert.is.not(one, two)
  assert.ok(one!.startsWith(long.slice(0, 51)))
  assert.match(one!, /_[0-9a-f]{8}$/)
})

test('a prefixed name equal to another tool’s own name is disambiguated by hash', () => {
  // a_b/c and q/c share `c` → `a_b_c` and `q_c`; a's own `a_b_c` is unique as a tool name.
  const names = assignToolNames([
    { server: 'a', tool: 'a_b_c' },
    { server: 'a_b', tool: 'c' },
    { server: 'q', tool: 'c' },
  ])
  assert.is(new Set(names).size, 3, names.join(' '))
  assert.match(names[0]!, /^a_b_c_[0-9a-f]{8}$/)
  assert.match(names[1]!, /^a_b_c_[0-9a-f]{8}$/)
  assert.is(names[2], 'q_c')
})

test('shortHash is FNV-1a 32 (known answers)', () => {
  assert.is(shortHash(''), '811c9dc5')
  assert.is(shortHash('a'), 'e40c292c')
  assert.is(shortHash('foobar'), 'bf9cf968')
})

test.run()
