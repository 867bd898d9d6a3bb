// RX-1..RX-4: every pattern, run alone, finishes on 64 KB adversarial inputs. The bound is
// deliberately generous (1 s per pattern and input) so it only catches catastrophic
// backtracking; real figures are in bench/pii.bench.ts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createDetector } from './detect.ts'
import { ADVERSARIAL, ADVERSARIAL_SIZE } from './patterns.adversarial.ts'
import { PATTERNS } from './patterns.ts'

test('adversarial inputs are 64 KB', () => {
  for (const [name, text] of ADVERSARIAL) assert.ok(text.length >= ADVERSARIAL_SIZE - 64, name)
})

test('RX-3: every pattern alone completes each 64 KB adversarial input in < 1 s', () => {
  const slow: string[] = []
  let worst = { ms: 0, what: '' }
  for (const p of PATTERNS) {
    for (const [name, text] of ADVERSARIAL) {
      const re = p.regex
      re.lastIndex = 0
      const t0 = performance.now()
      for (let m = re.exec(text); m !== null; m = re.exec(text))
        if (m[0].length === 0) assert.unreachable(`${p.id} matched the empty string`)
      const ms = performance.now() - t0
      if (ms > worst.ms) worst = { ms, what: `${p.id} on ${name}` }
      if (ms > 1000) slow.push(`${p.id} on ${name}: ${ms.toFixed(0)} ms`)
    }
  }
  console.log(`slowest pattern/input: ${worst.what} ${worst.ms.toFixed(1)} ms`)
  assert.equal(slow, [])
})

test('the whole detector on each adversarial input completes (validators and overlaps too)', () => {
  const detector = createDetector()
  for (const [name, text] of ADVERSARIAL) {
    const t0 = performance.now()
    detector.detect(text)
    assert.ok(performance.now() - t0 < 2000, name)
  }
})

test.run()
