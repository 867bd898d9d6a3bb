// Precision and recall of the detector on the labelled corpus test/data/pii/corpus.jsonl, per
// entity type, against the seed's four regexes as the baseline (printed as a table).
// Scoring rule: a predicted span is a true positive when its type equals a labelled span's type
// and the two spans overlap; precision = matched predictions / predictions, recall = labelled
// spans overlapped by a same-type prediction / labelled spans. "exact" counts true positives
// whose boundaries equal the label's.
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'

interface Labelled {
  id: string
  lang: string
  text: string
  spans: Array<{ type: string; value: string; start: number; end: number }>
}
interface Span {
  type: string
  start: number
  end: number
}

const corpusUrl = new URL('../../test/data/pii/corpus.jsonl', import.meta.url)
const corpus: Labelled[] = readFileSync(corpusUrl, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const raw = JSON.parse(line) as Omit<Labelled, 'spans'> & {
      spans: Array<{ type: string; value: string }>
    }
    let cursor = 0
    const spans = raw.spans.map((s) => {
      const start = raw.text.indexOf(s.value, cursor)
      if (start === -1) throw new Error(`${raw.id}: label "${s.value}" not in text`)
      cursor = start + s.value.length
      return { ...s, start, end: cursor }
    })
    return { ...raw, spans }
  })

/** The seed's four regexes, exactly as the seed wrote them (baseline). */
const SEED: ReadonlyArray<[string, RegExp]> = [
  ['email', /[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}/g],
  ['phone', /01[0-9]-?[0-9]{3,4}-?[0-9]{4}/g],
  ['korean_name', /\b[가-힣]{2,4}\b(?=님|씨|\s|$)/g],
  ['ssn', /[0-9]{6}-?[1-4][0-9]{6}/g],
]
const SEED_TYPES = SEED.map(([type]) => type)

function seedDetect(text: string): Span[] {
  const out: Span[] = []
  for (const [type, re] of SEED)
    for (const m of text.matchAll(re))
      out.push({ type, start: m.index, end: m.index + m[0].length })
  return out
}

interface Score {
  labels: number
  found: number
  predicted: number
  correct: number
  exact: number
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end

function evaluate(
  detect: (text: string) => Span[],
  types?: readonly string[],
  lines: readonly Labelled[] = corpus,
) {
  const scores = new Map<string, Score>()
  const misses: string[] = []
  const score = (type: string) => {
    let s = scores.get(type)
    if (!s) scores.set(type, (s = { labels: 0, found: 0, predicted: 0, correct: 0, exact: 0 }))
    return s
  }
  for (const line of lines) {
    const predicted = detect(line.text).filter((p) => !types || types.includes(p.type))
    const labels = line.spans.filter((l) => !types || types.includes(l.type))
    for (const l of labels) {
      const s = score(l.type)
      s.labels++
      const hit = predicted.find((p) => p.type === l.type && overlaps(p, l))
      if (hit) {
        s.found++
        if (hit.start === l.start && hit.end === l.end) s.exact++
      } else misses.push(`FN ${line.id} ${l.type} "${l.value}"`)
    }
    for (const p of predicted) {
      const s = score(p.type)
      s.predicted++
      if (labels.some((l) => l.type === p.type && overlaps(p, l))) s.correct++
      else misses.push(`FP ${line.id} ${p.type} "${line.text.slice(p.start, p.end)}"`)
    }
  }
  return { scores, misses }
}

const precision = (s: Score | undefined) =>
  s && s.predicted > 0 ? s.correct / s.predicted : undefined
const recall = (s: Score | undefined) => (s && s.labels > 0 ? s.found / s.labels : undefined)
const pct = (x: number | undefined) =>
  x === undefined ? '   n/a' : (x * 100).toFixed(1).padStart(6)

const detector = createDetector()
const ours = evaluate((text) => detector.detect(text))
const seed = evaluate(seedDetect, SEED_TYPES)

test('corpus: at least 300 labelled lines, Korean and English, every type and hard negatives', () => {
  assert.ok(corpus.length >= 300, `${corpus.length} lines`)
  assert.ok(corpus.some((l) => l.lang === 'ko') && corpus.some((l) => l.lang === 'en'))
  const negatives = corpus.filter((l) => l.spans.length === 0).length
  assert.ok(negatives >= 100, `${negatives} hard-negative lines`)
  for (const type of detector.types) {
    const n = ours.scores.get(type)?.labels ?? 0
    assert.ok(n >= 5, `${type}: only ${n} labelled spans`)
  }
})

test('corpus: labels are right (Luhn-valid cards, real birth dates in RRN/FRN)', () => {
  const luhnOk = (d: string) =>
    [...d].reverse().reduce((sum, c, i) => {
      const x = Number(c) * (i % 2 ? 2 : 1)
      return sum + (x > 9 ? x - 9 : x)
    }, 0) %
      10 ===
    0
  for (const line of corpus)
    for (const s of line.spans) {
      const digits = s.value.replace(/\D/g, '')
      if (s.type === 'credit_card') assert.ok(luhnOk(digits), `${line.id}: ${s.value} fails Luhn`)
      if (s.type === 'ssn' || s.type === 'foreigner_registration_number') {
        const century = { 1: 1900, 2: 1900, 5: 1900, 6: 1900 }[Number(digits[6])] ?? 2000
        const date = new Date(
          Date.UTC(
            century + Number(digits.slice(0, 2)),
            Number(digits.slice(2, 4)) - 1,
            Number(digits.slice(4, 6)),
          ),
        )
        assert.is(date.getUTCDate(), Number(digits.slice(4, 6)), `${line.id}: ${s.value} date`)
      }
    }
})

test('corpus: precision/recall table, ours vs the seed (printed)', () => {
  const rows = [...new Set([...ours.scores.keys()])].sort()
  const header = `${'type'.padEnd(30)} ${'n'.padStart(4)} | ours P   ours R  exact | seed P   seed R`
  const body = rows.map((type) => {
    const o = ours.scores.get(type)
    const s = SEED_TYPES.includes(type) ? seed.scores.get(type) : undefined
    const exact = o && o.found > 0 ? o.exact / o.found : undefined
    const seedCols = SEED_TYPES.includes(type)
      ? `${pct(precision(s))}   ${pct(recall(s))}`
      : '     -        -'
    return `${type.padEnd(30)} ${String(o?.labels ?? 0).padStart(4)} | ${pct(precision(o))}   ${pct(recall(o))} ${pct(exact)} | ${seedCols}`
  })
  console.log(`\n${header}\n${'-'.repeat(header.length)}\n${body.join('\n')}`)
  console.log(`ours: ${ours.misses.length} misses\n  ${ours.misses.join('\n  ')}`)
  assert.ok(rows.length >= 20)
})

/**
 * The held-out part: every line whose id number is a multiple of 5 (phone-005, neg-010, …), so
 * each id family (one per type and the negatives) gives a fifth. The detector was tuned on the
 * whole corpus before this split was made (issue 11), so it is reported, not yet truly unseen:
 * from now on, tune on the dev part only. The full table above stays the sum of both parts.
 */
const isHeldOut = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 1) % 5 === 0
const heldOut = corpus.filter((l) => isHeldOut(l.id))
const dev = corpus.filter((l) => !isHeldOut(l.id))

/** Micro-averaged precision and recall of a part. */
function micro(scores: Map<string, Score>) {
  const sum = { labels: 0, found: 0, predicted: 0, correct: 0, exact: 0 }
  for (const s of scores.values()) {
    sum.labels += s.labels
    sum.found += s.found
    sum.predicted += s.predicted
    sum.correct += s.correct
  }
  return sum
}

test('corpus: dev and held-out parts (id number divisible by 5) reported separately', () => {
  assert.is(dev.length + heldOut.length, corpus.length)
  // A fifth of each family: the split is neither empty nor lopsided.
  assert.ok(heldOut.length >= corpus.length * 0.15 && heldOut.length <= corpus.length * 0.25)
  assert.ok(heldOut.some((l) => l.spans.length === 0) && heldOut.some((l) => l.lang === 'en'))
  const rows: string[] = []
  for (const [name, lines] of [
    ['dev', dev],
    ['held-out', heldOut],
    ['all', corpus],
  ] as const) {
    const o = micro(evaluate((text) => detector.detect(text), undefined, lines).scores)
    const s = micro(evaluate(seedDetect, SEED_TYPES, lines).scores)
    rows.push(
      `${name.padEnd(9)} ${String(lines.length).padStart(5)} ${String(o.labels).padStart(6)} | ${pct(precision(o))}   ${pct(recall(o))} | ${pct(precision(s))}   ${pct(recall(s))}`,
    )
  }
  const header = `${'part'.padEnd(9)} lines  spans | ours P   ours R | seed P   seed R (4 types)`
  console.log(`\n${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}`)
  const all = micro(ours.scores)
  const parts = [dev, heldOut].map((l) =>
    micro(evaluate((t) => detector.detect(t), undefined, l).scores),
  )
  assert.is(parts[0]!.labels + parts[1]!.labels, all.labels)
  assert.is(parts[0]!.correct + parts[1]!.correct, all.correct)
})

test('corpus: minScore sweep (micro-averaged), the default 0.4 is printed with the others', () => {
  const lines: string[] = []
  for (const minScore of [0.3, 0.4, 0.5, 0.6, 0.7]) {
    const d = createDetector({ minScore })
    const { scores } = evaluate((text) => d.detect(text))
    let predicted = 0
    let correct = 0
    let labels = 0
    let found = 0
    for (const s of scores.values()) {
      predicted += s.predicted
      correct += s.correct
      labels += s.labels
      found += s.found
    }
    lines.push(`minScore ${minScore}: P ${pct(correct / predicted)}  R ${pct(found / labels)}`)
  }
  console.log(lines.join('\n'))
  assert.is(lines.length, 5)
})

test('corpus: our precision ≥ 0.95 and recall ≥ 0.9 for every type', () => {
  const failing: string[] = []
  for (const [type, s] of ours.scores) {
    const p = precision(s) ?? 0
    const r = recall(s) ?? 0
    if (p < 0.95 || r < 0.9) failing.push(`${type}: P ${pct(p)} R ${pct(r)}`)
  }
  assert.equal(failing, [])
})

test('corpus: at least as good as the seed on its four types', () => {
  for (const type of SEED_TYPES) {
    const o = ours.scores.get(type)
    const s = seed.scores.get(type)
    assert.ok((recall(o) ?? 0) >= (recall(s) ?? 0), `${type} recall`)
    // A seed regex that predicts nothing has no precision to beat.
    if (precision(s) !== undefined)
      assert.ok((precision(o) ?? 0) >= precision(s)!, `${type} precision`)
  }
})

test.run()
