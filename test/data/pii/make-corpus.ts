// Writes test/data/pii/corpus.jsonl: the labelled PII corpus (Korean and English) used by
// shared/pii/detect.corpus.test.ts. Deterministic (seeded PRNG); labels come from what each
// template inserts, never from the detector. Checksums (Luhn, RRN, BRN) are computed here,
// independently of shared/pii/validators.ts. All people, numbers and keys are fake.
// Run: node --import tsx test/data/pii/make-corpus.ts
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

interface Span {
  type: string
  value: string
}
interface Line {
  id: string
  lang: 'ko' | 'en'
  text: string
  spans: Span[]
  note?: string
}

// mulberry32: small deterministic PRNG so the corpus is reproducible.
let seed = 0x5eed_c0de
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1))
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!
const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('')
const pad = (n: number, w: number) => String(n).padStart(w, '0')
const fromAlphabet = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('')
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

// ---- value generators -------------------------------------------------------------------

const SURNAMES = [
  '김',
  '이',
  '박',
  '최',
  '정',
  '강',
  '조',
  '윤',
  '장',
  '임',
  '한',
  '오',
  '서',
  '신',
  '권',
  '황',
  '안',
  '송',
  '전',
  '홍',
  '유',
  '고',
  '문',
  '양',
  '손',
  '배',
  '백',
  '허',
  '남',
  '심',
  '노',
  '하',
  '곽',
  '성',
  '차',
  '주',
  '우',
  '구',
  '민',
  '류',
  '나',
  '진',
  '지',
  '엄',
  '채',
  '원',
  '천',
  '방',
  '공',
  '현',
  '함',
  '변',
  '염',
  '여',
  '추',
  '도',
  '소',
  '석',
  '선',
  '설',
  '마',
  '길',
  '연',
  '위',
  '표',
  '명',
  '기',
  '반',
  '왕',
  '금',
  '옥',
  '육',
  '인',
  '맹',
  '제',
  '모',
  '탁',
  '국',
  '어',
  '은',
  '편',
  '용',
  '예',
  '경',
  '봉',
]
const DOUBLE_SURNAMES = ['남궁', '황보', '제갈', '선우', '독고', '사공']
const GIVEN = [
  '철수',
  '영희',
  '민수',
  '지훈',
  '서연',
  '하준',
  '지우',
  '수빈',
  '민지',
  '예은',
  '도윤',
  '서준',
  '유진',
  '현우',
  '지민',
  '은서',
  '가온',
  '나래',
  '다인',
  '보람',
  '성민',
  '재현',
  '소연',
  '태호',
  '윤아',
  '동현',
  '혜진',
  '준영',
  '미경',
  '상우',
  '정훈',
  '은지',
  '하늘',
  '시우',
  '채원',
  '건우',
  '수아',
  '진호',
  '경민',
  '승철',
]
/** One-syllable given names (김구, 허균): about 1–3 % of Koreans, so 3 % of generated names. */
const GIVEN_SHORT = ['민', '훈', '솔', '별', '건', '율']

function koreanName(): string {
  if (rand() < 0.07) return pick(DOUBLE_SURNAMES) + pick(GIVEN)
  return pick(SURNAMES) + (rand() < 0.03 ? pick(GIVEN_SHORT) : pick(GIVEN))
}

const ROMAN = [
  'kim',
  'lee',
  'park',
  'choi',
  'jung',
  'kang',
  'cho',
  'yoon',
  'jang',
  'lim',
  'han',
  'oh',
]
const FIRST = [
  'minsu',
  'yh',
  'cs',
  'jihoon',
  'seoyeon',
  'hajun',
  'test',
  'john',
  'jane',
  'alex',
  'sam',
  'chris',
]
const DOMAINS = [
  'example.com',
  'example.co.kr',
  'example.org',
  'mail.example.net',
  'corp.example.kr',
  'example.io',
  'dept.example.ac.kr',
]
function emailAddress(): string {
  const sep = pick(['.', '_', '', '-'])
  let local = pick(FIRST) + sep + pick(ROMAN)
  if (rand() < 0.2) local += int(1, 99)
  if (rand() < 0.1) local += '+' + pick(['news', 'work', 'tag'])
  return `${local}@${pick(DOMAINS)}`
}

function mobile(): string {
  const sep = pick(['-', '-', '-', ' ', '.', ''])
  if (rand() < 0.15)
    return `${pick(['011', '016', '017', '019'])}${sep}${int(200, 999)}${sep}${digits(4)}`
  return `010${sep}${int(2000, 9999)}${sep}${digits(4)}`
}
function mobileIntl(): string {
  const mid = `${int(2000, 9999)}`
  return pick([
    `+82 10-${mid}-${digits(4)}`,
    `+82-10-${mid}-${digits(4)}`,
    `+8210${mid}${digits(4)}`,
    `+82 (0)10-${mid}-${digits(4)}`,
  ])
}
const AREAS = [
  '02',
  '031',
  '032',
  '033',
  '041',
  '042',
  '043',
  '044',
  '051',
  '052',
  '053',
  '054',
  '055',
  '061',
  '062',
  '063',
  '064',
]
function landline(): string {
  const area = pick(AREAS)
  const sub =
    area === '02' ? `${int(2, 9)}${digits(int(2, 3))}` : `${int(2, 9)}${digits(int(2, 3))}`
  const last = digits(4)
  const form = int(0, 5)
  if (form === 0) return `(${area}) ${sub}-${last}`
  if (form === 1) return `+82 ${area.slice(1)}-${sub}-${last}`
  if (form === 2) return `${area}.${sub}.${last}`
  return `${area}-${sub}-${last}`
}
const voip = () => `070-${int(2000, 9999)}-${digits(4)}`
const UAN_PREFIXES = [
  '1588',
  '1577',
  '1566',
  '1544',
  '1599',
  '1600',
  '1644',
  '1661',
  '1670',
  '1688',
  '1800',
  '1833',
  '1855',
  '1877',
  '1899',
]
const uan = () => `${pick(UAN_PREFIXES)}-${digits(4)}`
const tollFree = () => `080-${int(200, 999)}-${digits(4)}`
const personal = () =>
  rand() < 0.5 ? `0505-${int(100, 999)}-${digits(4)}` : `050-${int(2000, 9999)}-${digits(4)}`

function birthDate(fromYear: number, toYear: number): { yy: string; mm: string; dd: string } {
  const year = int(fromYear, toYear)
  const month = int(1, 12)
  const day = int(
    1,
    [31, year % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!,
  )
  return { yy: pad(year % 100, 2), mm: pad(month, 2), dd: pad(day, 2) }
}
function rrnCheck(twelve: string): number {
  const w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
  let s = 0
  for (let i = 0; i < 12; i++) s += Number(twelve[i]) * w[i]!
  return (11 - (s % 11)) % 10
}
/** RRN/FRN: valid date for the century; `checksum` false makes the check digit wrong. */
function registration(foreigner: boolean, checksum: boolean, hyphen = true): string {
  const modern = rand() < 0.35
  const { yy, mm, dd } = modern ? birthDate(2000, 2023) : birthDate(1940, 1999)
  const sex = foreigner
    ? modern
      ? pick([7, 8])
      : pick([5, 6])
    : modern
      ? pick([3, 4])
      : pick([1, 2])
  const twelve = `${yy}${mm}${dd}${sex}${pad(int(0, 95), 2)}${digits(3)}`
  const good = rrnCheck(twelve)
  const check = checksum ? good : (good + int(1, 9)) % 10
  return `${twelve.slice(0, 6)}${hyphen ? '-' : ''}${twelve.slice(6)}${check}`
}

function luhnDigit(body: string): number {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}
function card(valid = true): string {
  const kind = int(0, 4)
  if (kind === 0) {
    const body = pick(['34', '37']) + digits(12)
    const n = body + (valid ? luhnDigit(body) : (luhnDigit(body) + 1) % 10)
    return rand() < 0.5 ? `${n.slice(0, 4)}-${n.slice(4, 10)}-${n.slice(10)}` : n
  }
  const prefix = [
    '4',
    pick(['51', '52', '53', '54', '55']),
    String(int(2221, 2720)),
    '6011',
    pick(['3528', '3589']),
  ][kind]!
  const body = prefix + digits(15 - prefix.length)
  const n = body + (valid ? luhnDigit(body) : (luhnDigit(body) + int(1, 9)) % 10)
  const sep = pick(['-', ' ', '', '-'])
  return `${n.slice(0, 4)}${sep}${n.slice(4, 8)}${sep}${n.slice(8, 12)}${sep}${n.slice(12)}`
}

function brnCheck(nine: string): number {
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
  let s = 0
  for (let i = 0; i < 9; i++) s += Number(nine[i]) * w[i]!
  s += Math.floor((Number(nine[8]) * 5) / 10)
  return (10 - (s % 10)) % 10
}
function brn(valid = true): string {
  const nine = `${int(101, 899)}${pad(int(1, 99), 2)}${digits(4)}`
  const c = valid ? brnCheck(nine) : (brnCheck(nine) + int(1, 9)) % 10
  return `${nine.slice(0, 3)}-${nine.slice(3, 5)}-${nine.slice(5)}${c}`
}

const passportNew = () =>
  `${pick(['M', 'S', 'R', 'O', 'D'])}${digits(3)}${pick([...'ABCDEFGHJKLMNPQRSTUVWXYZ'])}${digits(4)}`
const passportOld = () => `${pick(['M', 'S'])}${digits(8)}`
const driverLicense = () => `${int(11, 26)}-${pad(int(0, 24), 2)}-${digits(6)}-${digits(2)}`
function usSsn(): string {
  let area = int(1, 899)
  if (area === 666) area = 667
  return `${pad(area, 3)}-${pad(int(1, 99), 2)}-${pad(int(1, 9999), 4)}`
}
const ipv4 = () =>
  pick([
    `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    `192.168.${int(0, 255)}.${int(1, 254)}`,
    `172.${int(16, 31)}.${int(0, 255)}.${int(1, 254)}`,
    `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
  ])

const AWS_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const awsKey = () => `${pick(['AKIA', 'ASIA'])}${fromAlphabet(AWS_ALPHABET, 16)}`
const githubToken = () =>
  rand() < 0.8
    ? `${pick(['ghp', 'gho', 'ghs', 'ghu', 'ghr'])}_${fromAlphabet(ALNUM, 36)}`
    : `github_pat_${fromAlphabet(ALNUM, 22)}_${fromAlphabet(ALNUM, 59)}`
const slackToken = () =>
  pick([
    `xoxb-${digits(11)}-${digits(13)}-${fromAlphabet(ALNUM, 24)}`,
    `xoxp-${digits(11)}-${digits(11)}-${digits(13)}-${fromAlphabet('abcdef0123456789', 32)}`,
    `xapp-1-A${fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}-${digits(13)}-${fromAlphabet('abcdef0123456789', 64)}`,
  ])
const slackWebhook = () =>
  `https://hooks.slack.com/services/T${fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B${fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/${fromAlphabet(ALNUM, 24)}`
function privateKey(): string {
  const kind = pick(['RSA ', 'EC ', 'OPENSSH ', ''])
  const lines = Array.from({ length: int(3, 6) }, () => fromAlphabet(ALNUM + '+/', 64))
  return `-----BEGIN ${kind}PRIVATE KEY-----\n${lines.join('\n')}\n${fromAlphabet(ALNUM, 20)}==\n-----END ${kind}PRIVATE KEY-----`
}
const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
function jwtToken(): string {
  const header = b64url(JSON.stringify({ alg: pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }))
  const payload = b64url(
    JSON.stringify({
      sub: `user-${int(1, 99999)}`,
      iat: 1_700_000_000 + int(0, 9_999_999),
      scope: pick(['read', 'tools:call', 'admin']),
    }),
  )
  return `${header}.${payload}.${fromAlphabet(ALNUM + '-_', 43)}`
}

// ---- templates ----------------------------------------------------------------------------

type Gen = () => string
const lines: Line[] = []
const counters = new Map<string, number>()

/** Adds one line: `parts` alternate literal text and [type, value] spans. */
function add(
  lang: 'ko' | 'en',
  group: string,
  parts: Array<string | [string, string]>,
  note?: string,
) {
  let text = ''
  const spans: Span[] = []
  for (const part of parts) {
    if (typeof part === 'string') text += part
    else {
      text += part[1]
      spans.push({ type: part[0], value: part[1] })
    }
  }
  const n = (counters.get(group) ?? 0) + 1
  counters.set(group, n)
  lines.push({ id: `${group}-${pad(n, 3)}`, lang, text, spans, ...(note ? { note } : {}) })
}

/** Template strings with `{v}` (the labelled value) and `{name}` (a labelled Korean name). */
function fill(
  lang: 'ko' | 'en',
  group: string,
  type: string,
  gen: Gen,
  templates: string[],
  note?: string,
) {
  for (const template of templates) {
    const parts: Array<string | [string, string]> = []
    for (const piece of template.split(/(\{v\}|\{name\})/)) {
      if (piece === '{v}') parts.push([type, gen()])
      else if (piece === '{name}') parts.push(['korean_name', koreanName()])
      else if (piece) parts.push(piece)
    }
    add(lang, group, parts, note)
  }
}

fill('ko', 'phone', 'phone', mobile, [
  '연락처: {v}',
  '휴대폰 번호는 {v}입니다.',
  '{name}님 번호 {v}로 문자 주세요.',
  '고객님의 휴대전화 {v}로 인증번호를 보냈습니다.',
  '담당: {name} 과장 ({v})',
  '배송 기사님 연락처 {v}',
  '비상연락망 - {v}',
  '핸드폰 {v} 으로 연락 부탁드립니다',
  '{v} 번호로 전화 주시면 됩니다.',
  '번호 바뀌었어요 {v}',
  '{name} 씨 휴대폰: {v}',
  '문자 수신 번호 {v}',
])
fill('en', 'phone', 'phone', mobile, [
  'Call me at {v}.',
  'My cell is {v}, text anytime.',
  'Contact: {v}',
  'Mobile {v} (Korea)',
  'Reach the courier on {v}.',
  'Phone: {v}',
])
fill('ko', 'phone-intl', 'phone', mobileIntl, [
  '해외에서는 {v}로 거세요.',
  '국제전화 {v}',
  'WhatsApp: {v}',
  'Tel {v}',
  'Please call {v} from abroad.',
  '연락처 {v} (국제)',
])
fill('ko', 'landline', 'phone_landline', landline, [
  '사무실 전화 {v}',
  '대표전화: {v}',
  'Tel. {v}',
  '본사 {v}로 문의 바랍니다.',
  '팩스 {v}',
  '지점 연락처는 {v}입니다.',
  'Office: {v}',
  '전화번호 {v} (내선 204)',
  '{v} 로 전화 주세요',
  '{name} 부장 직통 {v}',
  '서울 본사 {v}, 부산 지사 {v}',
])
fill('ko', 'voip', 'phone_voip', voip, [
  '인터넷전화 {v}',
  '070 번호: {v}',
  'VoIP line {v}',
  '상담 직통 {v}',
  '{v}로 연락 주세요',
  '사무실 번호 {v}',
])
fill('ko', 'uan', 'phone_uan', uan, [
  '고객센터 {v}',
  '대표번호 {v}로 문의하세요.',
  '상담 문의: {v}',
  'Customer center {v}',
  'ARS {v} (24시간)',
  '예약 문의 {v}',
])
fill('ko', 'toll-free', 'phone_toll_free', tollFree, [
  '수신자부담 {v}',
  '무료전화 {v}',
  'Toll-free {v}',
  '고객 상담실 {v}',
  '{v} (무료)',
])
fill('ko', 'personal', 'phone_personal', personal, [
  '안심번호 {v}',
  '판매자 연락처 {v}',
  '가상번호 {v}로 연락하세요',
  '050 안심번호: {v}',
  '주문자 연락처 {v}',
])

fill('ko', 'rrn', 'ssn', () => registration(false, true), [
  '주민등록번호: {v}',
  '주민번호 {v} 확인 부탁드립니다.',
  '{name}님 ({v}) 가입 완료',
  '본인확인용 {v}',
  'RRN {v}',
  '신분증 번호 {v}',
  '{v} 로 조회된 회원입니다.',
  '주민등록번호 뒷자리 포함 {v}',
  '생년월일/주민번호 {v}',
  'Resident registration number: {v}',
])
fill('ko', 'rrn-nohyphen', 'ssn', () => registration(false, true, false), [
  '주민번호 {v}',
  '주민등록번호:{v}',
  '{v} (하이픈 없이 입력)',
  'rrn={v}',
])
fill(
  'ko',
  'rrn-badsum',
  'ssn',
  () => registration(false, false),
  [
    '주민등록번호 {v}',
    '주민번호: {v}',
    '신규 발급 주민번호 {v}',
    '{name} 고객 주민번호 {v}',
    'RRN: {v}',
    '주민등록번호 {v} (2020년 10월 이후 발급)',
  ],
  'true RRN whose check digit fails: still an RRN (PII-3), score 0.5',
)
fill('ko', 'frn', 'foreigner_registration_number', () => registration(true, rand() < 0.7), [
  '외국인등록번호: {v}',
  '외국인등록번호 {v} 체류자격 E-7',
  'Alien registration no. {v}',
  '등록번호 {v} (외국인)',
  '외국인 근로자 {v}',
  'FRN {v}',
  '외국인등록증 {v}',
  '체류 외국인 {v} 확인',
])

fill('en', 'card', 'credit_card', () => card(true), [
  'Card number: {v}',
  'Paid with card {v} exp 12/27',
  'VISA {v}',
  '카드번호 {v}',
  '결제 카드: {v}',
  '신용카드 {v} 승인',
  '{v} 로 결제되었습니다.',
  'Charge {v} for the renewal.',
  'card={v}',
  '체크카드 {v} 등록',
  'Refund to {v}',
  '카드 {v} 할부 3개월',
  'Saved card {v}',
  '법인카드 {v}',
])

fill('ko', 'passport', 'kr_passport', passportNew, [
  '여권번호: {v}',
  'Passport No. {v}',
  '여권 {v} 만료일 2031-05-02',
  '{name}님 여권번호 {v}',
  'passport {v}',
  '{v}',
])
fill('ko', 'passport-old', 'kr_passport', passportOld, [
  '여권번호 {v}',
  'Passport number: {v}',
  '구여권 {v}',
  'passport no {v}',
  '여권: {v}',
])
fill('ko', 'driver', 'kr_driver_license', driverLicense, [
  '운전면허번호 {v}',
  '면허번호: {v}',
  "Driver's license {v}",
  '운전면허 {v} (1종 보통)',
  '{v}',
  '면허 {v} 갱신 필요',
])
add('ko', 'driver', [
  '운전면허: ',
  ['kr_driver_license', `서울 ${pad(int(0, 24), 2)}-${digits(6)}-${digits(2)}`],
])
add('ko', 'driver', [
  '면허번호 ',
  ['kr_driver_license', `경기 ${pad(int(0, 24), 2)}-${digits(6)}-${digits(2)}`],
  ' 확인',
])
fill('ko', 'brn', 'kr_brn', () => brn(true), [
  '사업자등록번호: {v}',
  '사업자번호 {v}',
  'Business registration no. {v}',
  '(주)예시상사 {v}',
  '{v} (대표 {name} 님)',
  '세금계산서 공급자 {v}',
  '사업자 {v} 휴업 조회',
])
add('ko', 'brn', ['사업자등록번호 ', ['kr_brn', brn(true).replace(/-/g, '')]])
fill('en', 'us-ssn', 'us_ssn', usSsn, [
  'SSN: {v}',
  'Social Security Number {v}',
  'Applicant SSN {v} on file',
  'ssn={v}',
  'His social security number is {v}.',
  '{v}',
  'SS# {v}',
  'Employee SSN {v} verified',
])
add('en', 'us-ssn', ['SSN ', ['us_ssn', usSsn().replace(/-/g, '')]])
add('en', 'us-ssn', ['social security no. ', ['us_ssn', usSsn().replace(/-/g, ' ')]])
fill('en', 'ipv4', 'ipv4', ipv4, [
  'Server IP: {v}',
  'ssh admin@{v}',
  '접속 IP {v} 차단됨',
  'Client {v} sent 42 requests',
  'host={v} port=5432',
  'Failed login from {v}',
  'gateway {v}',
  '{v} - - [15/Jan/2024:10:00:00 +0900] "GET / HTTP/1.1" 200',
  'DNS: {v}',
  '서버 주소는 {v}입니다.',
])

fill('en', 'email', 'email', emailAddress, [
  'Email me at {v}.',
  'Contact: {v}',
  '이메일: {v}',
  '문의는 {v} 로 보내주세요.',
  'From: {v}',
  'cc {v}, {v}',
  '담당자 {name} 과장 ({v})',
  '<{v}>',
  'reply-to={v}',
  '회신 메일 {v}',
  'Send the invoice to {v} by Friday.',
  '{v}',
])

// Korean names before honorifics and titles (PII-11).
const NAME_TEMPLATES = [
  '{name}님 안녕하세요.',
  '{name} 님, 주문하신 상품이 발송되었습니다.',
  '{name}씨는 오늘 휴가입니다.',
  '{name} 씨에게 전달 부탁드려요.',
  '{name} 과장님께 보고드렸습니다.',
  '{name} 부장님 회의 참석 예정',
  '담당자: {name} 대리',
  '{name} 선생님 수업은 3교시입니다.',
  '{name} 교수님 연구실 이전',
  '{name} 고객님의 예약이 확정되었습니다.',
  '{name} 회원님 환영합니다!',
  '고객 {name}님 문의 건',
  '받는 분: {name} 님',
  '{name}님께서 작성하신 글',
  '{name} 여사님 댁',
  '{name} 박사 연구팀',
  '{name} 사장님과 미팅',
  '어제 {name}씨를 만났다.',
  '{name} 팀장님 결재 요청',
  '{name} 학생 출석 확인',
  '{name} 기자 = 보도자료',
  '{name}과장님 전화 왔었어요',
  '{name}님이 좋아요를 눌렀습니다.',
  '{name} 대표이사',
  '{name} 원장님 진료',
  '작성자 {name}님',
  '{name} 님과 {name} 님이 참석합니다.',
  '{name}씨, {name}씨 모두 합격',
  '{name} 양은 1등을 했다.',
  '{name} 군이 발표합니다.',
  '신청자 {name}님',
  '예약자명 {name} 님',
  '{name} 변호사 사무실',
  '{name} 간호사님 호출',
  '{name} 주임님 자리',
  '{name} 실장님께',
]
for (const t of NAME_TEMPLATES) fill('ko', 'name', 'korean_name', koreanName, [t])
for (const t of NAME_TEMPLATES.slice(0, 12)) fill('ko', 'name2', 'korean_name', koreanName, [t])

// Secrets (SEC-1..SEC-5).
fill('en', 'aws', 'aws_access_key_id', awsKey, [
  'aws_access_key_id = {v}',
  'AWS_ACCESS_KEY_ID={v}',
  'export AWS_ACCESS_KEY_ID="{v}"',
  'key: {v}',
  '액세스 키 {v} 노출됨',
  'access key id {v} rotated',
  '"AccessKeyId": "{v}"',
  '{v}',
])
fill('en', 'github', 'github_token', githubToken, [
  'GITHUB_TOKEN={v}',
  'token: {v}',
  'git clone https://{v}@github.com/example/repo.git',
  '토큰 {v} 만료 예정',
  'Authorization: token {v}',
  '"{v}"',
  'gh auth login --with-token <<< {v}',
  '{v}',
])
fill('en', 'slack', 'slack_token', slackToken, [
  'SLACK_BOT_TOKEN={v}',
  'slack token: {v}',
  '슬랙 토큰 {v}',
  'Authorization: Bearer {v}',
  "token='{v}'",
  '{v}',
  'app token {v}',
])
fill('en', 'slack-webhook', 'slack_webhook', slackWebhook, [
  'SLACK_WEBHOOK_URL={v}',
  'curl -X POST {v} -d @msg.json',
  '웹훅 주소: {v}',
  'webhook: "{v}"',
  'Post alerts to {v}',
])
fill('en', 'private-key', 'private_key', privateKey, [
  '{v}',
  'id_rsa:\n{v}\n',
  'key = """{v}"""',
  '개인키 유출:\n{v}',
  'Here is the deploy key:\n{v}\nkeep it safe',
])
fill('en', 'jwt', 'jwt', jwtToken, [
  'Authorization: Bearer {v}',
  'token={v}',
  '{"access_token":"{v}","token_type":"Bearer"}',
  'JWT {v}',
  '액세스 토큰 {v} 만료',
  'curl -H "Authorization: Bearer {v}" https://api.example.com',
  'cookie: session={v}; Path=/',
  '{v}',
])

// Mixed lines: several entity types in one text.
for (let i = 0; i < 14; i++) {
  const name = koreanName()
  add('ko', 'mixed', [
    '주문자: ',
    ['korean_name', name],
    '님 / 연락처 ',
    ['phone', mobile()],
    ' / 이메일 ',
    ['email', emailAddress()],
    i % 2 === 0 ? ' / 결제카드 ' : ' / 주민번호 ',
    i % 2 === 0 ? ['credit_card', card(true)] : ['ssn', registration(false, rand() < 0.8)],
  ])
}
for (let i = 0; i < 6; i++) {
  add('en', 'mixed', [
    'Ticket from ',
    ['email', emailAddress()],
    ' (phone ',
    ['phone', mobileIntl()],
    ', IP ',
    ['ipv4', ipv4()],
    '): leaked key ',
    ['aws_access_key_id', awsKey()],
  ])
}
add('ko', 'mixed', [
  '고객센터 ',
  ['phone_uan', uan()],
  ' 또는 ',
  ['phone_landline', landline()],
  '로 연락하시고, 담당 ',
  ['korean_name', koreanName()],
  ' 대리에게 ',
  ['email', emailAddress()],
  ' 메일 주세요.',
])
add('ko', 'mixed', [
  '사업자 ',
  ['kr_brn', brn(true)],
  ' 대표 ',
  ['korean_name', koreanName()],
  ' 님 / 전화 ',
  ['phone_landline', landline()],
  ' / 팩스 ',
  ['phone_landline', landline()],
])

// Hard positives: real PII written in ways the detector is known to miss (kept to stay honest).
add(
  'ko',
  'hard-pos',
  [['korean_name', '김 철수'], ' 님께 전달'],
  'name with a space after the surname: known miss',
)
add(
  'ko',
  'hard-pos',
  [['korean_name', '탁재훈'], '이 어제 왔다'],
  'name without honorific or title: out of scope, known miss',
)
add('ko', 'hard-pos', ['전화 ', ['phone_uan', '15881234']], 'UAN without hyphen, with context')
add(
  'ko',
  'hard-pos',
  ['여권번호는 ', ['kr_passport', passportOld()], '입니다'],
  'old passport with context',
)
add('en', 'hard-pos', ['card ', ['credit_card', '4111 1111 1111 1111']], 'Presidio vector')
add(
  'ko',
  'hard-pos',
  ['주민번호', ['ssn', '960121-1021413'], ' 확인'],
  'PII-5 vector attached to a word',
)
add('en', 'hard-pos', ['email:', ['email', 'a@b.co']], 'short address')

// ---- hard negatives: nothing here is PII -------------------------------------------------------

const NEGATIVES_KO = [
  '회의는 2024-01-15 오전 10시에 시작합니다.',
  '기준일 20240115 자료를 확인하세요.',
  '2024.01.15 (월) 업데이트',
  '주문번호 2024011512345678 배송 준비 중',
  '주문번호: 20240115-0001234',
  '송장번호 6012-3456-7890',
  '운송장번호 512345678901 조회',
  '상품코드 SKU 010-2024-0001',
  '품번 010-1234-5678 재고 없음',
  '모델명 M12345678 단종',
  '가격은 12,900원입니다.',
  '총액 ₩1,250,000 (부가세 포함)',
  '버전 1.0.0.12 배포 완료',
  '빌드 번호 2.10.4.1',
  '선생님, 질문이 있습니다.',
  '고객님 안녕하세요. 무엇을 도와드릴까요?',
  '사장님 오늘 출근하셨나요?',
  '회원님께 드리는 혜택',
  '담당자님 확인 부탁드립니다.',
  '부모님께 안부 전해주세요.',
  '하느님 감사합니다.',
  '해님 달님 이야기',
  '손님이 오셨어요.',
  '여러분 안녕하세요.',
  '이번 주 회의는 취소되었습니다.',
  '정말 감사합니다 선생님.',
  '조금만 기다려 주세요 고객님.',
  '전화 주세요.',
  '마음씨가 참 곱네요.',
  '오늘 날씨가 좋네요.',
  '글씨를 또박또박 써 주세요.',
  '아저씨 잠깐만요.',
  '요리 솜씨가 대단하시네요.',
  '이모님이 오셨어요.',
  '신부님 강론이 길었다.',
  '목사님 설교',
  '공주님 생일 축하해',
  '스님께서 말씀하셨다.',
  '선배님 덕분입니다.',
  '기사님 천천히 가 주세요.',
  '이장님 댁',
  '원장님 진료 시간 변경',
  '신규 회원님께 쿠폰을 드립니다.',
  '우수 고객님 대상 이벤트',
  '기존 고객님은 해당되지 않습니다.',
  '소중한 고객님의 의견을 듣습니다.',
  '국어 선생님이 바뀌었다.',
  '영어 선생님과 상담',
  '홍보 부장님 보고',
  '기획 팀장님 휴가',
  '인사 과장님 면담',
  '대표 이사님 인사말',
  '정회원님 전용 라운지',
  '구매자님 주소를 확인해 주세요.',
  '방문자님 환영합니다.',
  '관리자님 승인이 필요합니다.',
  '작성자님께 문의하세요.',
  '오늘 회의는 정말 좋았습니다 다음 주에 또 봐요',
  '서울 날씨 맑음 최고기온 25도',
  '이 제품은 세탁기 전용입니다',
  '고객센터 운영시간 평일 9시-18시',
  '제3.2.1조에 따라 처리합니다.',
  '영수증 번호 0012-3456-7890-12',
  '계좌번호 110-123-456789 (예시은행)',
  '계좌 123456-12-123456',
  '예약번호 RSV-240115-0042',
  '쿠폰 코드 WELCOME2024',
  '우편번호 06236',
  '좌석 12A, 게이트 23',
  '1588명이 참가했다.',
  '2024-2025 시즌 일정',
  '010 으로 시작하는 번호만 가능합니다',
  '팀원 여러분 수고하셨습니다',
  '주민센터에서 서류를 발급받았다.',
  '여권 사진 규격 35x45mm',
  '운전면허 시험 일정 안내',
  '사업자 등록 절차 안내',
  '외국인 등록 서류 목록',
]
const NEGATIVES_EN = [
  'Meeting moved to 2024-01-15 at 10:00.',
  'Order #ORD-2024-000123 has shipped.',
  'Invoice INV-2024-00017 is overdue.',
  'Invoice 2024-0001234 paid.',
  'Tracking number 1Z999AA10123456784 (UPS).',
  'Tracking 9400 1000 0000 0000 0000 00',
  'Price: $1,234.56',
  'Upgrade to version 2.4.1 before Friday.',
  'Chrome 120.0.6099.109 is out.',
  'Node v20.20.2 and npm 10.8.2',
  'version 1.2.3.4 released',
  'Windows build 10.0.19045.3803',
  'OID 1.3.6.1.4.1.311',
  'Section 4.2.1.3 of the spec',
  'Request id 550e8400-e29b-41d4-a716-446655440000 failed',
  'commit 9fceb02d0ae598e95dc970b74dd8f5c7e1b6f3a2',
  'sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
  'payload SGVsbG8gV29ybGQhIFRoaXMgaXMgbm90IGEgc2VjcmV0Lg==',
  'header eyJmb28iOiJiYXIifQ alone',
  `not a jwt ${b64url('{"alg":"HS256"')}.${b64url('{"sub":"1"')}.c2lnbmF0dXJl`,
  `array jwt ${b64url('[1,2,3]')}.${b64url('{"sub":"1"}')}.c2lnbmF0dXJl`,
  'ASIAN FOOD MARKET opens at 9',
  'AKIAAAAAAAAAAAAAAAAA is a placeholder',
  'Card 4111 1111 1111 1112 was declined (typo).',
  'Test card 4012-8888-8888-1882 fails Luhn',
  'Account 36168002586008 closed',
  'Reference 1748503543012',
  'Serial 000-12-3456 (not an SSN)',
  'Area 666-12-3456 is never issued',
  'Temp id 912-34-5678',
  'Code 123-00-4567 invalid group',
  'Code 123-45-0000 invalid serial',
  'IP-like 1.2.3.4.5 is a version path',
  'Octets 999.1.1.1 are out of range',
  'Release v1.2.3.4 notes',
  'Date 960230-1234567 cannot exist (Feb 30)',
  'Order 240231-1234567 placed',
  'Ref 991301-1234567',
  'PO number 123-45-67890 pending',
  'Room 1202, floor 12, building 3',
  'Phone extension x2045',
  'Call 911 in an emergency.',
  'The year 1599 and 1600 saw changes.',
  'Temperature 36.5 degrees',
  'Coordinates 37.5665, 126.9780',
  'Flight KE017 departs 13:40',
  'Use git@github.example:repo.git? no, use HTTPS',
  'icon@2x.png and logo@3x.jpg assets',
  'npm i lodash@4.17.21',
  'Contact the team on the #support channel',
  'Throughput 1,048,576 bytes per second',
  'Model S1234567 ships soon',
  'Part no. D12345678 in stock',
  'Ratio 3.14159.2653',
  'Base64 aGVsbG8=',
  'Hex 0x1F2E3D4C5B6A',
  'ISBN 978-89-12345-67-8',
  'Locale ko-KR, timezone Asia/Seoul',
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgZXhhbXBsZQ==\n-----END CERTIFICATE-----',
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZXhhbXBsZSBwdWJsaWMga2V5\n-----END PUBLIC KEY-----',
  'xoxb is the prefix of Slack bot tokens',
  'ghp_ prefix means a classic GitHub token',
  'See hooks.slack.com docs for webhooks',
]
// Written after the detector's first corpus run, to probe it with text it was not tuned on:
// nicknames before 님, subjects and fields before 선생님/교수님, section numbers, IDs.
const NEGATIVES_PROBE = [
  '초코님 댓글 감사해요!',
  '감자님 말씀이 맞아요.',
  '고구마님 오늘 방송 재밌었어요',
  '두부님이 올린 사진',
  '도토리님 레시피 따라 했어요',
  '마루님 글 잘 봤습니다',
  '피아노 선생님이 칭찬하셨다.',
  '유치원 선생님께 편지를 썼다.',
  '한국어 선생님 구함',
  '기타 선생님 레슨비',
  '상담 선생님과 면담했다.',
  '방과후 선생님 모집',
  '지도 교수님 면담',
  '화학 교수님 수업',
  '경제학 교수님 연구실',
  '명예 교수님 특강',
  '현장 소장님 지시',
  '우리 부장님 최고',
  '저희 과장님이 전화드릴 거예요',
  '담임 선생님 상담',
  '반 친구들 모두 고객님처럼 대해요',
  '1.2.3.4 개요',
  '표 2.1.3.4 참조',
  '가격 1,234,567원 / 할인가 987,654원',
  '배송비 3,000원, 도서산간 5,000원',
  '사원번호 20240115',
  '학번 2019123456',
  '회원번호 1234567890',
  '문서번호 제2024-0115호',
  '접수번호 240115-000123',
  'Ticket #4521 reopened by admin',
  'PID 12345 exited with code 137',
  'Build 2024.01.15.3 succeeded',
  'Epoch 1705286400 equals 2024-01-15',
  'Port 8080, timeout 30000 ms, retries 3',
  'Matrix 3x3, seed 42, lr 0.001',
  'Call me Ishmael.',
  'The quick brown fox jumps over the lazy dog.',
]
const POSITIVES_PROBE: Array<Array<string | [string, string]>> = [
  ['(', ['phone', '010-2345-6789'], ')'],
  ['tel:', ['phone', '+82-10-3456-7890']],
  ['CONTACT: ', ['email', 'JOHN.DOE@EXAMPLE.COM']],
  ['mailto:', ['email', 'a-b.c@mail-server.example.co.kr']],
  [['korean_name', '이서준'], '님께서 승인하셨습니다.'],
  [['korean_name', '제갈민지'], ' 님 안녕하세요'],
  ['환자 ', ['korean_name', '윤도현'], ' 님 진료실로 오세요'],
  ['IP ', ['ipv4', '192.168.0.1'], '/24 대역'],
  ['DNS 서버 ', ['ipv4', '1.1.1.1'], ', ', ['ipv4', '8.8.8.8']],
  ['카드: ', ['credit_card', '5555 5555 5555 4444'], ' (유효기간 09/28)'],
]
for (const text of NEGATIVES_PROBE) add(/[가-힣]/.test(text) ? 'ko' : 'en', 'probe-neg', [text])
for (const parts of POSITIVES_PROBE) add('ko', 'probe-pos', parts)
// Held out: written before the second round of name fixes and never added to the word lists,
// to show how the name heuristics generalise.
const NEGATIVES_HELD_OUT = [
  '호박님 오늘도 화이팅',
  '나무늘보님 반가워요',
  '송편님 추천 감사합니다',
  '배구 선생님이 결근하셨다.',
  '국악 선생님 공연',
  '공예 선생님 작품전',
  '심리학 교수님 강의',
  '문학 교수님 추천 도서',
  '전산 과장님 호출',
  '시설 과장님께 문의',
  '조리 실장님 메뉴',
  '경리 대리님 정산 요청',
  '안전 팀장님 점검',
  '여기 사장님 친절해요',
  '전국 회원님께 알립니다',
  '고참 사원 교육',
  '주말반 선생님 연락처',
]
const POSITIVES_HELD_OUT: Array<Array<string | [string, string]>> = [
  [['korean_name', '김하늘'], '님 생일 축하드려요'],
  [['korean_name', '이슬기'], ' 님께 전달했습니다'],
  [['korean_name', '박나래'], ' 씨 출연'],
  [['korean_name', '조은별'], ' 님 안녕하세요'],
  [['korean_name', '최아름'], '씨가 발표합니다'],
  [['korean_name', '서마루'], ' 님 문의 건'],
  [['korean_name', '남궁새봄'], ' 님 환영합니다'],
  [['korean_name', '임다솜'], ' 씨 자리'],
  [['korean_name', '한결'], ' 님 댓글'],
  [['korean_name', '주민호'], ' 과장님 보고'],
]
for (const text of NEGATIVES_HELD_OUT) add('ko', 'heldout-neg', [text])
for (const parts of POSITIVES_HELD_OUT) add('ko', 'heldout-pos', parts)
for (const text of NEGATIVES_KO) add('ko', 'neg', [text])
for (const text of NEGATIVES_EN) add('en', 'neg', [text])
// Luhn-failing card numbers, checksum-failing BRNs: look right, are not.
for (let i = 0; i < 6; i++) add('en', 'neg', [`Card ${card(false)} rejected`])
for (let i = 0; i < 4; i++) add('ko', 'neg', [`공급자 번호 ${brn(false)} (오류)`])

const out = fileURLToPath(new URL('./corpus.jsonl', import.meta.url))
writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
console.log(`${lines.length} lines → ${out}`)
