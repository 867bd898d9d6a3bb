// Korean names by context: precision and recall of korean_name on test/data/pii/names-dev.txt
// (written with the recognizer and tuned on) and names-heldout.txt (written after the
// recognizer was finished, never tuned on), per context, against the seed's name regex (printed).
// Scoring as in detect.corpus.test.ts: a predicted span is right when it overlaps a labelled one;
// "exact" counts right predictions whose boundaries equal the label's (particles excluded).
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'

interface Line {
  context: string
  text: string
  names: Array<{ start: number; end: number }>
}

/** `context<TAB>text` lines, names marked [[…]], `\n` and `\t` escaped; `#` starts a comment. */
function load(file: string): Line[] {
  const raw = readFileSync(new URL(`../../test/data/pii/${file}`, import.meta.url), 'utf8')
  return raw
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const tab = l.indexOf('\t')
      const context = l.slice(0, tab)
      let marked = l
        .slice(tab + 1)
        .replaceAll('\\n', '\n')
        .replaceAll('\\t', '\t')
      const names: Line['names'] = []
      let text = ''
      for (;;) {
        const open = marked.indexOf('[[')
        if (open === -1) break
        const close = marked.indexOf(']]', open)
        text += marked.slice(0, open)
        const name = marked.slice(open + 2, close)
        names.push({ start: text.length, end: text.length + name.length })
        text += name
        marked = marked.slice(close + 2)
      }
      return { context, text: text + marked, names }
    })
}

const dev = load('names-dev.txt')
const heldOut = load('names-heldout.txt')
const detector = createDetector()
const SEED_NAME = /\b[가-힣]{2,4}\b(?=님|씨|\s|$)/g

type Span = { start: number; end: number }
const ours = (text: string): Span[] => detector.detect(text).filter((f) => f.type === 'korean_name')
const seed = (text: string): Span[] =>
  [...text.matchAll(SEED_NAME)].map((m) => ({ start: m.index, end: m.index + m[0].length }))

interface Tally {
  lines: number
  labels: number
  found: number
  exact: number
  predicted: number
  correct: number
}
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end

function evaluate(lines: Line[], detect: (text: string) => Span[]) {
  const by = new Map<string, Tally>()
  const misses: string[] = []
  const all: Tally = { lines: 0, labels: 0, found: 0, exact: 0, predicted: 0, correct: 0 }
  for (const line of lines) {
    const t = by.get(line.context) ?? {
      lines: 0,
      labels: 0,
      found: 0,
      exact: 0,
      predicted: 0,
      correct: 0,
    }
    by.set(line.context, t)
    const predicted = detect(line.text)
    for (const x of [t, all]) x.lines++
    for (const l of line.names) {
      const hit = predicted.find((p) => overlaps(p, l))
      for (const x of [t, all]) {
        x.labels++
        if (hit) x.found++
        if (hit && hit.start === l.start && hit.end === l.end) x.exact++
      }
      if (!hit)
        misses.push(
          `FN ${line.context} "${line.text.slice(l.start, l.end)}" in ${JSON.stringify(line.text)}`,
        )
    }
    for (const p of predicted) {
      const right = line.names.some((l) => overlaps(p, l))
      for (const x of [t, all]) {
        x.predicted++
        if (right) x.correct++
      }
      if (!right)
        misses.push(
          `FP ${line.context} "${line.text.slice(p.start, p.end)}" in ${JSON.stringify(line.text)}`,
        )
    }
  }
  return { by, all, misses }
}

const pct = (n: number, d: number) => (d === 0 ? '   n/a' : ((n / d) * 100).toFixed(1).padStart(6))

function table(title: string, lines: Line[]) {
  const o = evaluate(lines, ours)
  const s = evaluate(lines, seed)
  const header = `${title.padEnd(12)} ${'lines'.padStart(5)} ${'names'.padStart(5)} | ours P   ours R  exact | seed P   seed R`
  const rows = [...o.by.keys(), 'all'].map((context) => {
    const a = context === 'all' ? o.all : o.by.get(context)!
    const b = context === 'all' ? s.all : s.by.get(context)!
    return `${context.padEnd(12)} ${String(a.lines).padStart(5)} ${String(a.labels).padStart(5)} | ${pct(a.correct, a.predicted)}   ${pct(a.found, a.labels)} ${pct(a.exact, a.found)} | ${pct(b.correct, b.predicted)}   ${pct(b.found, b.labels)}`
  })
  console.log(`\n${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}`)
  if (o.misses.length > 0) console.log(`  ${o.misses.join('\n  ')}`)
  return o
}

test('names corpus: ≥ 150 name lines over every context, hard negatives, a held-out part', () => {
  const named = [...dev, ...heldOut].filter((l) => l.names.length > 0).length
  assert.ok(named >= 150, `${named} name lines`)
  for (const context of ['particle', 'label', 'title', 'list', 'json', 'csv', 'sql', 'english'])
    assert.ok(
      dev.some((l) => l.context === context),
      context,
    )
  assert.ok(dev.filter((l) => l.context === 'negative').length >= 40)
  assert.ok(heldOut.length >= 40, `${heldOut.length} held-out lines`)
})

const devResult = table('dev', dev)
const heldOutResult = table('held-out', heldOut)

test('names by context (dev, tuned on): precision ≥ 0.95, recall ≥ 0.9', () => {
  const { correct, predicted, found, labels } = devResult.all
  assert.ok(correct / predicted >= 0.95, `P ${pct(correct, predicted)}`)
  assert.ok(found / labels >= 0.9, `R ${pct(found, labels)}`)
})

test('names (held-out, never tuned on): reported above; better than the seed regex', () => {
  const s = evaluate(heldOut, seed).all
  const o = heldOutResult.all
  assert.ok(
    o.found / o.labels > s.found / s.labels || o.correct / o.predicted > s.correct / s.predicted,
  )
})

test.run()
