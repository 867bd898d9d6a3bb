import { test } from 'uvu'
import * as assert from 'uvu/assert'
import namesJson from '../../patterns/korean-names.json' with { type: 'json' }
import { PiiConfigError } from './errors.ts'
import { createKoreanNameRules, isKoreanName, koreanName } from './names.ts'

test('PII-10: surname + 1–3 given syllables, one- and two-syllable surnames', () => {
  for (const name of [
    '김철수',
    '이영희',
    '박민수',
    '홍길동',
    '남궁민수',
    '황보석',
    '제갈량',
    '선우재덕',
    '김구',
    '독고영재',
  ])
    assert.ok(isKoreanName(name), name)
})

test('PII-10: the top surnames and the two-syllable ones are in the data', () => {
  for (const s of ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'])
    assert.ok(namesJson.surnames.includes(s), s)
  for (const s of ['남궁', '황보', '제갈', '선우', '독고', '사공', '서문', '동방', '어금'])
    assert.ok(namesJson.doubleSurnames.includes(s), s)
  assert.ok(namesJson.surnames.length >= 100)
})

test('PII-11: titles, role words and personified nouns are not names', () => {
  for (const word of [
    '선생',
    '고객',
    '사장',
    '회원',
    '담당자',
    '부모',
    '하느',
    '이사',
    '원장',
    '목사',
    '신부',
  ])
    assert.not.ok(isKoreanName(word), word)
})

test('common words that start with a surname syllable are not names (stop list)', () => {
  for (const word of [
    '이번',
    '정말',
    '조금',
    '전화',
    '고객',
    '안녕',
    '우리',
    '신규',
    '기존',
    '소중한',
    '국어',
    '한국어',
  ])
    assert.not.ok(isKoreanName(word), word)
})

test('a surname syllable before a title is not a name (김과장, 이사장, 정회원)', () => {
  for (const word of ['김과장', '이사장', '정회원', '박부장', '최고객'])
    assert.not.ok(isKoreanName(word), word)
})

test('final syllables of particles and modifiers, and loanword syllables, rule a candidate out', () => {
  for (const word of ['성실한', '고마운', '우리의', '주세요', '경제학', '피아노', '도토리', '기타'])
    assert.not.ok(isKoreanName(word), word)
})

test('a candidate without a known surname, or outside 2–4 Hangul syllables, is not a name', () => {
  for (const word of ['철수', '김', '김철수영희', 'Kim', '김철수1'])
    assert.not.ok(isKoreanName(word), word)
})

test('validator korean_name: a plausible name keeps its base score, anything else is dropped', () => {
  assert.is(koreanName('김철수'), undefined)
  assert.is(koreanName('남궁민수'), undefined)
  assert.is(koreanName('선생'), false)
})

test('validator korean_name: a two-syllable name gets the low shortNameScore', () => {
  assert.is(koreanName('김구'), namesJson.shortNameScore)
  assert.ok(namesJson.shortNameScore < 0.4)
})

test('the word lists are validated: a malformed file throws PiiConfigError naming it', () => {
  assert.throws(
    () => createKoreanNameRules({ ...namesJson, surnames: ['Kim'] }),
    (e: unknown) => e instanceof PiiConfigError && /korean-names\.json/.test(e.message),
  )
  assert.throws(
    () => createKoreanNameRules({ surnames: [] }),
    (e: unknown) => e instanceof PiiConfigError,
  )
})

test.run()
