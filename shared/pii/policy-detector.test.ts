// Integration: masking, policies and the scrubber over the real detector (createDetector and
// patterns/*.json): every entity type it reports is masked in the documented format (LOG-2).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'
import { PiiInputTooLargeError } from './errors.ts'
import { maskText } from './mask.ts'
import { createScrubber } from './mask-scrubber.ts'
import { createPolicyEngine } from './policy.ts'
import { PiiRejectedError } from './policy-errors.ts'

const detector = createDetector()

const PEM_BODY = 'MIIEowIBAAKCAQEAx4UbaDzY7sX0mQ3nWvJ2e1kLp9tR6fBcH8gTqZyN5uVdKjS0'
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`
const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
const HOOK = 'https://hooks.slack.com/services/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F5gH'

/** [type, text around the value (`$` marks it), value, masked value] for every detector type. */
const EXAMPLES: Array<[type: string, text: string, value: string, masked: string]> = [
  ['phone', '연락처 $ 입니다', '010-1234-5678', '010-****-5678'],
  ['phone_landline', '사무실 전화 $', '02-312-4567', '02-***-4567'],
  ['phone_voip', '인터넷 전화 $', '070-1234-5678', '070-****-5678'],
  ['phone_uan', '대표번호 $', '1588-1234', '1***-1234'],
  ['phone_toll_free', '수신자 부담 $', '080-123-4567', '080-***-4567'],
  ['phone_personal', '안심번호 $', '0505-123-4567', '050*-***-4567'],
  ['ssn', '주민등록번호 $', '960121-1021413', '960121-1******'],
  ['foreigner_registration_number', '외국인등록번호 $', '900101-5234567', '900101-5******'],
  ['kr_passport', '여권번호 $', 'M12345678', 'M******78'],
  ['kr_driver_license', '운전면허 $', '11-12-345678-90', '11-**-******-90'],
  ['kr_brn', '사업자등록번호 $', '220-81-12341', '220-**-***41'],
  ['korean_name', '고객 $님', '김철수', '김**'],
  ['email', '메일 $ 로', 'kimchulsoo@example.com', 'kim***@example.com'],
  ['credit_card', '카드 $', '4111-1111-1111-1111', '****-****-****-1111'],
  ['us_ssn', 'SSN $', '123-45-6789', '***-**-6789'],
  ['ipv4', 'client ip $', '192.168.1.10', '192.168.*.*'],
  ['aws_access_key_id', 'aws key $', 'AKIAIOSFODNN7EXAMPLE', 'AKIA****************'],
  ['github_token', 'token $', 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3bC5', 'ghp_****************'],
  [
    'slack_token',
    'slack $',
    'xoxb-1234567890-1234567890123-aB3dE5fG7hJ9kL1m',
    'xoxb-****************',
  ],
  ['slack_webhook', 'hook $', HOOK, 'https://hooks.slack.com/services/****************'],
  ['private_key', 'key:\n$\n', PEM, '-----BEGIN RSA PRIVATE KEY-----***'],
  ['jwt', 'Authorization: Bearer $', JWT, 'eyJ***'],
]

const masking = suite('masking with the real detector')

masking('every entity type the detector reports has an example here', () => {
  const covered = new Set(EXAMPLES.map(([type]) => type))
  assert.equal(
    detector.types.filter((type) => !covered.has(type)),
    [],
    'add a masking example for new types',
  )
})

for (const [type, template, value, masked] of EXAMPLES) {
  masking(`${type}: ${masked}`, () => {
    const text = template.replace('$', () => value)
    const findings = detector.detect(text)
    const found = findings.map((f) => `${f.type}:${text.slice(f.start, f.end)}`)
    assert.ok(found.includes(`${type}:${value}`), `detected ${found.join(', ')}`)
    assert.is(
      maskText(text, findings),
      template.replace('$', () => masked),
    )
    const label = `[${type.toUpperCase()}]`
    assert.is(
      maskText(text, findings, 'label'),
      template.replace('$', () => label),
    )
  })
}

masking('secrets in mask style show nothing beyond their public prefix', () => {
  const publicPrefixes = [
    'AKIA',
    'ghp_',
    'xoxb-',
    'https://hooks.slack.com/services/',
    '-----BEGIN RSA PRIVATE KEY-----',
    'eyJ',
  ]
  for (const [type, template, value] of EXAMPLES) {
    if (detector.categoryOf(type) !== 'secret') continue
    const text = template.replace('$', () => value)
    const [finding] = detector.detect(text)
    const at = template.indexOf('$')
    const out = maskText(text, [finding!], 'partial', detector.categoryOf)
    const masked = out.slice(at, out.length - (template.length - at - 1))
    const shown = masked.replace(/\*+$/, '')
    assert.ok(publicPrefixes.includes(shown), `${type} shows ${shown}`)
    assert.ok(value.startsWith(shown))
  }
})

masking('one text with many types, non-ASCII around them, findings at both ends', () => {
  const text = '김철수님 메일 kimchulsoo@example.com, 전화 010-1234-5678, 카드 4111 1111 1111 1111'
  const findings = detector.detect(text)
  assert.is(findings[0]!.start, 0)
  assert.is(findings.at(-1)!.end, text.length)
  assert.is(
    maskText(text, findings),
    '김**님 메일 kim***@example.com, 전화 010-****-5678, 카드 **** **** **** 1111',
  )
})

masking.run()

const policies = suite('policies with the real detector')

policies('mask / redact / reject on a nested tool result', async () => {
  const result = {
    content: [
      { type: 'text', text: '담당자 박영희 씨, 010-9876-5432, younghee.park@example.co.kr' },
    ],
    structuredContent: { 'owner@example.com': { rrn: '960121-1021413', count: 3, ok: true } },
  }
  const before = JSON.stringify(result)
  const masked = await createPolicyEngine({ default: 'mask' }, { detector }).applyToValue(result)
  assert.equal(masked.value, {
    content: [{ type: 'text', text: '담당자 박** 씨, 010-****-5432, you***@example.co.kr' }],
    // Keys are scanned too (issue 9 §1).
    structuredContent: { 'ow***@example.com': { rrn: '960121-1******', count: 3, ok: true } },
  })
  assert.equal(masked.findings, { email: 2, korean_name: 1, phone: 1, ssn: 1 })
  assert.is(masked.action, 'mask')
  assert.is(JSON.stringify(result), before)

  const redacted = await createPolicyEngine(
    { default: 'redact', types: { korean_name: 'allow' } },
    { detector },
  ).applyToValue(result)
  assert.is(redacted.value.content[0]!.text, '담당자 박영희 씨, [PHONE], [EMAIL]')
  assert.equal(redacted.actions, {
    email: 'redact',
    korean_name: 'allow',
    phone: 'redact',
    ssn: 'redact',
  })

  try {
    await createPolicyEngine(
      { default: 'mask', types: { ssn: 'reject' } },
      { detector },
    ).applyToValue(result)
    assert.unreachable('expected a rejection')
  } catch (error) {
    assert.instance(error, PiiRejectedError)
    const rejected = error as PiiRejectedError
    assert.equal(rejected.types, ['email', 'korean_name', 'phone', 'ssn'])
    for (const surface of [rejected.message, JSON.stringify(rejected)])
      for (const raw of ['박영희', '010-9876-5432', 'younghee.park', '960121-1021413'])
        assert.not.ok(surface.includes(raw), `${raw} leaked`)
  }
})

policies('texts over the detector cap: PiiInputTooLargeError propagates', async () => {
  const small = createDetector({ maxInputLength: 64 })
  const policy = createPolicyEngine({ default: 'mask' }, { detector: small })
  try {
    await policy.applyToValue({ note: 'x'.repeat(65) })
    assert.unreachable('expected PiiInputTooLargeError')
  } catch (error) {
    assert.instance(error, PiiInputTooLargeError)
  }
  assert.throws(
    () => createScrubber(small)('y'.repeat(65)),
    (error: unknown) => error instanceof PiiInputTooLargeError,
  )
})

policies('policy types are checked against the detector: typos are errors', () => {
  assert.throws(
    () => createPolicyEngine({ default: 'mask', types: { phone_number: 'reject' } }, { detector }),
    /unknown entity type\(s\) phone_number/,
  )
})

policies('LOG-2 scrubber label-redacts a log line', () => {
  const scrub = createScrubber(detector)
  assert.is(
    scrub('login by kimchulsoo@example.com from 192.168.1.10 with AKIAIOSFODNN7EXAMPLE'),
    'login by [EMAIL] from [IPV4] with [AWS_ACCESS_KEY_ID]',
  )
})

policies.run()
