// Integration: the policy engine's `encrypt` action with the real Fernet key ring (FN-3) as its
// TextEncryptor: every token decrypts back to what it replaced.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FernetKeyRing, generateFernetKey } from '../crypto/index.ts'
import { createDetector } from './detect.ts'
import { createPolicyEngine } from './policy.ts'
import { createFakeDetector } from './policy-fake-detector.ts'

const EMAIL = 'kimchulsoo@example.com'
const PHONE = '010-1234-5678'
const RRN = '900101-1234567'
/** Fernet tokens: version byte 0x80 and a 64-bit timestamp start with `gAAAAA` (FN-5). */
const TOKEN = /gAAAAA[A-Za-z0-9_-]+={0,2}/g

const ring = await FernetKeyRing.create(generateFernetKey())
const detector = createFakeDetector()

test('value scope: each Fernet token in the text decrypts to the value it replaced', async () => {
  const policy = createPolicyEngine({ default: 'encrypt' }, { detector, encryptor: ring })
  const text = `메일 ${EMAIL} / 전화 ${PHONE} / ${RRN} 끝`
  const result = await policy.applyToText(text)
  const tokens = result.value.match(TOKEN) ?? []
  assert.is(tokens.length, 3)
  assert.equal(await Promise.all(tokens.map((t) => ring.decryptText(t))), [EMAIL, PHONE, RRN])
  assert.is(result.value.replace(TOKEN, 'T'), '메일 T / 전화 T / T 끝')
  for (const raw of [EMAIL, PHONE, RRN]) assert.not.ok(result.value.includes(raw))
})

test('value scope in JSON: tokens decrypt back, the rest of the value is kept', async () => {
  const policy = createPolicyEngine(
    { default: 'mask', types: { email: 'encrypt' } },
    { detector, encryptor: ring },
  )
  const result = await policy.applyToValue({ to: [EMAIL], call: PHONE, n: 3 })
  const to = result.value.to[0]!
  assert.match(to, /^gAAAAA/)
  assert.is(await ring.decryptText(to), EMAIL)
  assert.equal({ ...result.value, to: [] }, { to: [], call: '010-****-5678', n: 3 })
  assert.equal(result.actions, { email: 'encrypt', phone: 'mask' })
})

test('text scope: the whole string is one token; masked types stay masked inside it', async () => {
  const policy = createPolicyEngine(
    { default: 'encrypt', types: { phone: 'mask' }, encryptScope: 'text' },
    { detector, encryptor: ring },
  )
  const text = `메일 ${EMAIL} / 전화 ${PHONE}`
  const result = await policy.applyToText(text)
  assert.match(result.value, /^gAAAAA[A-Za-z0-9_-]+={0,2}$/)
  assert.is(await ring.decryptText(result.value), `메일 ${EMAIL} / 전화 010-****-5678`)
})

test('with the real detector: tokens decrypt back and are not themselves detected', async () => {
  const real = createDetector()
  const policy = createPolicyEngine({ default: 'encrypt' }, { detector: real, encryptor: ring })
  const text = `고객 김철수님 ${EMAIL} ${PHONE} 주민번호 960121-1021413 key AKIAIOSFODNN7EXAMPLE`
  const result = await policy.applyToText(text)
  const tokens = result.value.match(TOKEN) ?? []
  assert.equal(await Promise.all(tokens.map((t) => ring.decryptText(t))), [
    '김철수',
    EMAIL,
    PHONE,
    '960121-1021413',
    'AKIAIOSFODNN7EXAMPLE',
  ])
  assert.equal(real.detect(result.value), [], 'a second scan (the result path) finds nothing')
})

test.run()
