// Tests of sliced detection: same findings as one whole scan, with values across slice edges and
// a match longer than a slice; pauses between slices.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFakeDetector } from './policy-fake-detector.ts'
import { createSlicedScanner, SLICE_CHARS, SLICE_LOOKAHEAD } from './scan-slices.ts'
import type { Detector, Finding } from './types.ts'

const EMAIL = 'kim.chulsoo@example.com'

/** The fake detector plus a long "key" pattern, like a PEM block: BEGIN … END up to 100,000. */
function detector(): Detector {
  const fake = createFakeDetector()
  return {
    types: [...fake.types, 'private_key'],
    categoryOf: (type) => (type === 'private_key' ? 'secret' : fake.categoryOf(type)),
    detect(text) {
      const out: Finding[] = fake.detect(text)
      for (const m of text.matchAll(/BEGIN[a-z]{0,100000}END/g))
        out.push({
          type: 'private_key',
          start: m.index,
          end: m.index + m[0].length,
          score: 1,
          validated: true,
        })
      return out.sort((a, b) => a.start - b.start)
    },
  }
}

test('a long text in slices: the findings of one whole scan, values across every slice edge', async () => {
  const d = detector()
  const parts: string[] = []
  let at = 0
  const place = (offset: number, value: string) => {
    parts.push(' '.repeat(offset - at), value)
    at = offset + value.length
  }
  for (let edge = SLICE_CHARS; edge < 6 * SLICE_CHARS; edge += SLICE_CHARS) {
    place(edge - 10, EMAIL) // starts before the edge, ends after it
    place(edge + 500, '010-1234-5678')
  }
  place(6 * SLICE_CHARS + 100, `BEGIN${'k'.repeat(99_000)}END`) // longer than half a window
  place(7 * SLICE_CHARS - 3, '900101-1234568')
  parts.push(' '.repeat(SLICE_LOOKAHEAD + 5000))
  const text = parts.join('')
  let pauses = 0
  const scanner = createSlicedScanner(d, async () => void pauses++)
  const sliced = await scanner.detect(text)
  assert.equal(sliced, d.detect(text))
  assert.is(sliced.length, 12)
  assert.ok(pauses >= Math.floor(text.length / SLICE_CHARS) - 1, `paused ${pauses} times`)
})

test('short texts are scanned whole; pauses come after every slice of text scanned', async () => {
  const d = createFakeDetector()
  let pauses = 0
  const scanner = createSlicedScanner(d, async () => void pauses++)
  for (let i = 0; i < 8; i++) await scanner.detect('x'.repeat(SLICE_CHARS / 4))
  assert.is(d.calls, 8)
  assert.is(pauses, 2)
})

test.run()
