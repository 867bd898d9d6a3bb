// Tests of the policy engine (LOG-2): each action on texts and nested JSON, mixed actions,
// encryption round trips, rejection without values, summaries, construction errors.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createPolicyEngine } from './policy.ts'
import type { PiiPolicy } from './policy-parse.ts'
import { PiiPolicyError, PiiRejectedError } from './policy-errors.ts'
import { PiiCycleError, PiiDepthError, PiiScanBudgetError } from './walk-errors.ts'
import { PiiError } from './errors.ts'
import { createFakeDetector, FakeTooLargeError } from './policy-fake-detector.ts'
import type { TextEncryptor } from './types.ts'

const EMAIL = 'kimchulsoo@example.com'
const PHONE = '010-1234-5678'
const RRN = '900101-1234567'
const AWS = 'AKIAIOSFODNN7EXAMPLE'
const TEXT = `고객 ${EMAIL}, 전화 ${PHONE}, 주민번호 ${RRN}.`

/** A reversible test encryptor: `ENC(n)` tokens, `decrypt` looks them up. */
function fakeEncryptor(): TextEncryptor & { decrypt(token: string): string; tokens: number } {
  const store = new Map<string, string>()
  return {
    tokens: 0,
    async encrypt(text) {
      const token = `ENC(${++this.tokens})`
      store.set(token, text)
      return token
    },
    decrypt(token) {
      const text = store.get(token)
      if (text === undefined) throw new Error(`unknown token ${token}`)
      return text
    },
  }
}

const engine = (policy: PiiPolicy, encryptor?: TextEncryptor) =>
  createPolicyEngine(policy, { detector: createFakeDetector(), encryptor })

async function rejection(run: () => Promise<unknown>): Promise<PiiRejectedError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof PiiRejectedError) return error
    throw error
  }
  throw new Error('expected PiiRejectedError')
}

const text = suite('applyToText')

text('allow keeps the text, counts the findings, reports allow', async () => {
  const result = await engine({ default: 'allow' }).applyToText(TEXT)
  assert.equal(result, {
    value: TEXT,
    findings: { email: 1, phone: 1, ssn: 1 },
    actions: { email: 'allow', phone: 'allow', ssn: 'allow' },
    action: 'allow',
    changed: false,
  })
})

text('nothing found: value unchanged, empty summary, action allow', async () => {
  const result = await engine({ default: 'reject' }).applyToText('no personal data here')
  assert.equal(result, {
    value: 'no personal data here',
    findings: {},
    actions: {},
    action: 'allow',
    changed: false,
  })
})

text('mask: partial masks in place, formats kept', async () => {
  const result = await engine({ default: 'mask' }).applyToText(TEXT)
  assert.is(result.value, '고객 kim***@example.com, 전화 010-****-5678, 주민번호 900101-1******.')
  assert.is(result.action, 'mask')
  assert.ok(result.changed)
})

text('redact: [TYPE] labels in place', async () => {
  const result = await engine({ default: 'redact' }).applyToText(TEXT)
  assert.is(result.value, '고객 [EMAIL], 전화 [PHONE], 주민번호 [SSN].')
  assert.is(result.action, 'redact')
})

text('secrets under mask show only their public prefix (SEC-1)', async () => {
  const result = await engine({ default: 'mask' }).applyToText(`key=${AWS}`)
  assert.is(result.value, 'key=AKIA****************')
})

text('encrypt, value scope: each value becomes a token that decrypts to it', async () => {
  const encryptor = fakeEncryptor()
  const result = await engine({ default: 'encrypt' }, encryptor).applyToText(TEXT)
  assert.is(result.value, '고객 ENC(1), 전화 ENC(2), 주민번호 ENC(3).')
  assert.equal(
    ['ENC(1)', 'ENC(2)', 'ENC(3)'].map((t) => encryptor.decrypt(t)),
    [EMAIL, PHONE, RRN],
  )
  assert.is(result.action, 'encrypt')
  assert.equal(result.actions, { email: 'encrypt', phone: 'encrypt', ssn: 'encrypt' })
})

text('encrypt, text scope: the whole string becomes one token', async () => {
  const encryptor = fakeEncryptor()
  const policy: PiiPolicy = { default: 'encrypt', encryptScope: 'text' }
  const result = await engine(policy, encryptor).applyToText(TEXT)
  assert.is(result.value, 'ENC(1)')
  assert.is(encryptor.decrypt(result.value), TEXT)
  assert.is(encryptor.tokens, 1)
})

text(
  'encrypt, text scope: mask/redact values are masked before the text is encrypted',
  async () => {
    const encryptor = fakeEncryptor()
    const policy: PiiPolicy = {
      default: 'allow',
      types: { email: 'encrypt', phone: 'mask', ssn: 'redact' },
      encryptScope: 'text',
    }
    const result = await engine(policy, encryptor).applyToText(TEXT)
    assert.is(result.value, 'ENC(1)')
    assert.is(encryptor.decrypt('ENC(1)'), `고객 ${EMAIL}, 전화 010-****-5678, 주민번호 [SSN].`)
    assert.is(result.action, 'encrypt')
  },
)

text('encrypt, text scope: a string without an encrypt finding is rewritten in place', async () => {
  const encryptor = fakeEncryptor()
  const policy: PiiPolicy = { default: 'mask', types: { email: 'encrypt' }, encryptScope: 'text' }
  const result = await engine(policy, encryptor).applyToText(`call ${PHONE}`)
  assert.is(result.value, 'call 010-****-5678')
  assert.is(encryptor.tokens, 0)
})

text('mixed actions: each finding gets its own action; overall is the strongest', async () => {
  const encryptor = fakeEncryptor()
  const policy: PiiPolicy = { default: 'mask', types: { phone: 'redact', ssn: 'allow' } }
  const mixed = await engine(policy, encryptor).applyToText(TEXT)
  assert.is(mixed.value, `고객 kim***@example.com, 전화 [PHONE], 주민번호 ${RRN}.`)
  assert.equal(mixed.actions, { email: 'mask', phone: 'redact', ssn: 'allow' })
  assert.is(mixed.action, 'redact')
  const withEncrypt = await engine(
    { ...policy, types: { ...policy.types, ssn: 'encrypt' } },
    encryptor,
  ).applyToText(TEXT)
  assert.is(withEncrypt.value, '고객 kim***@example.com, 전화 [PHONE], 주민번호 ENC(1).')
  assert.is(withEncrypt.action, 'encrypt')
})

text('reject: any rejected type rejects the whole text, even when others are allowed', async () => {
  const policy: PiiPolicy = { default: 'allow', types: { ssn: 'reject' } }
  const error = await rejection(() => engine(policy).applyToText(`${TEXT} ${EMAIL}`))
  assert.instance(error, PiiError)
  assert.is(error.code, 'ERR_PII_REJECTED')
  assert.equal(error.findings, { email: 2, phone: 1, ssn: 1 })
  assert.equal(error.types, ['email', 'phone', 'ssn'])
  assert.equal(error.rejectedTypes, ['ssn'])
  assert.is(error.message, 'rejected by the PII policy (ssn): found email (2), phone (1), ssn (1)')
  // Only types without a rejection pass.
  const ok = await engine(policy).applyToText(`mail ${EMAIL}`)
  assert.is(ok.value, `mail ${EMAIL}`)
})

text('reject: no PII value in the message, the JSON form or the stack', async () => {
  const error = await rejection(() => engine({ default: 'reject' }).applyToText(`${TEXT} ${AWS}`))
  const surfaces = [error.message, JSON.stringify(error), String(error), error.stack ?? '']
  for (const surface of surfaces)
    for (const raw of [EMAIL, PHONE, RRN, AWS, '900101', '5678', 'kimchulsoo'])
      assert.not.ok(surface.includes(raw), `${raw} leaked into ${surface}`)
  assert.equal(JSON.parse(JSON.stringify(error)).findings, {
    aws_access_key_id: 1,
    email: 1,
    phone: 1,
    ssn: 1,
  })
})

text('detector errors (input over its cap) propagate unchanged', async () => {
  const policy = createPolicyEngine(
    { default: 'mask' },
    {
      detector: createFakeDetector({ maxLength: 8 }),
    },
  )
  try {
    await policy.applyToText('a long enough text')
    assert.unreachable('expected the detector error')
  } catch (error) {
    assert.instance(error, FakeTooLargeError)
  }
})

text.run()

const json = suite('applyToValue')

const nested = () => ({
  [EMAIL]: { note: `write to ${EMAIL}` },
  items: [
    { id: 7, active: true, owner: null, contact: { phone: PHONE, ratio: 0.5 } },
    [`rrn ${RRN}`, 42, false],
  ],
  plain: 'nothing to see',
})

json(
  'mask: every string inside objects in arrays in objects, keys included; scalars untouched',
  async () => {
    const input = nested()
    const before = JSON.stringify(input)
    const result = await engine({ default: 'mask' }).applyToValue(input)
    assert.equal(result.value, {
      'kim***@example.com': { note: 'write to kim***@example.com' },
      items: [
        { id: 7, active: true, owner: null, contact: { phone: '010-****-5678', ratio: 0.5 } },
        ['rrn 900101-1******', 42, false],
      ],
      plain: 'nothing to see',
    })
    assert.equal(result.findings, { email: 2, phone: 1, ssn: 1 })
    assert.is(result.action, 'mask')
    assert.ok(result.changed)
    assert.is(JSON.stringify(input), before, 'input not mutated')
    assert.is.not(result.value, input)
  },
)

json('allow and nothing found: an equal copy, changed false', async () => {
  const input = nested()
  const allowed = await engine({ default: 'allow' }).applyToValue(input)
  assert.equal(allowed.value, input)
  assert.is.not(allowed.value, input)
  assert.is(allowed.changed, false)
  const clean = await engine({ default: 'mask' }).applyToValue({ a: ['b', 1], c: null })
  assert.equal(clean, {
    value: { a: ['b', 1], c: null },
    findings: {},
    actions: {},
    action: 'allow',
    changed: false,
  })
})

json('scalars and bare strings', async () => {
  const policy = engine({ default: 'redact' })
  assert.is((await policy.applyToValue(EMAIL)).value, '[EMAIL]')
  for (const scalar of [42, true, null, undefined])
    assert.is((await policy.applyToValue(scalar)).value, scalar)
})

json('redact in nested JSON', async () => {
  const result = await engine({ default: 'redact' }).applyToValue(nested())
  assert.equal(result.value.items[0], {
    id: 7,
    active: true,
    owner: null,
    contact: { phone: '[PHONE]', ratio: 0.5 },
  })
  assert.is((result.value as any)['[EMAIL]'].note, 'write to [EMAIL]')
  assert.is(result.action, 'redact')
})

json('encrypt value scope in nested JSON: every token decrypts to its value', async () => {
  const encryptor = fakeEncryptor()
  const result = await engine({ default: 'encrypt' }, encryptor).applyToValue(nested())
  const out = JSON.stringify(result.value)
  for (const raw of [EMAIL, PHONE, RRN]) assert.not.ok(out.includes(raw), `${raw} left in clear`)
  const [key] = Object.keys(result.value)
  assert.match(key!, /^ENC\(\d+\)$/, 'the email-like key is encrypted too')
  assert.is(encryptor.decrypt(key!), EMAIL)
  assert.is((result.value as any)[key!].note.startsWith('write to ENC('), true)
  const tokens = out.match(/ENC\(\d+\)/g) ?? []
  assert.is(tokens.length, 4)
  assert.equal(tokens.map((t) => encryptor.decrypt(t)).sort(), [EMAIL, EMAIL, PHONE, RRN].sort())
})

json('encrypt text scope in nested JSON: each string with a finding is one token', async () => {
  const encryptor = fakeEncryptor()
  const policy: PiiPolicy = { default: 'encrypt', encryptScope: 'text' }
  const result = await engine(policy, encryptor).applyToValue(nested())
  const [key] = Object.keys(result.value)
  assert.is(encryptor.decrypt(key!), EMAIL)
  const note = (result.value as any)[key!].note
  const rrn = (result.value.items[1] as unknown[])[0] as string
  assert.match(note, /^ENC\(\d+\)$/)
  assert.is(encryptor.decrypt(note), `write to ${EMAIL}`)
  assert.is(encryptor.decrypt(rrn), `rrn ${RRN}`)
  assert.is(result.value.plain, 'nothing to see')
  assert.is(encryptor.tokens, 4)
})

json('reject counts every type across the whole value and carries no value', async () => {
  const policy: PiiPolicy = { default: 'mask', types: { phone: 'reject' } }
  const detector = createFakeDetector()
  const error = await rejection(() =>
    createPolicyEngine(policy, { detector }).applyToValue({ a: [PHONE, EMAIL], b: { c: PHONE } }),
  )
  assert.equal(error.findings, { email: 1, phone: 2 })
  assert.is(detector.calls, 6, 'every string and key scanned before rejecting')
  for (const surface of [error.message, JSON.stringify(error)])
    for (const raw of [EMAIL, PHONE]) assert.not.ok(surface.includes(raw))
})

json('a caller mutating the input while encryption runs does not shift values', async () => {
  const input = { a: EMAIL, b: 'plain' }
  const pending = engine({ default: 'encrypt' }, fakeEncryptor()).applyToValue(input)
  input.b = 'changed'
  input.a = 'also changed'
  const result = await pending
  assert.equal(result.value, { a: 'ENC(1)', b: 'plain' })
})

json('cycles and depth: clear errors; maxDepth from the policy', async () => {
  const cyclic: Record<string, unknown> = { a: EMAIL }
  cyclic.b = [cyclic]
  try {
    await engine({ default: 'mask' }).applyToValue(cyclic)
    assert.unreachable()
  } catch (error) {
    assert.instance(error, PiiCycleError)
  }
  const policy = engine({ default: 'mask', maxDepth: 2 })
  assert.equal((await policy.applyToValue([[EMAIL]])).value, [['kim***@example.com']])
  try {
    await policy.applyToValue([[[EMAIL]]])
    assert.unreachable()
  } catch (error) {
    assert.instance(error, PiiDepthError)
    assert.not.match((error as Error).message, /kimchulsoo/)
  }
})

json('keys: a rejected type hidden in a key is found ({"<rrn>": "x"})', async () => {
  const policy: PiiPolicy = { default: 'allow', types: { ssn: 'reject' } }
  const error = await rejection(() => engine(policy).applyToValue({ [RRN]: 'x' }))
  assert.equal(error.findings, { ssn: 1 })
  assert.not.ok(JSON.stringify(error).includes(RRN))
  const valuesOnly = await engine(policy).applyToValue({ [RRN]: 'x' }, { keys: false })
  assert.equal(valuesOnly.findings, {}, 'keys: false is the old, values-only scan')
})

json('budget: counted before scanning; over it nothing is scanned', async () => {
  const detector = createFakeDetector()
  const policy = createPolicyEngine({ default: 'mask' }, { detector })
  const value = { [EMAIL]: 'x'.repeat(100), b: ['y'.repeat(50)] }
  const ok = await policy.applyToValue(value, { budget: EMAIL.length + 152 })
  assert.equal(ok.findings, { email: 1 })
  detector.calls = 0
  try {
    await policy.applyToValue(value, { budget: EMAIL.length + 150 })
    assert.unreachable('expected PiiScanBudgetError')
  } catch (error) {
    assert.instance(error, PiiScanBudgetError)
    assert.is((error as PiiScanBudgetError).code, 'ERR_PII_SCAN_BUDGET')
    assert.not.ok((error as Error).message.includes(EMAIL))
  }
  assert.is(detector.calls, 0, 'nothing scanned')
  await policy.applyToText('z'.repeat(10), { budget: 10 })
  try {
    await policy.applyToText('z'.repeat(11), { budget: 10 })
    assert.unreachable('expected PiiScanBudgetError')
  } catch (error) {
    assert.instance(error, PiiScanBudgetError)
  }
})

json('opaque members are left unscanned and unchanged', async () => {
  const opaque = (holder: Readonly<Record<string, unknown>>, key: string) => key === 'blob'
  const result = await engine({ default: 'redact' }).applyToValue(
    { blob: EMAIL, text: EMAIL },
    { opaque },
  )
  assert.equal(result.value, { blob: EMAIL, text: '[EMAIL]' })
  assert.equal(result.findings, { email: 1 })
})

json.run()

const build = suite('createPolicyEngine')

build('encrypt without an encryptor is an error at construction', () => {
  for (const policy of [
    { default: 'encrypt' },
    { default: 'mask', types: { email: 'encrypt' } },
  ] satisfies PiiPolicy[]) {
    assert.throws(
      () => createPolicyEngine(policy, { detector: createFakeDetector() }),
      (e: unknown) => e instanceof PiiPolicyError && /encryptor/.test(e.message),
    )
  }
  createPolicyEngine({ default: 'mask' }, { detector: createFakeDetector() })
})

build('types the detector cannot report are an error (typos would fall back silently)', () => {
  assert.throws(
    () =>
      createPolicyEngine(
        { default: 'mask', types: { emial: 'reject', ssn: 'reject', zzz: 'allow' } },
        { detector: createFakeDetector() },
      ),
    (e: unknown) => e instanceof PiiPolicyError && /emial, zzz/.test(e.message),
  )
})

build('an invalid policy object is rejected like parsePiiPolicy does', () => {
  const bad = { default: 'hide' } as unknown as PiiPolicy
  assert.throws(
    () => createPolicyEngine(bad, { detector: createFakeDetector() }),
    (e: unknown) => e instanceof PiiPolicyError && /default/.test(e.message),
  )
})

build.run()
