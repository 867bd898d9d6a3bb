import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FernetKeyRing, generateFernetKey } from '../../../shared/crypto/index.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import type { KeyRing } from '../deps.ts'
import { callOnce } from '../testing.ts'
import { MAX_PLAINTEXT_LENGTH } from './test-encryption.ts'

const NAME = 'test_encryption'
const EMAIL = 'kim.chulsoo@example.com'
const SECRET_TEXT = `고객 메일 ${EMAIL}, 주민등록번호 960121-1021413`

interface Out {
  token: string
  tokenLength: number
  plaintextBytes: number
  decryptsBack: boolean
  timestamp: string
  keyCount: number
  format: string
}

test('FN-3/FN-4: the token decrypts back with the configured key; the text is never returned', async () => {
  const key = generateFernetKey()
  const keyRing = await FernetKeyRing.create(key)
  const before = Date.now()
  // Results allowed through unmasked: the tool itself must not return the text.
  const { result, session } = await callOnce(
    NAME,
    { text: SECRET_TEXT },
    { keyRing, policy: { results: { default: 'allow' } } },
  )
  assert.not.ok(result.isError, textOf(result))
  const out = result.structuredContent as unknown as Out
  assert.ok(out.token.startsWith('gAAAAA'), 'version 0x80, base64url')
  assert.is(out.tokenLength, out.token.length)
  assert.is(out.plaintextBytes, new TextEncoder().encode(SECRET_TEXT).length)
  assert.is(out.decryptsBack, true)
  assert.is(out.keyCount, 1)
  const stamp = Date.parse(out.timestamp)
  assert.ok(stamp >= Math.floor(before / 1000) * 1000 - 1000 && stamp <= Date.now() + 1000)
  // An independent ring from the same key decrypts it.
  assert.is(await (await FernetKeyRing.create(key)).decryptText(out.token), SECRET_TEXT)
  const json = JSON.stringify(result)
  assert.not.ok(json.includes(EMAIL) || json.includes('960121-1021413'))
  assert.match(textOf(result), /decrypts back to the same text: yes\.\ngAAAAA/)
  const [record] = await session.audit.records()
  assert.equal([record?.outcome, record?.direction], ['ok', 'in'])
})

test('FN-12: Python cryptography (Debian) decrypts the token', async () => {
  const key = generateFernetKey()
  const { result } = await callOnce(
    NAME,
    { text: 'hello 세계' },
    { keyRing: await FernetKeyRing.create(key) },
  )
  const { token } = result.structuredContent as unknown as Out
  const python = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      'import sys; from cryptography.fernet import Fernet; ' +
        'sys.stdout.buffer.write(Fernet(sys.argv[1].encode()).decrypt(sys.argv[2].encode()))',
      key,
      token,
    ],
    { encoding: 'utf8' },
  )
  if (python.error || /No module named/.test(python.stderr)) {
    console.warn('skipped: /usr/bin/python3 with python3-cryptography is not available')
    return
  }
  assert.is(python.status, 0, python.stderr)
  assert.is(python.stdout, 'hello 세계')
})

test('key rotation: a ring of two keys encrypts with the first and says so', async () => {
  const [fresh, old] = [generateFernetKey(), generateFernetKey()]
  const keyRing = await FernetKeyRing.create([fresh, old])
  const { result } = await callOnce(NAME, { text: 'rotate me' }, { keyRing })
  const out = result.structuredContent as unknown as Out
  assert.is(out.keyCount, 2)
  assert.is(await (await FernetKeyRing.create(fresh)).decryptText(out.token), 'rotate me')
  assert.match(textOf(result), /with the first of 2 key\(s\)/)
})

test('a token that does not decrypt back is reported, not hidden', async () => {
  const real = await FernetKeyRing.create(generateFernetKey())
  const broken: KeyRing = {
    size: 1,
    encrypt: (text) => real.encrypt(text),
    extractTimestamp: (token) => real.extractTimestamp(token),
    decryptText: async () => 'something else',
  }
  const { result } = await callOnce(NAME, { text: 'abc' }, { keyRing: broken })
  assert.is((result.structuredContent as unknown as Out).decryptsBack, false)
  assert.match(textOf(result), /decrypts back to the same text: NO/)
  const throwing: KeyRing = {
    ...broken,
    decryptText: async () => {
      throw new Error('bad token')
    },
  }
  const second = await callOnce(NAME, { text: 'abc' }, { keyRing: throwing })
  assert.is((second.result.structuredContent as unknown as Out).decryptsBack, false)
})

test('no key configured: a ToolError that says how to configure one', async () => {
  const { result, session } = await callOnce(NAME, { text: 'abc' })
  assert.is(result.isError, true)
  assert.match(textOf(result), /^no Fernet key is configured on the server: set FERNET_KEY/)
  assert.is((await session.audit.records())[0]?.detail, 'tool_error')
})

test('bad arguments name the field; limits', async () => {
  const keyRing = await FernetKeyRing.create(generateFernetKey())
  const missing = await callOnce(NAME, {}, { keyRing })
  assert.is(textOf(missing.result), `invalid arguments for ${NAME}: text: required`)
  const wrong = await callOnce(NAME, { text: ['a'] }, { keyRing })
  assert.is(textOf(wrong.result), `invalid arguments for ${NAME}: text: expected string`)
  const long = await callOnce(NAME, { text: 'x'.repeat(MAX_PLAINTEXT_LENGTH + 1) }, { keyRing })
  assert.is(long.result.isError, true)
  assert.match(textOf(long.result), /text: expected max length/)
  const longest = await callOnce(NAME, { text: 'x'.repeat(MAX_PLAINTEXT_LENGTH) }, { keyRing })
  assert.is((longest.result.structuredContent as unknown as Out).decryptsBack, true)
})

test.run()
