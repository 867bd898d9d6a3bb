// Validators named by pattern definitions (`validator` in patterns/*.json): checksums, date and
// number-range rules that confirm, keep or drop a regex match (PII-17 semantics).
import { koreanName } from './names.ts'
import type { Validator, ValidatorResult } from './types.ts'

// The types live in types.ts, so names.ts and this file do not import each other's types.
export type { Validator, ValidatorResult } from './types.ts'

const digitsOf = (value: string) => value.replace(/\D/g, '')

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** Days in a month of a Gregorian year; 0 for a month outside 1–12. */
export function daysInMonth(year: number, month: number): number {
  if (month < 1 || month > 12) return 0
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Century of the birth year given by the 7th digit of an RRN/FRN (PII-1); undefined if none. */
export function rrnCentury(sexDigit: number): number | undefined {
  if (sexDigit === 9 || sexDigit === 0) return 1800
  if (sexDigit === 1 || sexDigit === 2 || sexDigit === 5 || sexDigit === 6) return 1900
  if (sexDigit === 3 || sexDigit === 4 || sexDigit === 7 || sexDigit === 8) return 2000
  return undefined
}

/** True when the YYMMDD birth date of a 13-digit RRN/FRN exists in the century its 7th digit gives. */
export function rrnBirthDateIsValid(digits: string): boolean {
  const century = rrnCentury(Number(digits[6]))
  if (century === undefined) return false
  const year = century + Number(digits.slice(0, 2))
  const month = Number(digits.slice(2, 4))
  const day = Number(digits.slice(4, 6))
  return day >= 1 && day <= daysInMonth(year, month)
}

/** PII-2: C = (11 − Σ dᵢ·wᵢ mod 11) mod 10 with weights 2,3,4,5,6,7,8,9,2,3,4,5. */
export function rrnChecksumIsValid(digits: string): boolean {
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
  let sum = 0
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * weights[i]!
  return (11 - (sum % 11)) % 10 === Number(digits[12])
}

/**
 * PII-3/PII-4/PII-5 for a 13-digit registration number whose 7th digit is in `allowed`:
 * impossible birth date → false; region code (digits 8–9) ≤ 95 and checksum → true; otherwise
 * undefined, because numbers issued since October 2020 carry random digits and no checksum.
 */
function registrationNumber(value: string, allowed: string): ValidatorResult {
  const digits = digitsOf(value)
  if (digits.length !== 13 || !allowed.includes(digits[6]!)) return false
  if (!rrnBirthDateIsValid(digits)) return false
  if (Number(digits.slice(7, 9)) <= 95 && rrnChecksumIsValid(digits)) return true
  return undefined
}

/** Korean resident registration number, 7th digit 1–4 (PII-4). */
export const krRrn: Validator = (value) => registrationNumber(value, '1234')

/** Korean foreigner registration number, 7th digit 5–8 (PII-1, Presidio KR_FRN). */
export const krFrn: Validator = (value) => registrationNumber(value, '5678')

/** PII-13: Luhn over the digits (separators ignored); card numbers have 12–19 digits. */
export function luhnIsValid(digitString: string): boolean {
  let sum = 0
  let double = false
  for (let i = digitString.length - 1; i >= 0; i--) {
    let d = digitString.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/** Payment card: Luhn pass → true, fail → false (PII-13, PII-14). */
export const luhn: Validator = (value) => {
  const digits = digitsOf(value)
  if (digits.length < 12 || digits.length > 19) return false
  return luhnIsValid(digits)
}

/**
 * Korean business registration number (사업자등록번호): weights 1,3,7,1,3,7,1,3,5 on the first
 * nine digits, plus ⌊d₉·5 / 10⌋; check digit = (10 − sum mod 10) mod 10 (Presidio KrBrnRecognizer).
 */
export const krBrn: Validator = (value) => {
  const digits = digitsOf(value)
  if (digits.length !== 10 || /^(\d)\1{9}$/.test(digits)) return false
  const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5]
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * weights[i]!
  sum += Math.floor((Number(digits[8]) * 5) / 10)
  return (10 - (sum % 10)) % 10 === Number(digits[9])
}

/** Numbers the SSA says were never valid: the Woolworth wallet card and a 1940s ad sample. */
const US_SSN_PUBLISHED_SAMPLES = new Set(['078051120', '219099999'])

/**
 * US SSN: area 000, 666 or 900–999, group 00, serial 0000, one repeated digit or a published
 * sample → false; otherwise undefined (there is no checksum).
 */
export const usSsn: Validator = (value) => {
  const digits = digitsOf(value)
  if (digits.length !== 9) return false
  const area = digits.slice(0, 3)
  if (area === '000' || area === '666' || area[0] === '9') return false
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false
  if (/^(\d)\1{8}$/.test(digits) || US_SSN_PUBLISHED_SAMPLES.has(digits)) return false
  return undefined
}

/**
 * Korean driver licence: 12 digits with a region code 11–28 (Presidio KrDriverLicenseRecognizer).
 * The check digits are not public, so a well-formed number keeps its base score (undefined).
 */
export const krDriverLicense: Validator = (value) => {
  const digits = digitsOf(value)
  if (digits.length !== 12) return false
  const region = Number(digits.slice(0, 2))
  return region >= 11 && region <= 28 ? undefined : false
}

/** TLDs that are really file extensions (`icon@2x.png`, `module@1.0.js` style names). */
const FILE_EXTENSION_TLDS = new Set(
  'png jpg jpeg gif svg webp bmp ico tif tiff js mjs cjs ts tsx jsx css scss map json xml yml yaml txt md pdf zip gz tar exe dll so dylib java py rb go rs php html htm wasm mp3 mp4 mov avi lock log'.split(
    ' ',
  ),
)

/** Generic TLDs common enough to confirm an address (any two-letter TLD is a country code). */
const KNOWN_TLDS = new Set(
  'com net org edu gov mil int info biz name pro mobi asia app dev cloud online site tech store xyz email company services solutions digital global world center group team tools news blog shop page link live life club space today work academy agency'.split(
    ' ',
  ),
)

/**
 * E-mail (PII-15; Presidio checks that the domain has a public suffix): labels must not start or
 * end with `-`; a file-extension TLD → false; a country code or known generic TLD → true;
 * another alphabetic TLD → undefined (base score).
 */
export const email: Validator = (value) => {
  const at = value.lastIndexOf('@')
  if (at < 1) return false
  const labels = value.slice(at + 1).split('.')
  if (labels.some((l) => l.length === 0 || l.startsWith('-') || l.endsWith('-'))) return false
  const tld = labels[labels.length - 1]!.toLowerCase()
  if (FILE_EXTENSION_TLDS.has(tld)) return false
  if (tld.length === 2 || KNOWN_TLDS.has(tld)) return true
  return undefined
}

/** Decodes one base64url segment to text, or undefined when it is not base64url. */
function decodeBase64Url(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return undefined
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/')
  try {
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

function isJsonObjectText(text: string | undefined): boolean {
  if (text === undefined) return false
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
  } catch {
    return false
  }
}

/** SEC-5/SEC-8: a JWT only when header and payload base64url-decode to JSON objects. */
export const jwt: Validator = (value) => {
  const [header, payload] = value.split('.')
  return isJsonObjectText(decodeBase64Url(header ?? '')) &&
    isJsonObjectText(decodeBase64Url(payload ?? ''))
    ? true
    : false
}

/** Every validator a pattern definition may name, by the name it uses. */
export const VALIDATORS: Readonly<Record<string, Validator>> = Object.freeze({
  kr_rrn: krRrn,
  kr_frn: krFrn,
  luhn,
  kr_brn: krBrn,
  us_ssn: usSsn,
  kr_driver_license: krDriverLicense,
  email,
  jwt,
  korean_name: koreanName,
})
