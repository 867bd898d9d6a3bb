import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  daysInMonth,
  email,
  jwt,
  krBrn,
  krDriverLicense,
  krFrn,
  krRrn,
  luhn,
  rrnBirthDateIsValid,
  rrnChecksumIsValid,
  usSsn,
  VALIDATORS,
} from './validators.ts'

test('PII-5: RRN vectors with a valid checksum and region → true', () => {
  for (const v of ['960121-1021413', '9601211021413', '050912-2000019'])
    assert.is(krRrn(v), true, v)
})

test('PII-3/PII-5: RRN with a failing checksum keeps its base score (undefined), not false', () => {
  for (const v of ['960121-1234567', '000505-3637892']) assert.is(krRrn(v), undefined, v)
})

test('PII-4: region code above 95 → undefined even with a matching checksum', () => {
  // 960121-1 96 ... : region 96; compute the check digit so only the region rule decides.
  const twelve = '960121196001'
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
  const sum = [...twelve].reduce((s, d, i) => s + Number(d) * weights[i]!, 0)
  const value = `${twelve}${(11 - (sum % 11)) % 10}`
  assert.ok(rrnChecksumIsValid(value))
  assert.is(krRrn(value), undefined)
})

test('RRN/FRN date sanity per century of the 7th digit: impossible dates → false', () => {
  assert.is(krRrn('001332-1234567'), false) // month 13
  assert.is(krRrn('960230-1234567'), false) // 30 February
  assert.is(krRrn('960431-1234567'), false) // 31 April
  assert.is(krRrn('000229-3234567') !== false, true) // 2000 is a leap year
  assert.is(krRrn('000229-1234567'), false) // 1900 is not
  assert.is(krRrn('960100-1234567'), false) // day 0
  assert.ok(rrnBirthDateIsValid('9601211021413'))
  assert.is(daysInMonth(2024, 2), 29)
  assert.is(daysInMonth(2023, 2), 28)
  assert.is(daysInMonth(2023, 13), 0)
})

test('PII-4: the RRN validator refuses a 7th digit of another kind; the FRN one takes 5–8', () => {
  assert.is(krRrn('760413-5212134'), false)
  assert.is(krRrn('051102-9234110'), false)
  assert.is(krFrn('960121-1021413'), false)
  assert.not.equal(krFrn('760413-5212134'), false)
  assert.not.equal(krFrn('000402-6214431'), false)
  assert.is(krFrn('001302-6214431'), false)
})

test('PII-13/PII-14: Luhn on Presidio card vectors', () => {
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
    assert.is(luhn(v), true, v)
  for (const v of ['4012-8888-8888-1882', '36168002586008', '4111111111111112'])
    assert.is(luhn(v), false, v)
  assert.is(luhn('12345678903'), false) // 11 digits: too short for a card
})

test('Korean BRN checksum (Presidio KrBrnRecognizer formula)', () => {
  assert.is(krBrn('123-45-67891'), true)
  assert.is(krBrn('1234567891'), true)
  assert.is(krBrn('123-45-67890'), false)
  assert.is(krBrn('000-00-00000'), false) // passes the arithmetic, but is a placeholder
  assert.is(krBrn('123-45-6789'), false)
})

test('US SSN rules: area 000/666/9xx, group 00, serial 0000, repeated digits, published samples', () => {
  assert.is(usSsn('512-34-7788'), undefined)
  assert.is(usSsn('512347788'), undefined)
  for (const v of [
    '000-12-3456',
    '666-12-3456',
    '912-34-5678',
    '123-00-4567',
    '123-45-0000',
    '111-11-1111',
    '078-05-1120',
    '219-09-9999',
  ])
    assert.is(usSsn(v), false, v)
})

test('Korean driver licence: 12 digits, region 11–28 keeps the base score', () => {
  assert.is(krDriverLicense('11-12-345678-90'), undefined)
  assert.is(krDriverLicense('28 12 345678 90'), undefined)
  assert.is(krDriverLicense('29-12-345678-90'), false)
  assert.is(krDriverLicense('11-12-345678-9'), false)
})

test('PII-15: e-mail TLD check (country code or known gTLD → true, file extension → false)', () => {
  assert.is(email('kim@example.co.kr'), true)
  assert.is(email('kim@example.com'), true)
  assert.is(email('kim@example.example'), undefined)
  assert.is(email('icon@2x.png'), false)
  assert.is(email('a@-bad-.com'), false)
  assert.is(email('a@b..com'), false)
})

const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

test('SEC-5: a JWT only when header and payload decode to JSON objects (detect-secrets)', () => {
  const header = b64url('{"alg":"HS256","typ":"JWT"}')
  const payload = b64url('{"sub":"1234567890","name":"홍길동"}')
  assert.is(jwt(`${header}.${payload}.c2lnbmF0dXJl`), true)
  assert.is(jwt(`${header}.${payload}.`), true)
  assert.is(jwt(`${b64url('{"alg":"HS256"')}.${payload}.sig`), false) // not JSON
  assert.is(jwt(`${b64url('[1,2]')}.${payload}.sig`), false) // JSON, not an object
  assert.is(jwt(`${header}.${b64url('"text"')}.sig`), false)
  assert.is(jwt(`${header}.e.sig`), false) // not base64url of anything
})

test('every registered validator is a function', () => {
  assert.ok(Object.keys(VALIDATORS).length >= 9)
  for (const [name, fn] of Object.entries(VALIDATORS)) assert.type(fn, 'function', name)
})

test.run()
