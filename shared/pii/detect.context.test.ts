// Numbers that are not what they look like (issue 11): context words lower or raise a validated
// finding, Korean domestic card BINs next to a card word, gift-card PINs, and a passport number in
// a CSV column read with its header.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'
import { tableContext } from './table-context.ts'

const detector = createDetector()
const found = (text: string) =>
  detector
    .detect(text)
    .map(
      (f) =>
        `${f.type}:${text.slice(f.start, f.end)}:${f.score.toFixed(2)}${f.validated ? '!' : ''}`,
    )
const ofType = (text: string, type: string) => found(text).filter((f) => f.startsWith(`${type}:`))

// 900101-1234568 passes the RRN checksum (PII-2) and has a real birth date.
test('an RRN-valid 13-digit invoice or order number is not an RRN', () => {
  assert.equal(found('9001011234568'), ['ssn:9001011234568:1.00!'])
  for (const label of [
    '거래명세서 번호',
    '주문번호',
    '주문 번호:',
    'Invoice no.',
    'order #',
    '영수증 번호',
  ])
    assert.equal(ofType(`${label} 9001011234568`, 'ssn'), [], label)
})

test('a 13-digit EAN barcode does not reach an RRN score', () => {
  // 8801234567893: valid EAN-13 (Korea prefix 880) with an RRN-shaped date (88-01-23, 7th digit 4).
  assert.equal(found('8801234567893'), ['ssn:8801234567893:0.50'])
  assert.equal(ofType('상품 바코드 8801234567893', 'ssn'), [])
  assert.equal(ofType('EAN 8801234567893', 'ssn'), [])
})

test('주민/RRN labels raise an unconfirmed RRN', () => {
  assert.equal(found('주민등록번호 960121-1234567'), ['ssn:960121-1234567:0.85'])
  assert.equal(found('RRN: 960121-1234567'), ['ssn:960121-1234567:0.85'])
})

test('Korean domestic card BINs (94…) are cards next to 카드, not without it', () => {
  assert.equal(found('카드 9410-1234-5678-9010'), ['credit_card:9410-1234-5678-9010:1.00!'])
  assert.equal(found('카드번호: 9403123456789019'), ['credit_card:9403123456789019:1.00!'])
  assert.equal(found('9410123456789010'), [])
  assert.equal(found('카드 9410-1234-5678-9011'), []) // Luhn fails
})

test('a Luhn-valid gift-card PIN is not a credit card', () => {
  assert.equal(found('4111111111111111'), ['credit_card:4111111111111111:1.00!'])
  for (const label of ['기프트카드 PIN', '문화상품권 핀번호', 'gift card pin:', '상품권 번호'])
    assert.equal(ofType(`${label} 4111111111111111`, 'credit_card'), [], label)
})

test('a passport number in a CSV row is read with its column header', () => {
  assert.equal(found('M12345678'), [])
  assert.equal(found('이름,여권번호\n김철수,M12345678'), [
    'korean_name:김철수:0.95',
    'kr_passport:M12345678:0.65',
  ])
  assert.equal(found('name,passport\nkim,M123A4567'), ['kr_passport:M123A4567:0.80'])
  // A product code of the same shape under a model header is not a passport.
  assert.equal(found('모델,가격\nM123A4567,39000'), [])
})

test('a passport number in a bare CSV row is read with the personal data beside it', () => {
  // No header: a name, a phone or an e-mail in another field of the row is the evidence.
  assert.equal(ofType('홍길동,M12345678,1985-03-02,010-1234-5678', 'kr_passport'), [
    'kr_passport:M12345678:0.65',
  ])
  assert.equal(ofType('김민서\tM12345678\t서울', 'kr_passport'), ['kr_passport:M12345678:0.65'])
  assert.equal(ofType('kim@example.com;M12345678', 'kr_passport'), ['kr_passport:M12345678:0.65'])
  // A row of codes and prices, a sentence, another line's name: no evidence, nothing found.
  assert.equal(found('A-100,M12345678,3개,12000원'), [])
  assert.equal(ofType('홍길동 M12345678', 'kr_passport'), [])
  assert.equal(ofType('홍길동,서울\nM12345678,39000', 'kr_passport'), [])
  // A negative word still wins over the neighbours.
  assert.equal(ofType('홍길동,모델 M12345678,010-1234-5678', 'kr_passport'), [])
})

test('tableContext: blocks of rows with the same delimiters, header of short cells', () => {
  const text = 'intro line, with a comma\n성명\t연락처\n김철수\t010\n이영희\t011\n\nplain'
  const table = tableContext(text)
  assert.is(table.headerAt(text.indexOf('김철수')), '성명')
  assert.is(table.headerAt(text.indexOf('011')), '연락처')
  assert.is(table.headerAt(text.indexOf('plain')), undefined)
  assert.is(table.headerAt(3), undefined)
  // Prose split at commas is not a table.
  const prose = '오늘 회의는 길었고, 결론은 다음 주에 냅니다.\n내일은 쉬고, 모레 다시 모입니다.'
  assert.is(tableContext(prose).headerAt(prose.indexOf('모레')), undefined)
})

test.run()
