// Per-type partial maskers (LOG-2, PII-1/6/7/13): keep the text readable and the type
// visible while hiding what identifies a person; secrets keep only a fixed public prefix.

/** Turns one detected value into its partially masked form. */
export type Masker = (value: string) => string

const STAR = '*'
/** Significance tests on UTF-16 code units (the significant characters are all ASCII). */
type UnitTest = (unit: number) => boolean
const isDigit: UnitTest = (u) => u >= 0x30 && u <= 0x39
const isAlnum: UnitTest = (u) =>
  (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) || (u >= 0x61 && u <= 0x7a)

/**
 * Keeps the first `lead` and last `tail` significant characters (ASCII digits, or letters and
 * digits) and stars the significant characters between them; every other character stays where
 * it was, so `010-1234-5678` keeps its shape. At least three significant characters (or all of
 * them when there are fewer) are always hidden: `lead` shrinks first, then `tail`.
 */
export function keepEnds(
  value: string,
  lead: number,
  tail: number,
  isSignificant: UnitTest = isAlnum,
): string {
  let total = 0
  for (let i = 0; i < value.length; i++) if (isSignificant(value.charCodeAt(i))) total++
  const minHidden = Math.min(3, total)
  if (total - lead - tail < minHidden) lead = Math.max(0, total - tail - minHidden)
  if (total - lead - tail < minHidden) tail = Math.max(0, total - minHidden)
  // Copy runs of kept characters as slices; star each hidden one.
  const hideFrom = lead
  const hideTo = total - tail
  let out = ''
  let runStart = 0
  let seen = 0
  for (let i = 0; i < value.length; i++) {
    if (!isSignificant(value.charCodeAt(i))) continue
    if (seen >= hideFrom && seen < hideTo) {
      out += value.slice(runStart, i) + STAR
      runStart = i + 1
    }
    seen++
  }
  return out + value.slice(runStart)
}

/** Number of code points in `text`, counting no further than `max`. */
function codePointLength(text: string, max: number): number {
  let count = 0
  for (const _ of text) if (++count >= max) break
  return count
}

/** The first `count` code points of `text` (a surrogate pair is never split). */
function codePointPrefix(text: string, count: number): string {
  let end = 0
  for (const ch of text) {
    if (count-- <= 0) break
    end += ch.length
  }
  return text.slice(0, end)
}

/** Unknown types: first and last character kept when the value has 6 or more, else all stars. */
export function maskGeneric(value: string): string {
  const chars = Array.from(value)
  if (chars.length < 6) return STAR.repeat(chars.length)
  return chars[0] + STAR.repeat(chars.length - 2) + chars[chars.length - 1]
}

/** `kimchulsoo@example.com` → `kim***@example.com`: 1–3 leading characters of the local part. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@')
  if (at <= 0 || at === value.length - 1) return maskGeneric(value)
  const local = value.slice(0, at)
  const length = codePointLength(local, 7)
  const keep = length <= 3 ? 1 : length <= 6 ? 2 : 3
  return codePointPrefix(local, keep) + '***' + value.slice(at)
}

/** A KR number's shape: how many leading digits are the `82` country code, and the national
 * digits' first two (with the trunk `0` when written). */
function krShape(value: string): { intl: number; first: string; second: string } {
  const digits: string[] = []
  let plus = false
  for (let i = 0; i < value.length && digits.length < 4; i++) {
    const ch = value.charAt(i)
    if (isDigit(value.charCodeAt(i))) digits.push(ch)
    else if (ch === '+' && digits.length === 0) plus = true
  }
  const intl = plus && digits[0] === '8' && digits[1] === '2' ? 2 : 0
  return { intl, first: digits[intl] ?? '', second: digits[intl + 1] ?? '' }
}

/**
 * KR mobile (PII-6): the `010`/`011`… prefix and the last four digits stay, separators stay:
 * `010-1234-5678` → `010-****-5678`, `01012345678` → `010****5678`, `+82 10-…` → `+82 10-****-…`.
 */
export function maskKrMobile(value: string): string {
  const { intl, first } = krShape(value)
  const prefix = first === '0' ? 3 : 2
  return keepEnds(value, intl + prefix, 4, isDigit)
}

/** KR landline (PII-7): area code and last four digits stay: `02-312-4567` → `02-***-4567`. */
export function maskKrLandline(value: string): string {
  const { intl, first, second } = krShape(value)
  const trunk = first === '0' ? 1 : 0
  const area = (trunk ? second : first) === '2' ? 1 : 2
  return keepEnds(value, intl + trunk + area, 4, isDigit)
}

/** Other phone types (VoIP, UAN…): a three-digit prefix and the last four digits stay. */
export const maskPhone: Masker = (value) => keepEnds(value, 3, 4, isDigit)

/** KR RRN/FRN (PII-1): birth date and the S digit stay: `900101-1234567` → `900101-1******`. */
export const maskRrn: Masker = (value) => keepEnds(value, 7, 0, isDigit)

/** Cards (PII-13) and US SSNs: last four digits only: `****-****-****-1234`, `***-**-6789`. */
export const maskLastFour: Masker = (value) => keepEnds(value, 0, 4, isDigit)

/** IPv4: the network half stays: `192.168.1.10` → `192.168.*.*`. */
export function maskIpv4(value: string): string {
  const parts = value.split('.')
  if (parts.length !== 4) return maskGeneric(value)
  return `${parts[0]}.${parts[1]}.*.*`
}

/** IPv6: the first two groups stay, every later non-empty group becomes `*`. */
export function maskIpv6(value: string): string {
  const parts = value.split(':')
  let kept = 0
  return parts
    .map((part) => {
      if (part === '') return part
      return kept++ < 2 ? part : STAR
    })
    .join(':')
}

/** Names: the first character (the Korean surname) stays: `김철수` → `김**`. */
export function maskName(value: string): string {
  const chars = Array.from(value)
  return chars.map((ch, i) => (i === 0 || /\s/.test(ch) ? ch : STAR)).join('')
}

/**
 * Fixed public prefixes of credential formats (SEC-1..SEC-5, SEC-8): the only part of a secret a
 * masked value may show. Matched case-sensitively, longest first, so nothing beyond the constant
 * prefix is ever revealed. `A3T` is kept without its variable fourth character.
 */
const SECRET_PREFIXES = [
  'https://hooks.slack.com/services/',
  'https://hooks.slack.com/workflows/',
  'https://hooks.slack.com/triggers/',
  'hooks.slack.com/services/',
  'hooks.slack.com/workflows/',
  'hooks.slack.com/triggers/',
  'github_pat_',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'AKIA',
  'ASIA',
  'ABIA',
  'ACCA',
  'A3T',
  'xoxe.xoxb-',
  'xoxe.xoxp-',
  'xoxa-',
  'xoxb-',
  'xoxe-',
  'xoxo-',
  'xoxp-',
  'xoxr-',
  'xoxs-',
  'xapp-',
  'glpat-',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'sk-ant-',
  'sk-proj-',
  'npm_',
  'AIza',
].sort((a, b) => b.length - a.length)

/** At most this many stars follow a kept secret prefix (a key block is not repeated in stars). */
const SECRET_STARS = 16

/** Secrets: the public prefix and up to 16 stars: `AKIA****************`, `ghp_****…`. */
export function maskSecret(value: string): string {
  const prefix = SECRET_PREFIXES.find((p) => value.startsWith(p)) ?? ''
  const rest = value.length - prefix.length
  return prefix + STAR.repeat(Math.max(3, Math.min(SECRET_STARS, rest)))
}

/** JWT (SEC-5): only the `eyJ` every JSON header starts with: `eyJ***`. */
export const maskJwt: Masker = (value) => (value.startsWith('eyJ') ? 'eyJ***' : '***')

/** PEM private keys (SEC-4): the armour header names the key kind; the body is never shown. */
const PEM_HEADER = /^-----BEGIN [A-Z0-9 _-]{0,60}PRIVATE KEY(?: BLOCK)?-----/
/** The generic armour header, built from parts so no key-block literal sits in the sources. */
const GENERIC_PEM_HEADER = ['-----BEGIN', 'PRIVATE', 'KEY-----'].join(' ')
export function maskPrivateKey(value: string): string {
  const header = PEM_HEADER.exec(value)
  return `${header ? header[0] : GENERIC_PEM_HEADER}***`
}

/** Passports, licences, business numbers: a short prefix and suffix of letters and digits. */
const shortEnds =
  (lead: number, tail: number): Masker =>
  (value) =>
    keepEnds(value, lead, tail)

/**
 * KR driver licence: region, serial hidden, last two kept: `11-12-345678-90` → `11-**-******-90`;
 * a region written in Hangul stays and hides the digits after it: `서울 **-******-90`.
 */
export function maskKrDriverLicense(value: string): string {
  return keepEnds(value, isDigit(value.charCodeAt(0)) ? 2 : 0, 2)
}

/**
 * The masker table, by entity type name (the detector's names plus common aliases). Types not
 * listed here fall back to `maskSecret` when they are secrets, to `maskPhone` when their name
 * starts with `phone`, else to `maskGeneric`.
 */
export const MASKERS: ReadonlyMap<string, Masker> = new Map<string, Masker>([
  ['email', maskEmail],
  ['email_address', maskEmail],
  ['phone', maskKrMobile],
  ['phone_mobile', maskKrMobile],
  ['kr_phone', maskKrMobile],
  ['phone_landline', maskKrLandline],
  ['kr_landline', maskKrLandline],
  ['ssn', maskRrn],
  ['kr_rrn', maskRrn],
  ['rrn', maskRrn],
  ['foreigner_registration_number', maskRrn],
  ['kr_frn', maskRrn],
  ['frn', maskRrn],
  ['credit_card', maskLastFour],
  ['us_ssn', maskLastFour],
  ['ipv4', maskIpv4],
  ['ip_address', maskIpv4],
  ['ipv6', maskIpv6],
  ['korean_name', maskName],
  ['kr_name', maskName],
  ['person', maskName],
  ['passport', shortEnds(1, 2)],
  ['kr_passport', shortEnds(1, 2)],
  ['us_passport', shortEnds(1, 2)],
  ['driver_license', maskKrDriverLicense],
  ['kr_driver_license', maskKrDriverLicense],
  ['us_driver_license', shortEnds(1, 2)],
  ['kr_brn', shortEnds(3, 2)],
  ['brn', shortEnds(3, 2)],
  ['jwt', maskJwt],
  ['private_key', maskPrivateKey],
])

/** Words that mark a type name as a credential when the detector's category is not known. */
const SECRET_WORDS = new Set([
  'key',
  'token',
  'secret',
  'password',
  'passwd',
  'jwt',
  'credential',
  'credentials',
  'webhook',
  'pat',
  'apikey',
])

/** True when a type name reads like a credential (`aws_access_key_id`, `github_token`…). */
export function looksLikeSecretType(type: string): boolean {
  return type
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => SECRET_WORDS.has(word))
}
