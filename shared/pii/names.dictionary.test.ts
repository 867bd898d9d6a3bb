// Common Korean words are not names: every noun of the hunspell-ko word list (npm dictionary-ko,
// a devDependency; GPL-3.0, so it is read here at test time and nothing derived from it is
// bundled) that starts with a surname syllable, put in running text with a particle, and the
// share of them the detector takes for a name (printed; bounded).
import dictionary from 'dictionary-ko'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'
import { KOREAN_NAME_RULES } from './names.ts'

const dic = new TextDecoder().decode(dictionary.dic).normalize('NFC')
/** Flags of nouns in the hunspell-ko affix file (10, 25: nouns taking particles). */
const NOUN_FLAGS = new Set(['10', '25'])
const surnames = new Set(KOREAN_NAME_RULES.data.surnames)

const words = [
  ...new Set(
    dic
      .split('\n')
      .map((line) => line.split('/'))
      .filter(([word, flags]) => /^[가-힣]{2,3}$/.test(word ?? '') && NOUN_FLAGS.has(flags ?? ''))
      .map(([word]) => word!)
      .filter((word) => surnames.has(word[0]!)),
  ),
]
const detector = createDetector()
const isName = (text: string) => detector.detect(text).some((f) => f.type === 'korean_name')

test('dictionary nouns starting with a surname syllable, in text with a particle', () => {
  assert.ok(words.length > 5000, `${words.length} words`)
  const rows: string[] = []
  let worst = 0
  for (const [what, make] of [
    [
      'word + 을/를 in a sentence',
      (w: string) =>
        `어제 ${w}${/[가-힣]/.test(w) && (w.charCodeAt(w.length - 1) - 0xac00) % 28 ? '을' : '를'} 봤다.`,
    ],
    [
      'word + 이/가 at the start',
      (w: string) => `${w}${(w.charCodeAt(w.length - 1) - 0xac00) % 28 ? '이' : '가'} 문제다.`,
    ],
    ['word alone in a sentence', (w: string) => `오늘 ${w} 관련 회의가 있다.`],
  ] as const) {
    for (const length of [2, 3]) {
      const list = words.filter((w) => w.length === length)
      const hits = list.filter((w) => isName(make(w)))
      const rate = hits.length / list.length
      worst = Math.max(worst, rate)
      rows.push(
        `${what.padEnd(28)} ${length} syllables: ${hits.length}/${list.length} = ${(rate * 100).toFixed(2)} %  e.g. ${hits.slice(0, 8).join(' ')}`,
      )
    }
  }
  console.log(`\nhunspell-ko nouns taken for names:\n${rows.join('\n')}`)
  assert.ok(worst < 0.02, `worst rate ${(worst * 100).toFixed(2)} %`)
})

test.run()
