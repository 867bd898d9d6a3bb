// Text as people type it (issue 11): NFKC, invisible characters and dash variants are matched
// through normalizeForMatching, and findings and masks cover exactly the original characters.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'
import { maskText } from './mask.ts'
import { normalizeForMatching } from './normalize.ts'

const detector = createDetector()
/** `type:original text of the span` of every finding. */
const found = (text: string) =>
  detector.detect(text).map((f) => `${f.type}:${text.slice(f.start, f.end)}`)

test('ordinary text is returned as it is (no copy, identity offsets)', () => {
  const text = '안녕하세요, kim@example.com 010-1234-5678 · 「인용」 “quote” …'
  const n = normalizeForMatching(text)
  assert.is(n.text, text)
  assert.is(n.toOriginalStart(5), 5)
  assert.is(n.toOriginalEnd(5), 5)
})

test('full-width digits and ＠ (Korean IMEs) are found, the span is the original characters', () => {
  assert.equal(found('연락처 ０１０－１２３４－５６７８'), ['phone:０１０－１２３４－５６７８'])
  assert.equal(found('mail: kim＠example.com'), ['email:kim＠example.com'])
  assert.equal(found('주민번호 ９６０１２１－１０２１４１３'), ['ssn:９６０１２１－１０２１４１３'])
})

test('zero-width and bidi controls inside a value do not hide it', () => {
  for (const invisible of [
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
    '\u00ad',
    '\u202e',
    '\u2066',
  ])
    assert.equal(found(`010-12${invisible}34-5678`), [`phone:010-12${invisible}34-5678`], invisible)
  assert.equal(found('kim\u200b@example.com'), ['email:kim\u200b@example.com'])
  assert.equal(found('담당자: 최\u200b민서'), ['korean_name:최\u200b민서'])
})

test('an invisible character at the edge of a value is not part of the span', () => {
  const text = '번호 \u200b010-1234-5678\u200b 입니다'
  const [f] = detector.detect(text)
  assert.is(text.slice(f!.start, f!.end), '010-1234-5678')
})

test('en and em dashes, minus signs and dots as separators', () => {
  for (const dash of ['\u2013', '\u2014', '\u2212', '\u2010', '\uff0d', '.'])
    assert.equal(found(`010${dash}1234${dash}5678`), [`phone:010${dash}1234${dash}5678`], dash)
  assert.equal(found('카드 4111\u20131111\u20131111\u20131111'), [
    'credit_card:4111\u20131111\u20131111\u20131111',
  ])
})

test('(010) 1234-5678 and other parenthesised mobile forms', () => {
  assert.equal(found('(010) 1234-5678'), ['phone:(010) 1234-5678'])
  assert.equal(found('연락처 (011)234-5678'), ['phone:(011)234-5678'])
  assert.equal(found('(010) 1234-567'), [])
})

test('RRN with a space or a dot for the hyphen, next to 주민등록번호; not without it', () => {
  assert.equal(found('주민등록번호 900101 1234568'), ['ssn:900101 1234568'])
  assert.equal(found('주민등록번호: 900101.1234568'), ['ssn:900101.1234568'])
  assert.equal(found('RRN 960121 1021413'), ['ssn:960121 1021413'])
  assert.equal(found('900101 1234568'), [])
  assert.equal(found('주민등록번호 900101 1234567'), ['ssn:900101 1234567']) // checksum fails: 0.65
  assert.equal(found('주민등록번호 960121-1021413'), ['ssn:960121-1021413'])
})

test('IDN e-mail: UTF-8 local parts and .한국, a particle after the address left out', () => {
  assert.equal(found('홍길동@회사.한국'), ['email:홍길동@회사.한국'])
  assert.equal(found('메일은 사용자@example.com으로 보내 주세요'), ['email:사용자@example.com'])
  assert.equal(found('메일은 kim@example.com으로'), ['email:kim@example.com'])
  assert.equal(found('contact: müller@bücher.de'), ['email:müller@bücher.de'])
})

test('masking replaces exactly the original characters (full-width, zero-width, dashes)', () => {
  const text =
    '연락처 ０１０－１２３４－５６７８, 메일 kim\u200b@example.com, 전화 010\u20131234\u20135678 끝'
  const masked = maskText(text, detector.detect(text), 'label', detector.categoryOf)
  assert.is(masked, '연락처 [PHONE], 메일 [EMAIL], 전화 [PHONE] 끝')
})

test('emoji and CJK pass unchanged; mathematical digits are NFKC digits', () => {
  const text = '😀 中文 𠀀 010-1234-5678'
  assert.is(normalizeForMatching(text).text, text)
  assert.equal(found('😀 연락처 010-1234-5678'), ['phone:010-1234-5678'])
  assert.equal(found('연락처 𝟎𝟏𝟎-𝟏𝟐𝟑𝟒-𝟓𝟔𝟕𝟖'), ['phone:𝟎𝟏𝟎-𝟏𝟐𝟑𝟒-𝟓𝟔𝟕𝟖'])
})

test('NFKC of a cluster and decomposed Hangul map back to the whole original cluster', () => {
  const nfd = '담당자: 최민서'.normalize('NFD')
  const [f] = detector.detect(nfd)
  assert.is(f!.type, 'korean_name')
  assert.is(nfd.slice(f!.start, f!.end).normalize('NFC'), '최민서')
  const n = normalizeForMatching('a㈜b')
  assert.is(n.text, 'a(주)b')
  assert.is(n.toOriginalStart(1), 1)
  assert.is(n.toOriginalEnd(4), 2)
})

test('normalisation is linear: 4 MB of full-width digits and zero-width characters', () => {
  const text = '０\u200b'.repeat(2 * 1024 * 1024)
  const t0 = performance.now()
  const n = normalizeForMatching(text)
  assert.is(n.text.length, 2 * 1024 * 1024)
  assert.ok(performance.now() - t0 < 5000)
})

test.run()
