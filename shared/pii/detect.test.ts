import { suite, test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createDetector,
  DEFAULT_MAX_INPUT_LENGTH,
  DEFAULT_MIN_SCORE,
  PiiError,
  PiiInputTooLargeError,
  resolveOverlaps,
  shannonEntropy,
} from './detect.ts'
import { PiiConfigError } from './errors.ts'
import { compilePatterns } from './patterns.ts'
import type { Finding } from './types.ts'

const detector = createDetector()

/** `type:value:score` of every finding, score to two decimals, `!` when validated. */
const found = (text: string, d = detector) =>
  d
    .detect(text)
    .map(
      (f) =>
        `${f.type}:${text.slice(f.start, f.end)}:${f.score.toFixed(2)}${f.validated ? '!' : ''}`,
    )

const only = (text: string, type: string) => found(text).filter((f) => f.startsWith(`${type}:`))

const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

const rrn = suite('PII-5 RRN vectors')
rrn('score 1.0, validated: 960121-1021413, 9601211021413, 050912-2000019', () => {
  for (const v of ['960121-1021413', '9601211021413', '050912-2000019'])
    assert.equal(found(v), [`ssn:${v}:1.00!`])
})
rrn('score 0.5 (format ok, checksum fails): 960121-1234567, 000505-3637892', () => {
  for (const v of ['960121-1234567', '000505-3637892']) assert.equal(found(v), [`ssn:${v}:0.50`])
})
rrn('no match: month 13, +, 14 digits, S=0, S=9; S=5/6 are FRNs', () => {
  for (const v of [
    '001332-1234567',
    '960121+1021413',
    '960111-10214131',
    '960303-0021413',
    '051102-9234110',
  ])
    assert.equal(only(v, 'ssn'), [], v)
  assert.equal(found('760413-5212134'), ['foreigner_registration_number:760413-5212134:0.50'])
  assert.equal(found('000402-6214431'), ['foreigner_registration_number:000402-6214431:0.50'])
})
rrn('date sanity: impossible birth dates are dropped (30 Feb, 29 Feb 1900)', () => {
  assert.equal(found('960230-1234567'), [])
  assert.equal(found('000229-1234567'), [])
  assert.equal(found('000229-3234567').length, 1)
})
rrn('context words raise the score; negative ones lower it', () => {
  assert.equal(found('주민등록번호: 960121-1234567'), ['ssn:960121-1234567:0.85'])
  assert.equal(found('주문번호 960121-1234567'), [])
})
rrn.run()

const cards = suite('PII-13/PII-14 card vectors')
cards('detected (Luhn → 1.0)', () => {
  for (const v of [
    '4111111111111111',
    '5555555555554444',
    '371449635398431',
    '30569309025904',
    '6011000400000000',
    '3528000700000000',
    '122000000000003',
    '4111-1111-1111-1111',
    '4111 1111 1111 1111',
  ])
    assert.equal(found(v), [`credit_card:${v}:1.00!`], v)
})
cards('not detected: Luhn fails or excluded 13-digit 1…', () => {
  for (const v of ['4012-8888-8888-1882', '36168002586008', '1748503543012'])
    assert.equal(only(v, 'credit_card'), [], v)
})
cards.run()

const phones = suite('PII-6..PII-9 Korean phone forms')
phones('PII-9: mobile, international, compact', () => {
  assert.equal(found('010-1234-5678'), ['phone:010-1234-5678:0.60'])
  assert.equal(found('+82 10-1234-5678'), ['phone:+82 10-1234-5678:0.80'])
  assert.equal(found('01012345678'), ['phone:01012345678:0.60'])
  assert.equal(found('연락처 011-234-5678'), ['phone:011-234-5678:0.95'])
  assert.equal(found('+82-10-1234-5678'), ['phone:+82-10-1234-5678:0.80'])
})
phones('PII-9: landline, VoIP, UAN; PII-8: toll-free, personal, +82 landline', () => {
  assert.equal(found('02-312-3456'), ['phone_landline:02-312-3456:0.55'])
  assert.equal(found('031-123-4567'), ['phone_landline:031-123-4567:0.55'])
  assert.equal(found('(02) 312-3456'), ['phone_landline:(02) 312-3456:0.60'])
  assert.equal(found('+82 2-312-3456'), ['phone_landline:+82 2-312-3456:0.75'])
  assert.equal(found('070-1234-5678'), ['phone_voip:070-1234-5678:0.55'])
  assert.equal(found('1588-1234'), ['phone_uan:1588-1234:0.55'])
  assert.equal(found('080-123-4567'), ['phone_toll_free:080-123-4567:0.55'])
  assert.equal(found('0505-123-4567'), ['phone_personal:0505-123-4567:0.55'])
})
phones('weak forms need context: compact landline and UAN', () => {
  assert.equal(found('0212345678'), [])
  assert.equal(found('전화 0212345678'), ['phone_landline:0212345678:0.65'])
  assert.equal(found('15881234'), [])
  assert.equal(found('고객센터 15881234'), ['phone_uan:15881234:0.65'])
})
phones('not phones: inside longer digit runs, mixed separators, SKU context, dates', () => {
  assert.equal(only('0101234567890', 'phone'), [])
  assert.equal(found('010-1234.5678'), [])
  assert.equal(found('SKU 010-2024-0001'), [])
  assert.equal(found('2024-01-15 20240115'), [])
  assert.equal(found('02-012-3456'), []) // subscriber part starts with 0 (PII-7)
})
phones('spaces around the dash, as typed: 010 – 9876 – 5432, 02 - 312 - 3456 (en dash or hyphen)', () => {
  assert.equal(found('010 – 9876 – 5432'), ['phone:010 – 9876 – 5432:0.60'])
  assert.equal(found('연락처: 010 - 1234 - 5678'), ['phone:010 - 1234 - 5678:0.95'])
  assert.equal(found('02 - 312 - 3456'), ['phone_landline:02 - 312 - 3456:0.55'])
  assert.equal(found('070 - 1234 - 5678'), ['phone_voip:070 - 1234 - 5678:0.55'])
  assert.equal(found('080 - 123 - 4567'), ['phone_toll_free:080 - 123 - 4567:0.55'])
  // One form per number: a spaced dash then a bare one is not a phone; ranges stay ranges.
  assert.equal(found('010 - 1234-5678'), [])
  assert.equal(found('p. 10 - 1234 - 5678'), [])
  assert.equal(found('2019 - 2024 - 2025'), [])
})
phones.run()

const names = suite('PII-10..PII-12 Korean names')
/** The names found (score ≥ minScore), as text. */
const nameValues = (text: string) =>
  detector
    .detect(text)
    .filter((f) => f.type === 'korean_name')
    .map((f) => text.slice(f.start, f.end))
names('김철수님, 김철수 님, 김철수 씨 → the name', () => {
  for (const t of ['김철수님', '김철수 님', '김철수 씨', '김철수님께서'])
    assert.equal(nameValues(t), ['김철수'], t)
})
names('titles and personified nouns are not names: 선생님, 고객님, 사장님, 해님, 달님', () => {
  for (const t of [
    '선생님',
    '고객님',
    '사장님',
    '회원님',
    '담당자님',
    '부모님',
    '하느님',
    '해님',
    '달님',
    '손님',
    '여러분',
  ])
    assert.equal(found(t), [], t)
})
names(
  'PII-12: 고객 김철수님 → 김철수 (no \\b on Hangul), label and title together score higher',
  () => {
    const [withLabel] = detector.detect('고객 김철수님')
    const [alone] = detector.detect('김철수님')
    assert.equal(nameValues('고객 김철수님'), ['김철수'])
    assert.ok(withLabel!.score > alone!.score)
  },
)
names('titles after names: 과장님, 선생님, 고객님, 과장 → the name part', () => {
  assert.equal(nameValues('김철수 과장님'), ['김철수'])
  assert.equal(nameValues('이영희 선생님'), ['이영희'])
  assert.equal(nameValues('박민수 고객님'), ['박민수'])
  assert.equal(nameValues('담당 최지훈 대리'), ['최지훈'])
  assert.equal(nameValues('김철수과장님'), ['김철수'])
  assert.equal(nameValues('김영희 양은'), ['김영희'])
  assert.equal(nameValues('박민수 군이'), ['박민수'])
})
names('two-syllable surnames; a word before the name is not part of it', () => {
  assert.equal(nameValues('남궁민수 님'), ['남궁민수'])
  assert.equal(nameValues('황보석씨'), ['황보석'])
  assert.equal(found('고객김철수님'), [])
})
names('common words before 님/씨/titles: 이번, 정말, 조금, 전화, 안녕, 마음씨, 날씨', () => {
  for (const t of [
    '이번 과장님',
    '정말 감사합니다 선생님',
    '조금만 기다려 주세요 고객님',
    '전화 주세요 선생님',
    '마음씨가 곱다',
    '날씨가 좋다',
    '신규 회원님',
  ])
    assert.equal(only(t, 'korean_name'), [], t)
})
names(
  'two-syllable names are weak: reported only with a label (or a one-syllable given name and a title)',
  () => {
    assert.equal(nameValues('김담 님'), [])
    assert.equal(nameValues('성명: 김구 님'), ['김구'])
    assert.equal(nameValues('명솔 부장'), ['명솔'])
  },
)
names.run()

const secrets = suite('SEC-1..SEC-5 secrets')
const header = b64url('{"alg":"HS256","typ":"JWT"}')
const payload = b64url('{"sub":"1234567890","iat":1516239022}')
secrets('AWS access key id, GitHub, Slack, webhook', () => {
  assert.equal(found('aws_access_key_id = AKIAIOSFODNN7EXAMPLE'), [
    'aws_access_key_id:AKIAIOSFODNN7EXAMPLE:1.00',
  ])
  assert.equal(found('AKIAAAAAAAAAAAAAAAAA'), []) // entropy ≤ 3 (gitleaks)
  const ghp = `ghp_${'a1B2c3D4e5F6g7H8i9J0'}${'kLmNoPqRsTuV'}wXyZ`
  assert.equal(found(`token ${ghp}`), [`github_token:${ghp}:0.95`])
  const pat =
    `github_pat_${'A1b2C3d4E5f6G7h8I9j0K1'}_${'l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5z6A7b8C9d0E1f2G3h4I5j6K7l8M9n0O1p2Q3'}`.slice(
      0,
      93,
    )
  assert.equal(found(pat), [`github_token:${pat}:0.95`])
  const bot = 'xoxb-12345678901-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'
  assert.equal(found(`SLACK_BOT_TOKEN=${bot}`), [`slack_token:${bot}:0.90`])
  const hook = 'https://hooks.slack.com/services/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'
  assert.equal(found(`url: ${hook}`), [`slack_webhook:${hook}:0.95`])
})
secrets('SEC-4: private key block, and a key cut before its END line', () => {
  const body = 'MIIEowIBAAKCAQEAx4UbaDzY7sX0mQ3nWvJ2e1kLp9tR6fBcH8gTqZyN5uVdKjS0'
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${body}\n-----END RSA PRIVATE KEY-----`
  assert.equal(found(`key:\n${pem}\nthanks`), [`private_key:${pem}:0.99`])
  const cut = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n${body}`
  assert.equal(found(`${cut}\n(truncated)`), [`private_key:${cut}:0.85`])
  assert.equal(found('-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----'), [])
})
secrets('SEC-5: JWT kept only when header and payload decode to JSON objects', () => {
  const token = `${header}.${payload}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`
  assert.equal(found(`Bearer ${token}`), [`jwt:${token}:1.00!`])
  const notJson = `${b64url('{"alg":"HS256"')}.${payload}.sig`
  assert.equal(found(notJson), [])
  assert.equal(found('eyJhbGciOiJIUzI1NiJ9 alone'), [])
})
secrets('categoryOf: secrets are secret, PII and unknown types are pii', () => {
  for (const t of [
    'aws_access_key_id',
    'github_token',
    'slack_token',
    'slack_webhook',
    'private_key',
    'jwt',
  ])
    assert.is(detector.categoryOf(t), 'secret', t)
  for (const t of ['email', 'phone', 'ssn', 'korean_name', 'no_such_type'])
    assert.is(detector.categoryOf(t), 'pii', t)
})
secrets.run()

const other = suite('other entities')
other('email, US SSN, IPv4, BRN, passport, driver licence', () => {
  assert.equal(found('mail kim.cs@example.co.kr'), ['email:kim.cs@example.co.kr:1.00!'])
  assert.equal(found('icon@2x.png'), [])
  assert.equal(found('git@github.com:org/repo.git'), [])
  assert.equal(found('SSN 512-34-7788'), ['us_ssn:512-34-7788:0.85'])
  assert.equal(found('666-12-3456 000-12-3456 912-34-5678 123-00-4567 123-45-0000'), [])
  assert.equal(found('server 10.0.0.1'), ['ipv4:10.0.0.1:0.85'])
  assert.equal(found('v1.2.3.4 1.2.3.4.5 999.1.1.1 version 2.10.4.1'), [])
  assert.equal(found('DNS 8.8.8.8'), ['ipv4:8.8.8.8:0.65'])
  assert.equal(found('사업자등록번호 123-45-67891'), ['kr_brn:123-45-67891:1.00!'])
  assert.equal(found('123-45-67890'), [])
  assert.equal(found('여권번호 M12345678'), ['kr_passport:M12345678:0.65'])
  assert.equal(found('M12345678'), [])
  assert.equal(found('M123A4567'), ['kr_passport:M123A4567:0.45'])
  assert.equal(found('운전면허 11-12-345678-90'), ['kr_driver_license:11-12-345678-90:0.85'])
  assert.equal(found('서울 12-345678-90'), ['kr_driver_license:서울 12-345678-90:0.60'])
})
other.run()

const api = suite('Detector API')
api('findings are sorted by start, without overlaps, with the documented fields', () => {
  const text =
    '김철수님 010-1234-5678, kim@example.com, 카드 4111-1111-1111-1111, 주민번호 960121-1021413'
  const findings = detector.detect(text)
  assert.equal(
    findings.map((f) => f.type),
    ['korean_name', 'phone', 'email', 'credit_card', 'ssn'],
  )
  for (let i = 1; i < findings.length; i++) assert.ok(findings[i - 1]!.end <= findings[i]!.start)
  for (const f of findings) {
    assert.equal(Object.keys(f).sort(), ['end', 'score', 'start', 'type', 'validated'])
    assert.ok(f.score >= DEFAULT_MIN_SCORE && f.score <= 1)
  }
})
api('overlaps: the higher score wins, then the longer match', () => {
  const f = (type: string, start: number, end: number, score: number): Finding => ({
    type,
    start,
    end,
    score,
    validated: false,
  })
  assert.equal(resolveOverlaps([f('a', 0, 10, 0.5), f('b', 5, 8, 0.9), f('c', 8, 12, 0.6)]), [
    f('b', 5, 8, 0.9),
    f('c', 8, 12, 0.6),
  ])
  assert.equal(resolveOverlaps([f('a', 0, 5, 0.5), f('b', 0, 8, 0.5)]), [f('b', 0, 8, 0.5)])
  assert.equal(resolveOverlaps([f('a', 20, 25, 0.5), f('b', 0, 8, 0.5)]), [
    f('b', 0, 8, 0.5),
    f('a', 20, 25, 0.5),
  ])
  assert.equal(resolveOverlaps([]), [])
})
api('types option restricts what is reported; types lists the enabled types', () => {
  const d = createDetector({ types: ['email', 'phone'] })
  assert.equal([...d.types].sort(), ['email', 'phone'])
  assert.equal(found('김철수님 010-1234-5678 kim@example.com', d), [
    'phone:010-1234-5678:0.60',
    'email:kim@example.com:1.00!',
  ])
  assert.ok(detector.types.length >= 20)
})
api('minScore option: 0 keeps the weak findings, 1 only validated ones', () => {
  assert.equal(found('M12345678', createDetector({ minScore: 0.3 })), [
    'kr_passport:M12345678:0.30',
  ])
  assert.equal(found('010-1234-5678 4111111111111111', createDetector({ minScore: 1 })), [
    'credit_card:4111111111111111:1.00!',
  ])
})
api('RX-3: input longer than maxInputLength → PiiInputTooLargeError (typed, code, sizes)', () => {
  const d = createDetector({ maxInputLength: 10 })
  assert.equal(d.detect('0123456789'), [])
  try {
    d.detect('01234567890')
    assert.unreachable()
  } catch (error) {
    assert.instance(error, PiiInputTooLargeError)
    assert.instance(error, PiiError)
    const e = error as PiiInputTooLargeError
    assert.is(e.code, 'ERR_PII_INPUT_TOO_LARGE')
    assert.is(e.name, 'PiiInputTooLargeError')
    assert.is(e.length, 11)
    assert.is(e.limit, 10)
    assert.match(e.message, /11 UTF-16 code units exceeds maxInputLength 10/)
  }
  assert.is(DEFAULT_MAX_INPUT_LENGTH, 4 * 1024 * 1024)
})
api('options are checked at construction (PiiConfigError)', () => {
  const bad = [
    { types: ['nope'] },
    { minScore: 2 },
    { minScore: Number.NaN },
    { maxInputLength: 0 },
    { maxInputLength: 1.5 },
    { contextWindow: -1 },
  ]
  for (const options of bad)
    assert.throws(
      () => createDetector(options),
      (e: unknown) => e instanceof PiiConfigError,
      JSON.stringify(options),
    )
})
api('empty text and text without PII give no findings', () => {
  assert.equal(detector.detect(''), [])
  assert.equal(
    detector.detect('The quick brown fox jumps over the lazy dog. 오늘 날씨가 좋네요.'),
    [],
  )
})
api('keyword prefilter: a pattern whose keywords are absent does not run (gitleaks)', () => {
  const [p] = compilePatterns([
    {
      name: 'patterns/t.json',
      data: {
        description: 't',
        patterns: [
          {
            id: 't',
            type: 't',
            category: 'secret',
            description: 't',
            regex: 'zz\\d{2}',
            flags: '',
            score: 0.9,
            keywords: ['ZZ'],
            source: 'own',
          },
        ],
      },
    },
  ])
  let runs = 0
  const spy = new Proxy(p!.regex, {
    get(target, key) {
      if (key === 'exec') runs++
      const value = Reflect.get(target, key, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    set: (target, key, value) => Reflect.set(target, key, value, target),
  })
  const d = createDetector({ patterns: [{ ...p!, regex: spy }] })
  assert.equal(d.detect('nothing here 12'), [])
  assert.is(runs, 0)
  assert.equal(
    d.detect('value Zz12 zz34').map((f) => f.start),
    [11],
  )
  assert.ok(runs > 0)
})
api('context: the nearest context word wins, ASCII words must start a word', () => {
  assert.equal(found('server 10.0.0.1, version 1.2.3.4'), ['ipv4:10.0.0.1:0.85'])
  assert.equal(found('hotel 0212345678'), [])
  assert.equal(found('tel 0212345678'), ['phone_landline:0212345678:0.65'])
  assert.equal(found('전화 0212345678', createDetector({ contextWindow: 1 })), [])
})
api('shannonEntropy', () => {
  assert.is(shannonEntropy('aaaa'), 0)
  assert.is(shannonEntropy('abcd'), 2)
})
api.run()

test('DEFAULT_MIN_SCORE is 0.4', () => {
  assert.is(DEFAULT_MIN_SCORE, 0.4)
})
test.run()
