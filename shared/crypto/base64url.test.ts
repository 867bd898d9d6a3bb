// Tests of the strict base64url codec (FN-5, FN-6): RFC 4648 §10 vectors, agreement with
// Node's Buffer codec, and every rejection rule, for the default codec, the portable fallback
// (forced) and the runtime's native codec: under Deno, where Uint8Array.fromBase64 exists, this
// same file runs again from the last test.
import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  decodeBase64Url,
  encodeBase64Url,
  nativeCodec,
  portableCodec,
  type Base64UrlCodec,
} from './base64url.ts'

type Encode = (bytes: Uint8Array, pad?: boolean) => string
type Decode = (text: string) => Uint8Array | undefined

const codecs: Array<[string, Encode, Decode]> = [
  ['default', encodeBase64Url, decodeBase64Url],
  ['portable', (b, pad) => portableCodec.encode(b, pad), (t) => portableCodec.decode(t)],
  ...(nativeCodec
    ? [['native', nativeCodec.encode, nativeCodec.decode] as [string, Encode, Decode]]
    : []),
]
const underDeno = 'Deno' in globalThis

const ascii = (text: string) => new TextEncoder().encode(text)
/** Node's (unpadded) base64url of `bytes`, padded to a multiple of 4. */
const reference = (bytes: Uint8Array, pad = true) => {
  const text = Buffer.from(bytes).toString('base64url')
  return pad ? text + '='.repeat((4 - (text.length % 4)) % 4) : text
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed | 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

// RFC 4648 §10 test vectors (their characters are in both alphabets).
const rfc4648: Array<[string, string]> = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
]

for (const [name, encode, decode] of codecs) {
  test(`${name}: RFC 4648 §10 vectors, padded (FN-5) and unpadded`, () => {
    for (const [plain, encoded] of rfc4648) {
      assert.is(encode(ascii(plain)), encoded)
      assert.is(encode(ascii(plain), false), encoded.replace(/=+$/, ''))
      assert.equal(decode(encoded), ascii(plain))
      assert.equal(decode(encoded.replace(/=+$/, '')), ascii(plain))
    }
  })

  test(`${name}: uses - and _ (RFC 4648 §5) and agrees with Buffer for 0..300 and 64 KiB`, () => {
    assert.is(encode(new Uint8Array([0xfb, 0xff, 0xbf])), '-_-_')
    assert.equal(decode('-_-_'), new Uint8Array([0xfb, 0xff, 0xbf]))
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 65536, 65537]
    for (const length of lengths) {
      const bytes = bytesOf(length, length + 7)
      const padded = reference(bytes)
      const unpadded = reference(bytes, false)
      assert.is(encode(bytes), padded, `encode ${length}`)
      assert.is(encode(bytes, false), unpadded, `encode unpadded ${length}`)
      assert.equal(decode(padded), bytes, `decode ${length}`)
      assert.equal(decode(unpadded), bytes, `decode unpadded ${length}`)
    }
  })

  test(`${name}: encodes subarrays at any offset`, () => {
    const bytes = bytesOf(100, 3)
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [48, 49, 50]) {
        const view = bytes.subarray(offset, offset + length)
        assert.is(encode(view), reference(view), `offset ${offset}, length ${length}`)
      }
    }
  })

  test(`${name}: rejects characters outside the base64url alphabet (FN-6)`, () => {
    const good = 'Zm9vYmFyZm9v' // "foobarfoo"
    assert.ok(decode(good))
    const bad = ['+', '/', ' ', '\n', '\t', '%', '.', '=', '\0', 'é', '€', '\u{1F510}', '\uD800']
    for (const char of bad) {
      for (const at of [0, 5, good.length - 1]) {
        const text = good.slice(0, at) + char + good.slice(at + 1)
        assert.is(decode(text), undefined, `${JSON.stringify(char)} at ${at}`)
      }
      assert.is(decode(good + char), undefined, `${JSON.stringify(char)} appended`)
    }
    // Every position of a longer text, so each lane of the word-wise loops is covered.
    const long = reference(bytesOf(75, 11), false)
    assert.is(long.length, 100)
    assert.ok(decode(long))
    for (let at = 0; at < long.length; at++) {
      for (const char of [' ', '+', '=', '\0', '\x7f', 'é']) {
        const text = long.slice(0, at) + char + long.slice(at + 1)
        assert.is(decode(text), undefined, `${JSON.stringify(char)} at ${at}`)
      }
    }
    // Characters Buffer would silently skip (FN-6).
    assert.is(decode('%%%%%%%%gAAA'), undefined)
    assert.is(decode('Zm9v\r\nYmFy'), undefined)
    // Standard base64 is a different alphabet.
    assert.is(decode('+/+/'), undefined)
  })

  test(`${name}: rejects impossible lengths and malformed padding (FN-6)`, () => {
    for (const text of ['Z', 'Zm9vY', 'Zm9vYmFyZ', 'Z===', 'Zg=', 'Zg===', 'Zm8==', '=', '==']) {
      assert.is(decode(text), undefined, text)
    }
    for (const text of ['Zg==Zg==', 'Zm8=Zm8=', '=Zg=', 'Z=g=', 'Zm9v====']) {
      assert.is(decode(text), undefined, text)
    }
  })

  test(`${name}: rejects non-zero bits after the last byte (RFC 4648 §3.5)`, () => {
    assert.equal(decode('Zg=='), ascii('f'))
    assert.is(decode('Zh=='), undefined)
    assert.is(decode('Zh'), undefined)
    assert.equal(decode('Zm8='), ascii('fo'))
    assert.is(decode('Zm9='), undefined)
    assert.is(decode('Zm9'), undefined)
  })
}

test('the default codec is the native one where the runtime has it, else the portable one', () => {
  const native = typeof (Uint8Array as { fromBase64?: unknown }).fromBase64 === 'function'
  assert.is(nativeCodec !== undefined, native)
  const bytes = bytesOf(1000, 5)
  const codec: Base64UrlCodec = nativeCodec ?? portableCodec
  assert.is(encodeBase64Url(bytes), codec.encode(bytes))
  for (let length = 0; length < 200; length += 7) {
    const sample = bytesOf(length, length * 31 + 1)
    const text = encodeBase64Url(sample)
    assert.is(portableCodec.encode(sample), text)
    assert.equal(portableCodec.decode(text), decodeBase64Url(text))
  }
})

if (!underDeno) {
  test('under Deno the same tests pass with the native Uint8Array.fromBase64/toBase64 codec', () => {
    const deno = new URL('../../node_modules/.bin/deno', import.meta.url).pathname
    const file = new URL(import.meta.url).pathname
    const { status, stdout, stderr } = spawnSync(
      deno,
      ['run', '--quiet', '--no-prompt', '--allow-env', file],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
        timeout: 60_000,
      },
    )
    assert.is(status, 0, stderr + stdout)
    const total = Number(/Total:\s+(\d+)/.exec(stdout)?.[1])
    const passed = Number(/Passed:\s+(\d+)/.exec(stdout)?.[1])
    // Three codecs (default, portable, native) × 6 tests + 1: the native codec ran there.
    assert.is(total, 19, stdout)
    assert.is(passed, total, stdout)
  })
}

test.run()
