// The fernet/spec test vectors (test/data/fernet, from fernet/spec @ 20dead47), pass criteria
// of FN-11: generate byte for byte, verify, and reject every invalid case with one error.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import generate from '../../test/data/fernet/generate.json' with { type: 'json' }
import invalid from '../../test/data/fernet/invalid.json' with { type: 'json' }
import verify from '../../test/data/fernet/verify.json' with { type: 'json' }
import { FernetInvalidTokenError, INVALID_TOKEN_MESSAGE } from './errors.ts'
import { FernetKeyRing } from './fernet.ts'

/** Vector times are RFC 3339 with an offset; Fernet wants seconds since the epoch. */
const seconds = (rfc3339: string) => Date.parse(rfc3339) / 1000

test('vector times parse to the Unix seconds of the spec vectors (FN-11)', () => {
  assert.is(seconds(generate[0]!.now), 499162800)
  assert.is(seconds(verify[0]!.now), 499162801)
  assert.is(generate.length, 1)
  assert.is(verify.length, 1)
  assert.is(invalid.length, 8)
})

test('FN-11/FN-5: generate.json is reproduced byte for byte (padded base64url)', async () => {
  for (const vector of generate) {
    const ring = await FernetKeyRing.create(vector.secret)
    const token = await ring.encrypt(vector.src, {
      now: seconds(vector.now),
      iv: Uint8Array.from(vector.iv),
    })
    assert.is(token, vector.token)
    assert.ok(token.endsWith('=='))
  }
})

test('FN-11: verify.json decrypts to src at now with ttl_sec', async () => {
  for (const vector of verify) {
    const ring = await FernetKeyRing.create(vector.secret)
    const options = { ttlSeconds: vector.ttl_sec, now: seconds(vector.now) }
    assert.is(await ring.decryptText(vector.token, options), vector.src)
    assert.equal(await ring.decrypt(vector.token, options), new TextEncoder().encode(vector.src))
    assert.is(await ring.extractTimestamp(vector.token), seconds(generate[0]!.now))
  }
})

test('FN-11: every invalid.json case is rejected with the one error type and message', async () => {
  const messages = new Set<string>()
  for (const vector of invalid) {
    const ring = await FernetKeyRing.create(vector.secret)
    const options = { ttlSeconds: vector.ttl_sec, now: seconds(vector.now) }
    for (const attempt of [
      () => ring.decrypt(vector.token, options),
      () => ring.decryptText(vector.token, options),
    ]) {
      await attempt().then(
        () => assert.unreachable(`accepted: ${vector.desc}`),
        (error: unknown) => {
          assert.instance(error, FernetInvalidTokenError, vector.desc)
          const { code, message, name } = error as FernetInvalidTokenError
          assert.is(code, 'ERR_FERNET_INVALID_TOKEN', vector.desc)
          assert.is(name, 'FernetInvalidTokenError')
          assert.not.ok('cause' in (error as Error), vector.desc)
          messages.add(message)
        },
      )
    }
  }
  assert.equal([...messages], [INVALID_TOKEN_MESSAGE])
})

test('FN-10: without a TTL the time-based invalid cases decrypt (their MACs are valid)', async () => {
  const timeOnly = ['far-future TS (unacceptable clock skew)', 'expired TTL']
  for (const vector of invalid.filter((v) => timeOnly.includes(v.desc))) {
    const ring = await FernetKeyRing.create(vector.secret)
    assert.is(await ring.decryptText(vector.token, { now: seconds(vector.now) }), '', vector.desc)
    assert.is(await ring.decryptText(vector.token), '', vector.desc)
  }
  const rest = invalid.filter((v) => !timeOnly.includes(v.desc))
  assert.is(rest.length, 6)
  for (const vector of rest) {
    const ring = await FernetKeyRing.create(vector.secret)
    await ring.decrypt(vector.token).then(
      () => assert.unreachable(`accepted without TTL: ${vector.desc}`),
      (error: unknown) => assert.instance(error, FernetInvalidTokenError, vector.desc),
    )
  }
})

test.run()
