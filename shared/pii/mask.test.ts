// Tests of maskValue / maskText: per-type formats (LOG-2), offsets, labels, secret prefixes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { labelOf, maskText, maskValue } from './mask.ts'
import type { Finding } from './types.ts'

/** Findings for each [type, value] in order of appearance (values located in `text`). */
function findingsOf(text: string, entries: Array<[string, string]>): Finding[] {
  let from = 0
  return entries.map(([type, value]) => {
    const start = text.indexOf(value, from)
    if (start < 0) throw new Error(`test setup: ${value} not in text`)
    from = start + value.length
    return { type, start, end: from, score: 1, validated: true }
  })
}

test('LOG-2 email: 1–3 leading characters of the local part, domain kept', () => {
  assert.is(maskValue('email', 'kimchulsoo@example.com'), 'kim***@example.com')
  assert.is(maskValue('email', 'jaehee@example.co.kr'), 'ja***@example.co.kr')
  assert.is(maskValue('email', 'lee@example.com'), 'l***@example.com')
  assert.is(maskValue('email', 'a@b.io'), 'a***@b.io')
})

test('PII-6 KR mobile: prefix and last four kept, original separators kept', () => {
  assert.is(maskValue('phone', '010-1234-5678'), '010-****-5678')
  assert.is(maskValue('phone', '01012345678'), '010****5678')
  assert.is(maskValue('phone', '010 1234 5678'), '010 **** 5678')
  assert.is(maskValue('phone', '011-123-4567'), '011-***-4567')
  assert.is(maskValue('phone', '+82 10-1234-5678'), '+82 10-****-5678')
  assert.is(maskValue('phone', '+821012345678'), '+8210****5678')
  assert.is(maskValue('phone', '+82 (0)10-1234-5678'), '+82 (0)10-****-5678')
  assert.is(maskValue('phone', '+82 010-1234-5678'), '+82 010-****-5678')
})

test('PII-7 KR landline: area code and last four kept', () => {
  assert.is(maskValue('phone_landline', '02-312-4567'), '02-***-4567')
  assert.is(maskValue('phone_landline', '02-3123-4567'), '02-****-4567')
  assert.is(maskValue('phone_landline', '031-123-4567'), '031-***-4567')
  assert.is(maskValue('phone_landline', '0311234567'), '031***4567')
  assert.is(maskValue('phone_landline', '+82 2-312-4567'), '+82 2-***-4567')
  assert.is(maskValue('phone_landline', '+82-31-123-4567'), '+82-31-***-4567')
  assert.is(maskValue('phone_landline', '(02) 312-4567'), '(02) ***-4567')
})

test('PII-1 RRN: birth date and S digit kept, with or without hyphen', () => {
  assert.is(maskValue('ssn', '900101-1234567'), '900101-1******')
  assert.is(maskValue('ssn', '9001011234567'), '9001011******')
})

test('PII-13 card and US SSN: last four digits only, separators kept', () => {
  assert.is(maskValue('credit_card', '4111-1111-1111-1234'), '****-****-****-1234')
  assert.is(maskValue('credit_card', '4111 1111 1111 1234'), '**** **** **** 1234')
  assert.is(maskValue('credit_card', '4111111111111234'), '************1234')
  assert.is(maskValue('us_ssn', '123-45-6789'), '***-**-6789')
})

test('names, IP addresses, passports, licences, business numbers', () => {
  assert.is(maskValue('korean_name', '김철수'), '김**')
  assert.is(maskValue('korean_name', '남궁민수'), '남***')
  assert.is(maskValue('korean_name', '김철'), '김*')
  assert.is(maskValue('ipv4', '192.168.1.10'), '192.168.*.*')
  assert.is(maskValue('ipv6', '2001:db8:85a3::8a2e:370:7334'), '2001:db8:*::*:*:*')
  assert.is(maskValue('kr_passport', 'M12345678'), 'M******78')
  assert.is(maskValue('kr_driver_license', '11-12-345678-90'), '11-**-******-90')
  assert.is(maskValue('kr_passport', 'M123A4567'), 'M******67')
  assert.is(maskValue('kr_driver_license', '서울 12-345678-90'), '서울 **-******-90')
  assert.is(maskValue('kr_brn', '123-45-67890'), '123-**-***90')
  assert.is(maskValue('kr_brn', '1234567890'), '123*****90')
  assert.is(maskValue('foreigner_registration_number', '900101-5234567'), '900101-5******')
})

test('other phone types keep a prefix and the last four digits', () => {
  assert.is(maskValue('phone_voip', '070-1234-5678'), '070-****-5678')
  assert.is(maskValue('phone_uan', '1588-1234'), '1***-1234')
  assert.is(maskValue('phone_toll_free', '080-123-4567'), '080-***-4567')
  assert.is(maskValue('phone_personal', '0501-234-5678'), '050*-***-5678')
})

test('short numbers still hide at least three digits', () => {
  assert.is(maskValue('credit_card', '1234'), '***4')
  assert.is(maskValue('phone', '010-12'), '***-12')
})

test('unknown types: first and last character for length ≥ 6, else all stars', () => {
  assert.is(maskValue('zip_code', '1234567'), '1*****7')
  assert.is(maskValue('zip_code', '123456'), '1****6')
  assert.is(maskValue('zip_code', '12345'), '*****')
  assert.is(maskValue('zip_code', ''), '')
  assert.is(maskValue('zip_code', '가나다라마바'), '가****바')
})

test('SEC-1/2/5 secrets show only their fixed public prefix', () => {
  const aws = 'AKIAIOSFODNN7EXAMPLE'
  assert.is(maskValue('aws_access_key_id', aws), 'AKIA****************')
  const ghp = 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3bC5'
  assert.is(maskValue('github_token', ghp), 'ghp_****************')
  const pat = 'github_pat_' + 'A1'.repeat(41)
  assert.is(maskValue('github_token', pat), 'github_pat_****************')
  assert.is(
    maskValue('slack_token', 'xoxb-1234567890-1234567890-abcdefABCDEF'),
    'xoxb-' + '*'.repeat(16),
  )
  const jwt =
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
  assert.is(maskValue('jwt', jwt), 'eyJ***')
  const pem =
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA' +
    'x'.repeat(64) +
    '\n-----END RSA PRIVATE KEY-----'
  assert.is(maskValue('private_key', pem), '-----BEGIN RSA PRIVATE KEY-----***')
  const hook = 'https://hooks.slack.com/services/' + 'T0A1B2C3D/B0A1B2C3D/abcdefABCDEF0123456789ab'
  assert.is(maskValue('slack_webhook', hook), 'https://hooks.slack.com/services/' + '*'.repeat(16))
})

test('secrets of unlisted types: public prefix only, never the generic first/last character', () => {
  const secret = 'Zq8nV2xL0pR4tY6uI8oP'
  // A credential-looking type name is treated as a secret without a category.
  assert.is(maskValue('generic_api_key', secret), '*'.repeat(16))
  // The detector's category decides for any other name.
  assert.is(
    maskValue('stripe', 'sk_live_' + secret, 'partial', 'secret'),
    'sk_live_' + '*'.repeat(16),
  )
  assert.is(maskValue('stripe', 'sk_live_' + secret), 's**************************P')
  // A prefix is kept only when the value really starts with it (case-sensitive).
  assert.is(maskValue('aws_access_key_id', 'akiaIOSFODNN7EXAMPLE'), '*'.repeat(16))
  assert.is(maskValue('aws_access_key_id', 'A3TXIOSFODNN7EXAMPLE'), 'A3T****************')
})

test('secret masks contain no character of the secret material', () => {
  const material = 'IOSFODNN7EXAMPLE'
  for (const [type, value] of [
    ['aws_access_key_id', 'AKIA' + material],
    ['github_token', 'ghp_' + material + material + 'abcd'],
    ['api_token', material + material],
  ] as const) {
    const masked = maskValue(type, value)
    const shown = masked.replace(/^(AKIA|ghp_)/, '').replace(/\*/g, '')
    assert.is(shown, '', `${type} shows ${shown}`)
  }
})

test('label style: upper-cased type in brackets', () => {
  assert.is(maskValue('email', 'kim@example.com', 'label'), '[EMAIL]')
  assert.is(maskValue('korean_name', '김철수', 'label'), '[KOREAN_NAME]')
  assert.is(maskValue('ssn', '900101-1234567', 'label'), '[SSN]')
  assert.is(labelOf('phone'), '[PHONE]')
})

test('maskText: several findings, non-ASCII text, offsets in UTF-16 units', () => {
  const text = '고객 김철수님의 메일은 kimchulsoo@example.com, 전화 010-1234-5678 입니다 😀.'
  const findings = findingsOf(text, [
    ['korean_name', '김철수'],
    ['email', 'kimchulsoo@example.com'],
    ['phone', '010-1234-5678'],
  ])
  assert.is(
    maskText(text, findings),
    '고객 김**님의 메일은 kim***@example.com, 전화 010-****-5678 입니다 😀.',
  )
  assert.is(
    maskText(text, findings, 'label'),
    '고객 [KOREAN_NAME]님의 메일은 [EMAIL], 전화 [PHONE] 입니다 😀.',
  )
})

test('maskText: findings at the very start and end, adjacent findings', () => {
  const text = 'kim@example.com010-1234-5678'
  const findings = findingsOf(text, [
    ['email', 'kim@example.com'],
    ['phone', '010-1234-5678'],
  ])
  assert.is(findings[0]!.start, 0)
  assert.is(findings[1]!.end, text.length)
  assert.is(maskText(text, findings), 'k***@example.com010-****-5678')
  assert.is(maskText(text, findings, 'label'), '[EMAIL][PHONE]')
  const whole = findingsOf('900101-1234567', [['ssn', '900101-1234567']])
  assert.is(maskText('900101-1234567', whole), '900101-1******')
})

test('maskText: no findings returns the text unchanged; emoji before a finding keeps offsets', () => {
  assert.is(maskText('nothing here', []), 'nothing here')
  const text = '😀😀 a@b.io'
  assert.is(maskText(text, findingsOf(text, [['email', 'a@b.io']])), '😀😀 a***@b.io')
})

test('maskText: unsorted findings are sorted, overlaps and out-of-range offsets leak nothing', () => {
  const text = 'x kim@example.com y 010-1234-5678'
  const [email, phone] = findingsOf(text, [
    ['email', 'kim@example.com'],
    ['phone', '010-1234-5678'],
  ])
  assert.is(maskText(text, [phone!, email!]), 'x k***@example.com y 010-****-5678')
  const overlap: Finding = {
    type: 'zip_code',
    start: email!.start + 4,
    end: email!.end + 2,
    score: 1,
    validated: false,
  }
  assert.is(maskText(text, [email!, overlap], 'label'), 'x [EMAIL]** 010-1234-5678')
  const beyond: Finding = { ...phone!, end: text.length + 50 }
  assert.is(maskText(text, [beyond]), 'x kim@example.com y 010-****-5678')
})

test('maskText uses the category callback for types missing from the table', () => {
  const text = 'token=sk_live_Zq8nV2xL0pR4tY6uI8oP'
  const findings = findingsOf(text, [['stripe', 'sk_live_Zq8nV2xL0pR4tY6uI8oP']])
  assert.is(
    maskText(text, findings, 'partial', () => 'secret'),
    'token=sk_live_' + '*'.repeat(16),
  )
})

test.run()
