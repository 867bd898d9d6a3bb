// Tests of Fernet key handling (FN-1): decoding one key, parsing FERNET_KEY / FERNET_KEY_FILE
// text, generating keys.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FernetError, FernetKeyError } from './errors.ts'
import { FernetKeyRing } from './fernet.ts'
import { decodeFernetKey, generateFernetKey, parseFernetKeys } from './keys.ts'

// The key of the fernet/spec vectors and two more fixed keys.
const K1 = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4='
const K2 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const K3 = '_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-8='

/** The error `fn` throws, asserted to be a FernetKeyError. */
function keyError(fn: () => unknown): FernetKeyError {
  try {
    fn()
  } catch (error) {
    assert.instance(error, FernetKeyError)
    assert.instance(error, FernetError)
    assert.is((error as FernetKeyError).code, 'ERR_FERNET_KEY')
    return error as FernetKeyError
  }
  assert.unreachable('expected a FernetKeyError')
  throw new Error('unreachable')
}

test('FN-1: a key decodes to 32 bytes, signing half first, padded or unpadded', () => {
  const bytes = decodeFernetKey(K2)
  assert.equal(
    bytes,
    Uint8Array.from({ length: 32 }, (_, i) => i),
  )
  assert.equal(decodeFernetKey(K2.replace(/=$/, '')), bytes)
})

test('FN-1: wrong-length keys are rejected with their length, never their value', () => {
  const short = Buffer.from(new Uint8Array(31).fill(7)).toString('base64url')
  const error = keyError(() => decodeFernetKey(short))
  assert.is(error.message, 'Fernet key must be 32 bytes of base64url, got 31 bytes')
  assert.not.ok(error.message.includes(short))
  assert.match(keyError(() => decodeFernetKey('')).message, /got 0 bytes/)
  const long = Buffer.from(new Uint8Array(33)).toString('base64url')
  assert.match(keyError(() => decodeFernetKey(long)).message, /got 33 bytes/)
})

test('FN-6: keys that are not strict base64url are rejected without echoing them', () => {
  const standard = Buffer.from(decodeFernetKey(K3)).toString('base64') // has + and /
  assert.match(standard, /[+/]/)
  const error = keyError(() => decodeFernetKey(standard))
  assert.match(error.message, /standard base64 \(\+ \/\) instead of base64url/)
  assert.not.ok(error.message.includes(standard))
  const spaced = `${K1.slice(0, 10)} ${K1.slice(11)}`
  assert.is(
    keyError(() => decodeFernetKey(spaced)).message,
    'Fernet key must be 32 bytes of base64url, got 44 characters that are not base64url',
  )
  keyError(() => decodeFernetKey(K1.slice(0, 42) + '%='))
  assert.is(
    keyError(() => decodeFernetKey(undefined as unknown as string)).message,
    'Fernet key must be 32 bytes of base64url, got undefined instead of text',
  )
  assert.match(
    keyError(() => decodeFernetKey(K1.slice(1), '2 of 3')).message,
    /^Fernet key 2 of 3 must/,
  )
})

test('parseFernetKeys: FERNET_KEY, comma-separated, whitespace tolerant, order kept', () => {
  assert.equal(parseFernetKeys(K1), [K1])
  assert.equal(parseFernetKeys(`${K1},${K2}`), [K1, K2])
  assert.equal(parseFernetKeys(`  ${K1} ,\t${K2} , ${K3}  `), [K1, K2, K3])
  assert.equal(parseFernetKeys(`${K2},${K1},`), [K2, K1])
  assert.equal(parseFernetKeys(`,${K1},,${K2}`), [K1, K2])
  assert.equal(parseFernetKeys(`${K1}\n`), [K1])
})

test('parseFernetKeys: FERNET_KEY_FILE lines, blank lines, # comments, CRLF', () => {
  const file = [
    '# Fernet keys, newest first',
    '',
    `${K1}   # current`,
    '   ',
    `  ${K2}, ${K3}`,
    '#' + K2,
    '',
  ].join('\r\n')
  assert.equal(parseFernetKeys(file), [K1, K2, K3])
  assert.equal(parseFernetKeys(`${K1}\n${K2}\r${K3}`), [K1, K2, K3])
})

test('parseFernetKeys: empty input is a clear error', () => {
  for (const text of ['', '   ', '\n\n', ',,', '# only a comment\n', ' , \n # x']) {
    assert.match(keyError(() => parseFernetKeys(text)).message, /^No Fernet key given/)
  }
  keyError(() => parseFernetKeys(undefined as unknown as string))
})

test('parseFernetKeys: a bad key is named by position (and line), never echoed', () => {
  const bad = K2.slice(0, 40) // 30 bytes
  const inline = keyError(() => parseFernetKeys(`${K1}, ${bad}, ${K3}`))
  assert.is(inline.message, 'Fernet key 2 must be 32 bytes of base64url, got 30 bytes')
  const file = keyError(() => parseFernetKeys(`# keys\n${K1}\n\n${K2}, ${bad}\n`))
  assert.is(file.message, 'Fernet key 3 (line 4) must be 32 bytes of base64url, got 30 bytes')
  for (const error of [inline, file]) assert.not.ok(error.message.includes(bad))
  const secret = 'not-a-key-but-a-password!'
  const message = keyError(() => parseFernetKeys(secret)).message
  assert.is(
    message,
    'Fernet key 1 must be 32 bytes of base64url, got 25 characters that are not base64url',
  )
})

test('generateFernetKey: padded base64url of 32 random bytes, like Fernet.generate_key()', () => {
  const keys = new Set<string>()
  for (let i = 0; i < 50; i++) {
    const key = generateFernetKey()
    assert.match(key, /^[A-Za-z0-9_-]{43}=$/)
    assert.is(decodeFernetKey(key).length, 32)
    assert.is(Buffer.from(key, 'base64url').toString('base64url') + '=', key)
    keys.add(key)
  }
  assert.is(keys.size, 50)
})

test('generateFernetKey: a generated key parses and round-trips a token', async () => {
  const key = generateFernetKey()
  assert.equal(parseFernetKeys(` ${key} `), [key])
  const ring = await FernetKeyRing.create(parseFernetKeys(key))
  assert.is(await ring.decryptText(await ring.encrypt('round trip')), 'round trip')
})

test.run()
