// Tests of claim helpers: scope parsing (RFC 8693 §4.2, RFC 6749 §3.3) and reserved names.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REQUIRED_CLAIMS, RESERVED_CLAIMS, isScopeToken, parseScope, scopesOf } from './claims.ts'

test('scopesOf splits the space-separated scope claim, without empties or duplicates', () => {
  assert.equal(scopesOf({ scope: 'tools:call tools:list' }), ['tools:call', 'tools:list'])
  assert.equal(scopesOf({ scope: ' a  b a ' }), ['a', 'b'])
  assert.equal(scopesOf({ scope: '' }), [])
  assert.equal(scopesOf({}), [])
  assert.equal(scopesOf({ scope: 42 as never }), [])
})

test('parseScope and isScopeToken follow RFC 6749 §3.3', () => {
  assert.equal(parseScope('a b'), ['a', 'b'])
  assert.ok(isScopeToken('tools:call'))
  assert.ok(isScopeToken('!#[]~'))
  for (const bad of ['', 'a b', '"', '\\', 'é', '\t', '\x7f']) assert.not.ok(isScopeToken(bad), bad)
})

test('JW-2: every required claim is reserved', () => {
  for (const claim of REQUIRED_CLAIMS) assert.ok(RESERVED_CLAIMS.has(claim), claim)
  assert.ok(RESERVED_CLAIMS.has('scope'))
  assert.ok(RESERVED_CLAIMS.has('nbf'))
})

test.run()
