import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  digestOfHash,
  generateClientSecret,
  hashClientSecret,
  secretMatches,
  SECRET_HASH_PATTERN,
  timingSafeEqual,
} from './secret.ts'

test('hashClientSecret is sha256:<hex of SHA-256(UTF-8)> (FIPS 180-2 "abc" vector)', async () => {
  assert.is(
    await hashClientSecret('abc'),
    'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  )
  assert.ok(SECRET_HASH_PATTERN.test(await hashClientSecret('é')))
})

test('generated secrets are 43 base64url characters (256 bits) and differ', () => {
  const a = generateClientSecret()
  const b = generateClientSecret()
  assert.match(a, /^[A-Za-z0-9_-]{43}$/)
  assert.is.not(a, b)
})

test('OA-11: timingSafeEqual compares equal-length bytes fully; different lengths are unequal', () => {
  assert.ok(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])))
  assert.not.ok(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])))
  assert.not.ok(timingSafeEqual(new Uint8Array([9, 2, 3]), new Uint8Array([1, 2, 3])))
  assert.not.ok(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])))
})

test('secretMatches checks a secret against a stored hash', async () => {
  const secret = generateClientSecret()
  const digest = digestOfHash(await hashClientSecret(secret))
  assert.ok(await secretMatches(secret, digest))
  assert.not.ok(await secretMatches(`${secret}x`, digest))
  assert.throws(() => digestOfHash('sha256:xyz'), TypeError)
  assert.throws(() => digestOfHash(`md5:${'0'.repeat(64)}`), TypeError)
})

test.run()
