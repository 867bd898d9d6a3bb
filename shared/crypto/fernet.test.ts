// Tests of FernetKeyRing: round trips, tampering, truncation, wrong keys, rotation, TTL
// boundaries, check order (FN-4/FN-10) and option validation.
import { createCipheriv, createHmac } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { TextEncryptor } from '../pii/types.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import {
  FernetError,
  FernetInvalidTokenError,
  FernetKeyError,
  INVALID_TOKEN_MESSAGE,
} from './errors.ts'
import { FernetKeyRing, MAX_CLOCK_SKEW_SECONDS } from './fernet.ts'
import { generateFernetKey } from './keys.ts'

const OLD = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4='
const NEW = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const NOW = 1_700_000_000

const utf8 = (text: string) => new TextEncoder().encode(text)

/** Asserts that `promise` rejects with the one invalid-token error (FN-11). */
async function rejects(promise: Promise<unknown>, label = ''): Promise<void> {
  await promise.then(
    () => assert.unreachable(`token accepted ${label}`),
    (error: unknown) => {
      assert.instance(error, FernetInvalidTokenError, label)
      assert.instance(error, FernetError, label)
      assert.is((error as FernetInvalidTokenError).code, 'ERR_FERNET_INVALID_TOKEN', label)
      assert.is((error as Error).message, INVALID_TOKEN_MESSAGE, label)
    },
  )
}

/** Token bytes, and the token re-encoded from edited bytes. */
const bytesOf = (token: string) => decodeBase64Url(token)!
const tokenOf = (bytes: Uint8Array) => encodeBase64Url(bytes)

test('the ring is a TextEncryptor for the PII encrypt policy', async () => {
  const ring: TextEncryptor = await FernetKeyRing.create(NEW)
  const token = await ring.encrypt('010-1234-5678')
  assert.match(token, /^gAAAAA[A-Za-z0-9_-]+=*$/)
})

test('FN-2/FN-3: round trips of empty, 1, 15, 16, 17 bytes and 1 MiB; token sizes', async () => {
  const ring = await FernetKeyRing.create(NEW)
  for (const length of [0, 1, 15, 16, 17, 1 << 20]) {
    const data = crypto.getRandomValues(new Uint8Array(Math.min(length, 65536)))
    const payload = new Uint8Array(length)
    for (let i = 0; i < length; i += data.length) payload.set(data.subarray(0, length - i), i)
    const token = await ring.encrypt(payload)
    const bytes = bytesOf(token)
    // FN-2: version ‖ timestamp ‖ IV ‖ PKCS#7-padded ciphertext ‖ HMAC.
    assert.is(bytes.length, 25 + (Math.floor(length / 16) + 1) * 16 + 32, `length ${length}`)
    assert.is(bytes[0], 0x80)
    assert.is(token.length % 4, 0, 'padded base64url (FN-5)')
    assert.equal(await ring.decrypt(token), payload, `length ${length}`)
  }
})

test('concurrent long and short operations do not disturb each other (shared buffers)', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const payloads = Array.from({ length: 12 }, (_, i) =>
    new Uint8Array(i % 2 ? 100_003 + i : 37 + i).fill(i + 1),
  )
  const tokens = await Promise.all(payloads.map((p) => ring.encrypt(p)))
  const plain = await Promise.all(tokens.map((t) => ring.decrypt(t)))
  plain.forEach((bytes, i) => assert.equal(bytes, payloads[i], `payload ${i}`))
  const mixed = await Promise.all(
    payloads.map(async (p, i) => (i % 3 ? ring.decrypt(await ring.encrypt(p)) : p)),
  )
  mixed.forEach((bytes, i) => assert.equal(bytes, payloads[i], `mixed ${i}`))
})

test('round trips non-ASCII text: Korean, emoji, BOM, NUL', async () => {
  const ring = await FernetKeyRing.create(NEW)
  for (const text of ['홍길동 010-1234-5678', '🔐👍🏽 fernet', '\uFEFFbom first', 'a\0b', '']) {
    const token = await ring.encrypt(text)
    assert.is(await ring.decryptText(token), text)
    assert.equal(await ring.decrypt(token), utf8(text))
  }
})

test('decryptText rejects a payload that is not UTF-8; decrypt returns its bytes', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const bytes = new Uint8Array([0x68, 0x69, 0xff, 0xfe])
  const token = await ring.encrypt(bytes)
  assert.equal(await ring.decrypt(token), bytes)
  await rejects(ring.decryptText(token), 'invalid UTF-8')
})

test('FN-3: every token gets a fresh IV; the timestamp is now', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const before = Math.floor(Date.now() / 1000)
  const tokens = await Promise.all(Array.from({ length: 300 }, () => ring.encrypt('same')))
  const after = Math.floor(Date.now() / 1000)
  const ivs = new Set(tokens.map((t) => tokenOf(bytesOf(t).subarray(9, 25))))
  assert.is(ivs.size, 300, 'unique across an IV pool refill')
  for (const token of tokens) {
    const timestamp = await ring.extractTimestamp(token)
    assert.ok(timestamp >= before && timestamp <= after, `${timestamp}`)
    assert.is(await ring.decryptText(token), 'same')
  }
})

test('FN-7: the timestamp is written and read as 64-bit big-endian', async () => {
  const ring = await FernetKeyRing.create(NEW)
  for (const now of [0, 1, 499162800, 2 ** 32, 2 ** 32 + 5, 2 ** 53 - 1]) {
    const token = await ring.encrypt('t', { now })
    const view = new DataView(bytesOf(token).buffer)
    assert.is(view.getBigUint64(1), BigInt(now))
    assert.is(await ring.extractTimestamp(token), now)
  }
  const token = await ring.encrypt('t', { now: 1234.99 })
  assert.is(await ring.extractTimestamp(token), 1234, 'fractions dropped')
})

/** A token built with node:crypto, for timestamps `encrypt` does not take (FN-7). */
function craftToken(key: string, stamp: bigint, plaintext: Uint8Array): string {
  const keyBytes = Buffer.from(key, 'base64url')
  const iv = Buffer.alloc(16, 1)
  const cipher = createCipheriv('aes-128-cbc', keyBytes.subarray(16), iv)
  const header = Buffer.alloc(9)
  header[0] = 0x80
  header.writeBigUInt64BE(stamp, 1)
  const signed = Buffer.concat([header, iv, cipher.update(plaintext), cipher.final()])
  const mac = createHmac('sha256', keyBytes.subarray(0, 16)).update(signed).digest()
  return Buffer.concat([signed, mac]).toString('base64url')
}

test('FN-7: a timestamp of 2^64 − 1 is read, kept by rotate, and fails a TTL check', async () => {
  const stamp = 2n ** 64n - 1n
  const token = craftToken(OLD, stamp, utf8('edge of time'))
  const ring = await FernetKeyRing.create([NEW, OLD])
  assert.is(await ring.decryptText(token), 'edge of time', 'no TTL, no time check')
  await rejects(ring.decrypt(token, { ttlSeconds: 60 }), 'far future with a TTL')
  assert.is(await ring.extractTimestamp(token), 2 ** 64)
  const rotated = await ring.rotate(token)
  const view = new DataView(bytesOf(rotated).buffer)
  assert.is(view.getBigUint64(1), stamp)
  assert.is(await (await FernetKeyRing.create(NEW)).decryptText(rotated), 'edge of time')
})

test('tampering: flipping any bit of version, timestamp, IV, ciphertext or HMAC is rejected', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const token = await ring.encrypt('sixteen byte msg + more', { now: NOW })
  const bytes = bytesOf(token)
  assert.is(bytes.length, 25 + 32 + 32)
  const regions: Array<[string, number, number]> = [
    ['version', 0, 1],
    ['timestamp', 1, 9],
    ['IV', 9, 25],
    ['ciphertext', 25, bytes.length - 32],
    ['HMAC', bytes.length - 32, bytes.length],
  ]
  let attempts = 0
  for (const [region, start, end] of regions) {
    for (let i = start; i < end; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const edited = bytes.slice()
        edited[i]! ^= 1 << bit
        await rejects(ring.decrypt(tokenOf(edited)), `${region} byte ${i} bit ${bit}`)
        attempts++
      }
    }
  }
  assert.is(attempts, bytes.length * 8)
  assert.is(await ring.decryptText(token), 'sixteen byte msg + more')
})

test('FN-2: truncated tokens and tokens with extra bytes are rejected', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const token = await ring.encrypt('a message of a few blocks, long enough to cut', { now: NOW })
  const bytes = bytesOf(token)
  for (const cut of [1, 15, 16, 32, 48, bytes.length - 73, bytes.length - 1, bytes.length]) {
    await rejects(ring.decrypt(tokenOf(bytes.subarray(0, bytes.length - cut))), `cut ${cut} end`)
    await rejects(ring.decrypt(tokenOf(bytes.subarray(cut))), `cut ${cut} start`)
  }
  for (const extra of [1, 15, 16, 32]) {
    const longer = new Uint8Array(bytes.length + extra)
    longer.set(bytes)
    await rejects(ring.decrypt(tokenOf(longer)), `${extra} zero bytes appended`)
    const shifted = new Uint8Array(bytes.length + extra)
    shifted.set(bytes, extra)
    shifted[0] = 0x80
    await rejects(ring.decrypt(tokenOf(shifted)), `${extra} bytes inserted`)
  }
  await rejects(ring.decrypt(token.replace(/=+$/, '').slice(0, -1)), 'last character cut')
  await rejects(ring.decrypt(token + 'AAAA'), 'characters appended')
  await rejects(ring.decrypt(token + token), 'two tokens')
  await rejects(ring.decrypt(''), 'empty')
})

test('FN-6: bad base64 characters and impossible lengths are rejected', async () => {
  const ring = await FernetKeyRing.create(OLD)
  // Fixed IV and time (those of generate.json): the token has a '_' for the alphabet check.
  const iv = Uint8Array.from({ length: 16 }, (_, i) => i)
  const token = await ring.encrypt('hello', { now: 499162800, iv })
  assert.match(token, /[-_]/)
  assert.is(await ring.decryptText(token), 'hello')
  const body = token.replace(/=+$/, '')
  assert.is(await ring.decryptText(body), 'hello', 'unpadded is accepted')
  for (const char of ['+', '/', ' ', '\n', '%', '.', '=', 'é', '\u{1F510}']) {
    for (const at of [0, 10, body.length - 1]) {
      const edited = body.slice(0, at) + char + body.slice(at + 1)
      await rejects(ring.decrypt(edited), `${JSON.stringify(char)} at ${at}`)
    }
  }
  await rejects(ring.decrypt(` ${token}`), 'leading space')
  await rejects(ring.decrypt(`${token}\n`), 'trailing newline')
  await rejects(ring.decrypt(token.replace(/-/g, '+').replace(/_/g, '/')), 'standard alphabet')
  await rejects(ring.decrypt(body + 'A'), 'length 4n+1')
  await rejects(ring.decrypt(body + '='), 'wrong padding')
  await rejects(ring.decrypt(body + '==='), 'too much padding')
  await rejects(ring.decrypt(undefined as unknown as string), 'not a string')
  await rejects(ring.decrypt(42 as unknown as string), 'a number')
})

test('a token of another key is rejected; decrypt, decryptText, extractTimestamp, rotate', async () => {
  // A fixed IV: decrypting with the wrong AES key gives bad padding for this token, where a
  // random one would by chance (about 1 in 256) end in a valid PKCS#7 pad.
  const iv = new Uint8Array(16).fill(7)
  const token = await (await FernetKeyRing.create(OLD)).encrypt('secret', { now: NOW, iv })
  const other = await FernetKeyRing.create(NEW)
  await rejects(other.decrypt(token))
  await rejects(other.decryptText(token))
  await rejects(other.extractTimestamp(token))
  await rejects(other.rotate(token))
  // Same signing half, other encryption half: the MAC verifies, the padding fails (FN-8).
  const sameSigning = encodeBase64Url(
    new Uint8Array([...bytesOf(OLD).subarray(0, 16), ...bytesOf(NEW).subarray(16)]),
  )
  const half = await FernetKeyRing.create(sameSigning)
  await rejects(half.decrypt(token), 'right MAC key, wrong AES key')
})

test('rotation: [new, old] reads both keys’ tokens and writes with the first key only', async () => {
  const oldRing = await FernetKeyRing.create(OLD)
  const newRing = await FernetKeyRing.create([NEW])
  const ring = await FernetKeyRing.create([NEW, OLD])
  assert.is(ring.size, 2)
  const oldToken = await oldRing.encrypt('from the old key')
  assert.is(await ring.decryptText(oldToken), 'from the old key')
  const token = await ring.encrypt('from the ring')
  assert.is(await newRing.decryptText(token), 'from the ring')
  await rejects(oldRing.decrypt(token), 'old key alone cannot read the ring’s token')
  // Rotate re-encrypts under the first key and keeps the timestamp (MultiFernet.rotate).
  const aged = await oldRing.encrypt('aged', { now: NOW })
  const rotated = await ring.rotate(aged)
  assert.is(await newRing.decryptText(rotated), 'aged')
  assert.is(await newRing.extractTimestamp(rotated), NOW)
  await rejects(oldRing.decrypt(rotated))
})

test('a ring whose keys share a signing half still finds the key whose AES half fits', async () => {
  const sameSigning = encodeBase64Url(
    new Uint8Array([...bytesOf(OLD).subarray(0, 16), ...bytesOf(NEW).subarray(16)]),
  )
  const iv = new Uint8Array(16).fill(7) // fixed: see the test above
  const token = await (await FernetKeyRing.create(OLD)).encrypt('padding decides', { iv })
  const ring = await FernetKeyRing.create([sameSigning, OLD])
  assert.is(await ring.decryptText(token), 'padding decides')
})

test('FN-9/FN-10: TTL boundaries (exactly ttl old passes, ttl+1 fails; +60 s future passes, +61 s fails)', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const token = await ring.encrypt('ttl', { now: NOW })
  const at = (now: number, ttlSeconds = 60) => ring.decryptText(token, { ttlSeconds, now })
  assert.is(await at(NOW), 'ttl')
  assert.is(await at(NOW + 60), 'ttl', 'exactly ttl old')
  await rejects(at(NOW + 61), 'ttl + 1 old')
  assert.is(await at(NOW + 60.9), 'ttl', 'now is taken in whole seconds')
  await rejects(at(NOW + 1, 0), 'ttl 0, one second old')
  assert.is(await ring.decryptText(token, { ttlSeconds: 0, now: NOW }), 'ttl', 'ttl 0, same second')
  assert.is(MAX_CLOCK_SKEW_SECONDS, 60)
  assert.is(await at(NOW - 60), 'ttl', 'token 60 s in the future')
  await rejects(at(NOW - 61), 'token 61 s in the future')
  assert.is(await at(NOW - 60, 0), 'ttl', 'skew applies whatever the ttl')
  // Without a TTL there are no time checks at all (FN-10).
  assert.is(await ring.decryptText(token, { now: NOW + 10 ** 9 }), 'ttl')
  assert.is(await ring.decryptText(token, { now: 0 }), 'ttl')
  const future = await ring.encrypt('future', { now: 2 ** 53 - 1 })
  assert.is(await ring.decryptText(future), 'future')
  await rejects(ring.decryptText(future, { ttlSeconds: 10 ** 12 }), 'far future with a TTL')
})

test('TTL with the real clock: a fresh token passes, an old one fails', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const fresh = await ring.encrypt('fresh')
  assert.is(await ring.decryptText(fresh, { ttlSeconds: 60 }), 'fresh')
  const old = await ring.encrypt('old', { now: Math.floor(Date.now() / 1000) - 3600 })
  await rejects(ring.decryptText(old, { ttlSeconds: 60 }))
  assert.is(await ring.decryptText(old, { ttlSeconds: 7200 }), 'old')
  assert.is(await ring.decryptText(old), 'old')
})

type Counted = 'verify' | 'decrypt' | 'encrypt' | 'sign' | 'importKey'

/** Counts calls of crypto.subtle methods while `fn` runs. */
async function countSubtle(fn: () => Promise<unknown>): Promise<Record<Counted, number>> {
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>
  const counts: Record<Counted, number> = {
    verify: 0,
    decrypt: 0,
    encrypt: 0,
    sign: 0,
    importKey: 0,
  }
  const names = Object.keys(counts) as Counted[]
  const originals = names.map((name) => [name, subtle[name]!] as const)
  for (const [name, original] of originals) {
    subtle[name] = (...args: unknown[]) => {
      counts[name]++
      return original.apply(crypto.subtle, args)
    }
  }
  try {
    await fn().catch(() => undefined)
  } finally {
    for (const [name] of originals) delete subtle[name]
  }
  return counts
}

test('FN-4/FN-10: shape and TTL are checked before the HMAC, the HMAC before decrypting', async () => {
  const ring = await FernetKeyRing.create([NEW, OLD])
  const token = await ring.encrypt('order', { now: NOW })
  const edited = bytesOf(token)
  edited[edited.length - 1]! ^= 1
  const badMac = tokenOf(edited)
  assert.equal(await countSubtle(() => ring.decrypt(token)), {
    verify: 1,
    decrypt: 1,
    encrypt: 0,
    sign: 0,
    importKey: 0,
  })
  const expired = await countSubtle(() => ring.decrypt(token, { ttlSeconds: 60, now: NOW + 61 }))
  assert.is(expired.verify + expired.decrypt, 0, 'expired: no HMAC, no decryption')
  const future = await countSubtle(() => ring.decrypt(token, { ttlSeconds: 60, now: NOW - 61 }))
  assert.is(future.verify + future.decrypt, 0, 'too far in the future: no HMAC')
  const short = await countSubtle(() => ring.decrypt(token.slice(0, 60)))
  assert.is(short.verify + short.decrypt, 0, 'malformed: no HMAC')
  const forged = await countSubtle(() => ring.decrypt(badMac))
  assert.is(forged.verify, 2, 'bad MAC: every key tried')
  assert.is(forged.decrypt, 0, 'bad MAC: never decrypted')
  const timestamp = await countSubtle(() => ring.extractTimestamp(token))
  assert.is(timestamp.decrypt, 0, 'extractTimestamp never decrypts')
})

test('keys are imported into Web Crypto once, at ring creation, never per operation', async () => {
  let ring: FernetKeyRing | undefined
  const creation = await countSubtle(async () => {
    ring = await FernetKeyRing.create([NEW, OLD])
  })
  assert.is(creation.importKey, 4, 'HMAC and AES-CBC keys for each of two keys')
  const use = await countSubtle(async () => {
    const token = await ring!.encrypt('once', { now: NOW })
    await ring!.decryptText(token, { ttlSeconds: 60, now: NOW })
    await ring!.extractTimestamp(token)
    await ring!.rotate(token)
  })
  assert.equal(use, { verify: 3, decrypt: 2, encrypt: 2, sign: 2, importKey: 0 })
})

test('ring creation: one key or a list; no keys or a bad key is a FernetKeyError', async () => {
  assert.is((await FernetKeyRing.create(generateFernetKey())).size, 1)
  assert.is((await FernetKeyRing.create([OLD, NEW, generateFernetKey()])).size, 3)
  const failures: Array<[string | string[], RegExp]> = [
    [[], /at least one key/],
    [OLD.slice(0, 40), /^Fernet key must be 32 bytes of base64url, got 30 bytes$/],
    [[NEW, OLD.slice(1)], /^Fernet key 2 of 2 must be 32 bytes of base64url, got /],
    [`${NEW},${OLD}`, /not base64url/],
  ]
  for (const [keys, message] of failures) {
    await FernetKeyRing.create(keys).then(
      () => assert.unreachable(`accepted ${keys}`),
      (error: unknown) => {
        assert.instance(error, FernetKeyError)
        assert.is((error as FernetKeyError).code, 'ERR_FERNET_KEY')
        assert.match((error as Error).message, message)
        assert.not.ok((error as Error).message.includes(OLD.slice(1, 30)), 'key not echoed')
      },
    )
  }
})

test('options are checked: iv of 16 bytes, now and ttlSeconds as non-negative numbers', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const token = await ring.encrypt('x', { now: NOW })
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['iv of 15 bytes', () => ring.encrypt('x', { iv: new Uint8Array(15) })],
    ['iv of 17 bytes', () => ring.encrypt('x', { iv: new Uint8Array(17) })],
    ['negative now', () => ring.encrypt('x', { now: -1 })],
    ['NaN now', () => ring.encrypt('x', { now: Number.NaN })],
    ['infinite now', () => ring.encrypt('x', { now: Number.POSITIVE_INFINITY })],
    ['negative ttl', () => ring.decrypt(token, { ttlSeconds: -1 })],
    ['NaN ttl', () => ring.decrypt(token, { ttlSeconds: Number.NaN })],
    ['negative now on decrypt', () => ring.decrypt(token, { ttlSeconds: 1, now: -5 })],
  ]
  for (const [label, attempt] of cases) {
    await attempt().then(
      () => assert.unreachable(label),
      (error: unknown) => assert.instance(error, RangeError, label),
    )
  }
  await ring.encrypt(42 as unknown as string).then(
    () => assert.unreachable('number payload'),
    (error: unknown) => assert.instance(error, TypeError),
  )
})

test('a fixed IV and time give the same token; the payload is not in the token', async () => {
  const ring = await FernetKeyRing.create(NEW)
  const iv = new Uint8Array(16).fill(9)
  const a = await ring.encrypt('deterministic', { now: NOW, iv })
  const b = await ring.encrypt(utf8('deterministic'), { now: NOW, iv })
  assert.is(a, b)
  assert.equal(bytesOf(a).subarray(9, 25), iv)
  assert.not.ok(a.includes(encodeBase64Url(utf8('deterministic'), false).slice(0, 8)))
})

test.run()
