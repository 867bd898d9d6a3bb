import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { NUMERIC_MARGIN_AFTER, NUMERIC_MARGIN_BEFORE, numericHaystack } from './detect-gate.ts'
import { createDetector } from './detect.ts'
import { ADVERSARIAL } from './patterns.adversarial.ts'
import { PATTERNS } from './patterns.ts'

test('numericHaystack keeps each digit chain with its margins, joined by U+0000', () => {
  const pad = 'x'.repeat(100)
  const text = `${pad}전화 010-1234-5678${pad}IP 10.0.0.1${pad}`
  const hay = numericHaystack(text)
  const pieces = hay.text.split('\u0000')
  assert.is(pieces.length, 2)
  assert.ok(pieces[0]!.includes('010-1234-5678') && pieces[1]!.includes('10.0.0.1'))
  assert.is(
    pieces[0]!.length,
    '010-1234-5678'.length + NUMERIC_MARGIN_BEFORE + NUMERIC_MARGIN_AFTER,
  )
  for (const needle of ['010-1234-5678', '10.0.0.1']) {
    const at = hay.text.indexOf(needle)
    assert.is(hay.toOriginal(at), text.indexOf(needle))
    assert.is(hay.toOriginal(at + 3), text.indexOf(needle) + 3)
  }
})

test('short digit runs and wide gaps are not chains; nothing numeric gives an empty haystack', () => {
  assert.is(numericHaystack(`${'a'.repeat(40)} 123 b 12 c`).text, '')
  assert.is(numericHaystack('1 . . . 2 3 4').text, '') // gap of 5 between 1 and 2
  assert.is(numericHaystack('no digits at all').text, '')
})

test('mostly numeric text is scanned whole (identity)', () => {
  const text = '1234 5678 9012 '.repeat(100)
  const hay = numericHaystack(text)
  assert.is(hay.text, text)
  assert.is(hay.toOriginal(17), 17)
})

/** The same detector without the gate: every pattern scans the whole text. */
const gated = createDetector({ minScore: 0 })
const ungated = createDetector({
  minScore: 0,
  patterns: PATTERNS.map((p) => ({ ...p, gate: undefined })),
  koreanNames: true,
})

function same(text: string, what: string) {
  assert.equal(gated.detect(text), ungated.detect(text), what)
}

test('gated detection equals a full scan: corpus lines and adversarial inputs', () => {
  const corpus = readFileSync(new URL('../../test/data/pii/corpus.jsonl', import.meta.url), 'utf8')
  const texts = corpus
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text)
  for (const [i, text] of texts.entries()) same(text, `corpus line ${i + 1}`)
  same(texts.join('\n'), 'whole corpus as one text')
  same(texts.join(''), 'whole corpus without separators')
  for (const [name, text] of ADVERSARIAL) same(text, name)
})

test('gated detection equals a full scan: random strings of digits, separators, letters, Hangul', () => {
  let seed = 7
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const alphabet = [
    ...'0123456789012345678901234567890123456789',
    ...'-- .. ( ) + / : @',
    ...'MSRODAxz',
    '서울',
    '가',
    '님',
    '\n',
    '\u0000',
    '+82 ',
    '(02) ',
    '010-',
    '960121-1',
    'M123A',
    '서울 1',
    'v1.',
  ]
  for (let round = 0; round < 600; round++) {
    const length = 20 + Math.floor(rand() * 400)
    let text = ''
    while (text.length < length) text += alphabet[Math.floor(rand() * alphabet.length)]
    same(text, `random string ${round}: ${JSON.stringify(text)}`)
  }
})

test.run()
