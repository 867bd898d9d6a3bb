import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cachedVerifier, tokenDigest } from './verified-token-cache.ts'

function counter(exp: number | undefined) {
  const calls: string[] = []
  const verify = async (token: string) => {
    calls.push(token)
    if (token.startsWith('bad')) throw new Error('invalid')
    return { sub: token, exp }
  }
  return { calls, verify }
}

test('a verified token is answered from the cache until exp', async () => {
  let now = 1_000_000
  const { calls, verify } = counter(1_060)
  const cached = cachedVerifier(verify, { clock: () => now })
  assert.equal(await cached('t1'), { sub: 't1', exp: 1_060 })
  await cached('t1')
  assert.is(calls.length, 1)
  now = 1_059_999
  await cached('t1')
  assert.is(calls.length, 1)
  now = 1_060_000
  await cached('t1')
  assert.is(calls.length, 2, 'at exp the token is verified again')
})

test('failures are never cached', async () => {
  const { calls, verify } = counter(Date.now() / 1000 + 60)
  const cached = cachedVerifier(verify)
  for (let i = 0; i < 2; i++) {
    try {
      await cached('bad')
      assert.unreachable()
    } catch (error) {
      assert.is((error as Error).message, 'invalid')
    }
  }
  assert.is(calls.length, 2)
  assert.is(cached.size, 0)
})

test('results without a numeric exp are not cached', async () => {
  const { calls, verify } = counter(undefined)
  const cached = cachedVerifier(verify)
  await cached('t')
  await cached('t')
  assert.is(calls.length, 2)
})

test('the least recently used token is dropped beyond maxEntries', async () => {
  const { calls, verify } = counter(Date.now() / 1000 + 600)
  const cached = cachedVerifier(verify, { maxEntries: 2 })
  await cached('a')
  await cached('b')
  await cached('a') // a is now most recent
  await cached('c') // drops b
  assert.is(cached.size, 2)
  await cached('a')
  assert.is(calls.filter((t) => t === 'a').length, 1)
  await cached('b')
  assert.is(calls.filter((t) => t === 'b').length, 2)
  cached.clear()
  assert.is(cached.size, 0)
})

test('tokenDigest is the SHA-256 hex of the token (FIPS 180-2 "abc" vector)', async () => {
  assert.is(
    await tokenDigest('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  )
})

test.run()
