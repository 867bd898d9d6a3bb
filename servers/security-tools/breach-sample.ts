// The built-in synthetic sample of simulate_data_breach_detection: Korean and English records
// with obviously fake personal data, generated deterministically in code (no data files).
import { luhnIsValid, rrnChecksumIsValid } from '../../shared/pii/validators.ts'

/** The sample and what was planted in it, by entity type (the detector should find exactly that). */
export interface SyntheticSample {
  records: string[]
  /** Values planted per entity type, keys sorted. */
  planted: Record<string, number>
}

/** Records in the sample: 48 single records and 2 bulk exports. */
export const SAMPLE_SIZE = 50
/** Indexes of the two bulk exports (each holds dozens of values). */
export const SAMPLE_BULK_INDEXES: readonly number[] = [17, 41]
const SEED = 0x5eed_2025

/** mulberry32: a small seeded PRNG, so the sample is the same on every run and runtime. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Textbook placeholder names (홍길동, 김철수, 이영희) and nature-word given names; example
// domains reserved by RFC 2606; IPs from the RFC 5737 documentation ranges.
const KOREAN_NAMES = [
  '홍길동',
  '김철수',
  '이영희',
  '박하늘',
  '한겨울',
  '정별빛',
  '강봄비',
  '오새봄',
]
const ENGLISH_NAMES = ['Alex Example', 'Sam Sample', 'Jordan Test', 'Casey Demo', 'Riley Mock']
const DOMAINS = ['example.com', 'example.org', 'example.net']
const TEST_NETS = ['192.0.2', '198.51.100', '203.0.113']
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Draws fake values; every value is counted in `planted` by the type the detector reports. */
class Faker {
  readonly planted = new Map<string, number>()
  readonly #random: () => number

  constructor(seed: number) {
    this.#random = prng(seed)
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1))
  }

  #digits(count: number): string {
    let out = ''
    for (let i = 0; i < count; i++) out += String(this.#int(0, 9))
    return out
  }

  #chars(alphabet: string, count: number): string {
    let out = ''
    for (let i = 0; i < count; i++) out += alphabet[this.#int(0, alphabet.length - 1)]
    return out
  }

  #pick<T>(list: readonly T[]): T {
    return list[this.#int(0, list.length - 1)]!
  }

  #plant(type: string, value: string): string {
    this.planted.set(type, (this.planted.get(type) ?? 0) + 1)
    return value
  }

  koreanName(): string {
    return this.#plant('korean_name', this.#pick(KOREAN_NAMES))
  }

  /** Not detected on its own (no honorific): context only. */
  englishName(): string {
    return this.#pick(ENGLISH_NAMES)
  }

  email(n: number): string {
    const local = `${this.#pick(['customer', 'user', 'member'])}${String(n).padStart(3, '0')}`
    return this.#plant('email', `${local}@${this.#pick(DOMAINS)}`)
  }

  /** 010-0xxx-xxxx: the 010-0 block is not assigned to subscribers. */
  mobile(international = false): string {
    const number = `10-0${this.#digits(3)}-${this.#digits(4)}`
    return this.#plant('phone', international ? `+82 ${number}` : `0${number}`)
  }

  /** YYMMDD-SRRxxxC with a real calendar date, region ≤ 95 and a valid checksum (PII-1, PII-2). */
  registrationNumber(type: 'ssn' | 'foreigner_registration_number'): string {
    const twentyFirst = this.#random() < 0.3
    const year = twentyFirst ? this.#int(0, 19) : this.#int(50, 99)
    const sexDigits =
      type === 'ssn' ? (twentyFirst ? [3, 4] : [1, 2]) : twentyFirst ? [7, 8] : [5, 6]
    const body =
      String(year).padStart(2, '0') +
      String(this.#int(1, 12)).padStart(2, '0') +
      String(this.#int(1, 28)).padStart(2, '0') +
      String(this.#pick(sexDigits)) +
      String(this.#int(0, 95)).padStart(2, '0') +
      this.#digits(3)
    const digits = body + rrnCheckDigit(body)
    if (!rrnChecksumIsValid(digits)) throw new Error('sample: bad registration number checksum')
    return this.#plant(type, `${digits.slice(0, 6)}-${digits.slice(6)}`)
  }

  /** A test-range card number (BIN 411111 or 555555) with a Luhn check digit (PII-13). */
  card(): string {
    const body = this.#pick(['411111', '555555']) + this.#digits(9)
    const digits = body + luhnCheckDigit(body)
    if (!luhnIsValid(digits)) throw new Error('sample: bad card check digit')
    return this.#plant('credit_card', digits.replace(/(\d{4})(?=\d)/g, '$1-'))
  }

  /** 123-45-xxxx: the well-known sample area and group, a varying serial. */
  usSsn(): string {
    return this.#plant('us_ssn', `123-45-${String(this.#int(1, 9999)).padStart(4, '0')}`)
  }

  passport(): string {
    return this.#plant('kr_passport', `M${this.#digits(3)}X${this.#digits(4)}`)
  }

  ip(): string {
    return this.#plant('ipv4', `${this.#pick(TEST_NETS)}.${this.#int(1, 254)}`)
  }

  /** AKIA + 9 random base32 characters + EXAMPLE, like AWS's documentation keys. */
  awsKeyId(): string {
    return this.#plant('aws_access_key_id', `AKIA${this.#chars(BASE32, 9)}EXAMPLE`)
  }

  githubToken(): string {
    return this.#plant('github_token', `ghp_${this.#chars(ALNUM, 36)}`)
  }

  count(max: number): number {
    return this.#int(1, max)
  }
}

/** PII-2: C = (11 − Σ dᵢ·wᵢ mod 11) mod 10 over the first 12 digits. */
export function rrnCheckDigit(first12: string): string {
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
  let sum = 0
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * weights[i]!
  return String((11 - (sum % 11)) % 10)
}

/** PII-13: the digit that makes `body` + digit pass Luhn. */
export function luhnCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnIsValid(body + d)) return String(d)
  throw new Error('unreachable: one Luhn check digit always exists')
}

/** One ordinary record of kind `i % 8`. */
function record(fake: Faker, i: number): string {
  switch (i % 8) {
    case 0:
      return `${fake.koreanName()} 고객님, 연락처 ${fake.mobile()}, 이메일 ${fake.email(i)}`
    case 1:
      return `회원 가입: ${fake.koreanName()}님 주민등록번호 ${fake.registrationNumber('ssn')}, 주소 서울시 예시구 테스트로 ${i}`
    case 2:
      return `Order #${1000 + i} for ${fake.englishName()} <${fake.email(i)}> paid with card ${fake.card()}`
    case 3:
      return `HR import: employee E-${i} SSN ${fake.usSsn()}, mobile ${fake.mobile(true)}`
    case 4:
      return `2025-03-04T09:${String(i).padStart(2, '0')}:00Z GET /api/orders from ${fake.ip()} status 200`
    case 5:
      return i % 16 === 5
        ? `배송 상태 업데이트: 주문 ${2000 + i} 출고 완료`
        : `Inventory sync finished: ${fake.count(500)} items, 0 errors`
    case 6:
      return i % 16 === 6
        ? `deploy.env committed by mistake: AWS_ACCESS_KEY_ID=${fake.awsKeyId()}`
        : `CI log: GITHUB_TOKEN=${fake.githubToken()} used for release`
    default:
      return `외국인 고객 등록: 외국인등록번호 ${fake.registrationNumber('foreigner_registration_number')}, 여권 ${fake.passport()}`
  }
}

/** A CSV export of 12 customers (name, e-mail, mobile): a bulk record. */
function customerExport(fake: Faker, base: number): string {
  const rows = ['name,email,mobile']
  for (let n = 0; n < 12; n++)
    rows.push(`"${fake.englishName()}",${fake.email(base + n)},${fake.mobile()}`)
  return rows.join('\n')
}

/** A support-ticket dump of 11 members (name, RRN, card): a bulk record of sensitive data. */
function ticketDump(fake: Faker): string {
  const rows = ['상담 기록 내보내기']
  for (let n = 1; n <= 11; n++)
    rows.push(
      `${n}. ${fake.koreanName()}님 주민등록번호 ${fake.registrationNumber('ssn')} 카드 ${fake.card()}`,
    )
  return rows.join('\n')
}

/**
 * The sample: `SAMPLE_SIZE` records, the same on every call. Every value is fake: reserved
 * e-mail domains, documentation IP ranges, the unassigned 010-0 mobile block, test card BINs,
 * AWS-style EXAMPLE keys; registration numbers are random with valid checksums (so the
 * detector's validators confirm them) and cards pass Luhn.
 */
export function syntheticSample(): SyntheticSample {
  const fake = new Faker(SEED)
  const records: string[] = []
  for (let i = 0; i < SAMPLE_SIZE; i++) {
    if (i === SAMPLE_BULK_INDEXES[0]) records.push(customerExport(fake, 900))
    else if (i === SAMPLE_BULK_INDEXES[1]) records.push(ticketDump(fake))
    else records.push(record(fake, i))
  }
  const planted: Record<string, number> = {}
  for (const type of [...fake.planted.keys()].sort()) planted[type] = fake.planted.get(type)!
  return { records, planted }
}
