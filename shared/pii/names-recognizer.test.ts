// Issue 11 examples for Korean names, through the detector: context (particles, labels, keys,
// headers, titles, lists, English salutations), shape, and the hard negatives.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'
import { createNameRecognizer } from './names-recognizer.ts'
import { tableContext } from './table-context.ts'

const detector = createDetector()
const names = (text: string) =>
  detector
    .detect(text)
    .filter((f) => f.type === 'korean_name')
    .map((f) => text.slice(f.start, f.end))

test('a name right before a particle, the particle left out of the span', () => {
  assert.equal(names('어제 윤하늘이 보고서를 보냈다'), ['윤하늘'])
  assert.equal(names('최민서에게 전달해 주세요'), ['최민서'])
  assert.equal(names('한지우의 의견'), ['한지우'])
  for (const [text, name] of [
    ['박서준은 휴가다', '박서준'],
    ['이서연을 추천한다', '이서연'],
    ['정하은를 찾았다', '정하은'],
    ['강민호와 통화했다', '강민호'],
    ['조유진과 만났다', '조유진'],
    ['임도윤도 왔다', '임도윤'],
    ['신지아만 남았다', '신지아'],
    ['오승훈한테 물어봐', '오승훈'],
    ['서예린께 감사드립니다', '서예린'],
  ])
    assert.equal(names(text!), [name], text)
})

test('a name after a label or role word, Korean and English, with or without a colon', () => {
  for (const label of [
    '담당자:',
    '성명',
    '작성자:',
    '신청인',
    '수신:',
    '고객명:',
    '보호자',
    '담당자는',
  ])
    assert.equal(names(`${label} 최민서`), ['최민서'], label)
  assert.equal(names('담당자는 최민서입니다.'), ['최민서'])
  assert.equal(names('Customer 백승호 says the parcel is late'), ['백승호'])
  assert.equal(names('Dear Mr. 노유진,'), ['노유진'])
  assert.equal(names('Ms. 이하늘 joined'), ['이하늘'])
})

test('JSON keys, CSV headers, SQL values and lists', () => {
  assert.equal(names('{"name": "김하준", "tier": "gold"}'), ['김하준'])
  assert.equal(names('{"담당자":"이도윤"}'), ['이도윤'])
  assert.equal(names('{"customer_name": "박서윤"}'), ['박서윤'])
  assert.equal(names('성명,연락처\n서지우,010-3333-4444\n한민재,010-5555-6666'), [
    '서지우',
    '한민재',
  ])
  assert.equal(names("UPDATE customer SET name = '유서진' WHERE id = 3"), ['유서진'])
  assert.equal(names('참석: 김민준, 이서윤, 박지호'), ['김민준', '이서윤', '박지호'])
  assert.equal(names('최하은·정우진·강서아 세 명'), ['최하은', '정우진', '강서아'])
  // One confident name (label) raises a weaker neighbour in the same list.
  assert.equal(names('작성자: 권나은, 황보석'), ['권나은', '황보석'])
})

test('job titles the old list lacked: 책임, 선임, 수석, 주임, 연구원, 매니저', () => {
  for (const title of ['책임', '선임', '수석', '주임', '연구원', '매니저', '책임님께', '선임이'])
    assert.equal(names(`김영수 ${title} 보고`), ['김영수'], title)
})

test('hard negatives: common words with particles, surnames inside company and place names, titles', () => {
  for (const word of ['김치', '이상', '정보', '조사', '신고', '장소', '한국', '최고'])
    for (const particle of ['이', '가', '을', '를', '은', '는', '의', '에', '도'])
      assert.equal(names(`${word}${particle} 있다`), [], `${word}${particle}`)
  for (const text of [
    '김해공항에서 출발',
    '한국전력공사의 발표',
    '신한은행 앱',
    '이마트에서 장을 봤다',
    '정관장 홍삼',
    '장안동 사거리',
    '조선호텔 로비',
    '과장이 늦었다',
    '부장님께 보고했다',
    '이사가 승인했다',
    '담당자가 연락드립니다',
    '수신: 전 직원',
  ])
    assert.equal(names(text), [], text)
})

test('a label is not a name: 승인자, 이용자, 성명란', () => {
  assert.equal(names('승인자 노은희'), ['노은희'])
  assert.equal(names('이용자가 늘었다'), [])
  assert.equal(names('성명란에 서명하세요'), [])
})

test('recognizer: evidence says why; a CSV header is evidence', () => {
  const recognize = createNameRecognizer()
  const text = '이름\t부서\n오민재\t총무'
  const [c] = recognize(text, tableContext(text)).filter((x) => x.score >= 0.4)
  assert.equal(text.slice(c!.start, c!.end), '오민재')
  assert.ok(c!.evidence.includes('header'))
})

test('recognizer: one frozen evidence list per kind of evidence, not one per candidate', () => {
  const recognize = createNameRecognizer()
  const [a, b] = recognize('김철수가 이영희를 만났다')
  assert.equal(a!.evidence, ['particle'])
  // Shared: a text of many names costs no list per name (worst-case input, issue 11).
  assert.is(a!.evidence, b!.evidence)
  assert.ok(Object.isFrozen(a!.evidence))
})

test('the korean_name type can be turned off and on like a pattern type', () => {
  const off = createDetector({ types: ['email'] })
  assert.equal(off.detect('담당자: 최민서'), [])
  assert.ok(!off.types.includes('korean_name'))
  assert.ok(createDetector({ types: ['korean_name'] }).types.includes('korean_name'))
})

test.run()
