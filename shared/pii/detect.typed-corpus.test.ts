// Values as people type them and numbers that are not what they look like: precision and recall
// per type on test/data/pii/typed.txt (written after the detector change, not tuned on), against
// the seed's four regexes (printed). Scoring as in detect.corpus.test.ts (overlap, same type).
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'

interface Span {
  type: string
  start: number
  end: number
}
interface Line {
  text: string
  spans: Span[]
}

/** Lines with `[[type|value]]` marks; `\n` and `\t` escaped; `#` starts a comment. */
const lines: Line[] = readFileSync(
  new URL('../../test/data/pii/typed.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    let rest = l.replaceAll('\\n', '\n').replaceAll('\\t', '\t')
    let text = ''
    const spans: Span[] = []
    for (let open = rest.indexOf('[['); open !== -1; open = rest.indexOf('[[')) {
      const close = rest.indexOf(']]', open)
      const [type, value] = rest.slice(open + 2, close).split('|') as [string, string]
      text += rest.slice(0, open)
      spans.push({ type, start: text.length, end: text.length + value.length })
      text += value
      rest = rest.slice(close + 2)
    }
    return { text: text + rest, spans }
  })

const SEED: ReadonlyArray<[string, RegExp]> = [
  ['email', /[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}/g],
  ['phone', /01[0-9]-?[0-9]{3,4}-?[0-9]{4}/g],
  ['korean_name', /\b[가-힣]{2,4}\b(?=님|씨|\s|$)/g],
  ['ssn', /[0-9]{6}-?[1-4][0-9]{6}/g],
]
const detector = createDetector()
const ours = (text: string): Span[] => detector.detect(text).filter((f) => f.type !== 'korean_name')
const seed = (text: string): Span[] =>
  SEED.filter(([type]) => type !== 'korean_name').flatMap(([type, re]) =>
    [...text.matchAll(re)].map((m) => ({ type, start: m.index, end: m.index + m[0].length })),
  )
const overlaps = (a: Span, b: Span) => a.type === b.type && a.start < b.end && b.start < a.end

function evaluate(detect: (text: string) => Span[]) {
  const by = new Map<
    string,
    { labels: number; found: number; predicted: number; correct: number }
  >()
  const get = (type: string) => {
    let t = by.get(type)
    if (!t) by.set(type, (t = { labels: 0, found: 0, predicted: 0, correct: 0 }))
    return t
  }
  const misses: string[] = []
  for (const { text, spans } of lines) {
    const predicted = detect(text)
    for (const s of spans) {
      const t = get(s.type)
      t.labels++
      if (predicted.some((p) => overlaps(p, s))) t.found++
      else misses.push(`FN ${s.type} ${JSON.stringify(text.slice(s.start, s.end))}`)
    }
    for (const p of predicted) {
      const t = get(p.type)
      t.predicted++
      if (spans.some((s) => overlaps(p, s))) t.correct++
      else
        misses.push(
          `FP ${p.type} ${JSON.stringify(text.slice(p.start, p.end))} in ${JSON.stringify(text)}`,
        )
    }
  }
  return { by, misses }
}
const pct = (n: number, d: number) => (d === 0 ? '   n/a' : ((n / d) * 100).toFixed(1).padStart(6))

const o = evaluate(ours)
const s = evaluate(seed)

test('typed corpus: per-type table, ours vs the seed (printed)', () => {
  const header = `${'typed type'.padEnd(16)} ${'n'.padStart(3)} | ours P   ours R | seed P   seed R`
  const types = [...new Set([...o.by.keys(), ...s.by.keys()])].sort()
  const rows = types.map((type) => {
    const a = o.by.get(type) ?? { labels: 0, found: 0, predicted: 0, correct: 0 }
    const b = s.by.get(type) ?? { labels: 0, found: 0, predicted: 0, correct: 0 }
    return `${type.padEnd(16)} ${String(a.labels || b.labels).padStart(3)} | ${pct(a.correct, a.predicted)}   ${pct(a.found, a.labels)} | ${pct(b.correct, b.predicted)}   ${pct(b.found, b.labels)}`
  })
  console.log(`\n${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}`)
  if (o.misses.length > 0) console.log(`  ${o.misses.join('\n  ')}`)
  assert.ok(lines.length >= 25)
  assert.ok(lines.filter((l) => l.spans.length === 0).length >= 8)
})

test('typed corpus (not tuned on): no hard negative reported, recall ≥ 0.8 (misses printed)', () => {
  let labels = 0
  let found = 0
  for (const t of o.by.values()) {
    labels += t.labels
    found += t.found
  }
  assert.equal(
    o.misses.filter((m) => m.startsWith('FP')),
    [],
  )
  assert.ok(found / labels >= 0.8, `recall ${pct(found, labels)}`)
})

test.run()
