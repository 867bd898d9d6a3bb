import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js'
import { connectInMemory, createTestDeps } from '../../../shared/mcp/testing.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import { SAMPLE_BULK_INDEXES, SAMPLE_SIZE, syntheticSample } from '../breach-sample.ts'
import { createServer } from '../server.ts'
import { callOnce, realDetector } from '../testing.ts'
import {
  DEFAULT_THRESHOLD,
  MAX_LISTED_FLAGGED,
  MAX_RECORD_BYTES,
  MAX_RECORDS,
  MAX_TOTAL_LENGTH,
} from './simulate-data-breach-detection.ts'

const NAME = 'simulate_data_breach_detection'

interface Out {
  source: string
  recordsScanned: number
  recordsWithPii: number
  threshold: number
  totalFindings: number
  countsByType: Record<string, number>
  countsByCategory: { pii: number; secret: number }
  exposureScore: number
  flaggedCount: number
  flaggedRecords: Array<{ index: number; total: number; counts: Record<string, number> }>
  riskLevel: string
  riskReasons: string[]
  recommendedActions: string[]
  planted?: Record<string, number>
}

const run = (args: Record<string, unknown>, options = {}) => callOnce(NAME, args, options)
const outOf = (result: { structuredContent?: unknown }) => result.structuredContent as Out

/** Every value the detector finds in `records`: none may appear in a result. */
function rawValues(records: readonly string[]): string[] {
  const detector = realDetector()
  return records.flatMap((text) => detector.detect(text).map((f) => text.slice(f.start, f.end)))
}

function assertNoRaw(result: unknown, raw: readonly string[]) {
  const json = JSON.stringify(result)
  const leaked = raw.filter((value) => json.includes(value))
  assert.equal(leaked, [], 'raw values in the result')
}

test('the built-in sample: counts per type, the two bulk records flagged, critical risk', async () => {
  // Results allowed through unmasked: nothing may depend on the guard's result policy.
  const { result, session } = await run({}, { policy: { results: { default: 'allow' } } })
  assert.not.ok(result.isError, textOf(result))
  const out = outOf(result)
  const sample = syntheticSample()
  assert.equal([out.source, out.recordsScanned, out.threshold], ['sample', SAMPLE_SIZE, 10])
  assert.equal(out.countsByType, sample.planted)
  assert.equal(out.planted, sample.planted)
  const total = Object.values(sample.planted).reduce((a, b) => a + b, 0)
  assert.is(out.totalFindings, total)
  assert.is(out.countsByCategory.secret, 6)
  assert.is(out.countsByCategory.pii, total - 6)
  assert.equal(
    out.flaggedRecords.map((r) => r.index),
    [...SAMPLE_BULK_INDEXES],
  )
  assert.equal(out.flaggedRecords[0]?.counts, { email: 12, phone: 12 })
  assert.equal(out.flaggedRecords[1]?.counts, { credit_card: 11, korean_name: 11, ssn: 11 })
  assert.is(out.riskLevel, 'critical')
  assert.ok(out.riskReasons.length > 0)
  assert.match(out.recommendedActions.join('\n'), /Revoke and rotate/)
  assert.match(out.recommendedActions.join('\n'), /index 17, 41/)
  assertNoRaw(result, rawValues(sample.records))
  const text = textOf(result)
  assert.match(text, /^Risk level: CRITICAL \(exposure score \d+\)\./)
  assert.match(text, /Records with 10 or more findings: 2 \(#17: 24, #41: 33\)\./)
  const [record] = await session.audit.records()
  assert.equal([record?.outcome, record?.pii], ['ok', undefined], 'no PII in or out')
})

test('given records: flagged by index with counts, threshold applied, values withheld', async () => {
  const records = [
    'nothing here',
    'a@example.com b@example.com c@example.com',
    '홍길동 고객님 010-0123-4567 hong@example.org',
  ]
  const { result } = await run({ records, threshold: 3 })
  const out = outOf(result)
  assert.equal(
    [out.source, out.recordsScanned, out.recordsWithPii, out.totalFindings],
    ['input', 3, 2, 6],
  )
  assert.equal(out.flaggedRecords, [
    { index: 1, total: 3, counts: { email: 3 } },
    { index: 2, total: 3, counts: { email: 1, korean_name: 1, phone: 1 } },
  ])
  assert.is(out.planted, undefined)
  // Exposure 6 (six findings of weight 1): ≥ threshold 3, < 3 × 3.
  assert.equal([out.exposureScore, out.riskLevel], [6, 'medium'])
  assertNoRaw(result, rawValues(records))
})

test('risk levels follow the documented rules for given records', async () => {
  const none = outOf((await run({ records: ['plain text', 'more plain text'] })).result)
  assert.equal([none.riskLevel, none.recommendedActions.length], ['none', 1])
  const low = outOf((await run({ records: ['x@example.com', 'y@example.com'] })).result)
  assert.equal([low.riskLevel, low.exposureScore, low.flaggedCount], ['low', 2, 0])
  const medium = outOf((await run({ records: ['rrn 960121-1021413'] })).result)
  assert.is(medium.riskLevel, 'medium')
  const high = outOf((await run({ records: ['key AKIAQ3TZX7W2ZEXAMPLE'] })).result)
  assert.is(high.riskLevel, 'high')
})

test('limits: record count, bytes per record (UTF-8), total size, threshold', async () => {
  const tooMany = await run({ records: Array.from({ length: MAX_RECORDS + 1 }, () => 'x') })
  assert.match(textOf(tooMany.result), /records: expected at most 10000 records/)
  const wide = await run({ records: ['ok', '가'.repeat(Math.floor(MAX_RECORD_BYTES / 3) + 1)] })
  assert.match(textOf(wide.result), /records\.1: expected at most 65536 bytes/)
  const fits = await run({ records: ['가'.repeat(Math.floor(MAX_RECORD_BYTES / 3))] })
  assert.not.ok(fits.result.isError)
  const count = Math.ceil(MAX_TOTAL_LENGTH / MAX_RECORD_BYTES) + 1
  const huge = await run({
    records: Array.from({ length: count }, () => 'a'.repeat(MAX_RECORD_BYTES)),
  })
  // The guard's scan budget (2 MiB by default, issue 9 §5) refuses it before the tool's own limit.
  assert.match(textOf(huge.result), /over the guard's scan budget/)
  const empty = await run({ records: [] })
  assert.match(textOf(empty.result), /records: expected at least 1 record/)
  const notStrings = await run({ records: [1] })
  assert.match(textOf(notStrings.result), /records\.0: expected string/)
  for (const [threshold, message] of [
    [0, /threshold: expected at least 1/],
    [1.5, /threshold: expected a whole number/],
    ['10', /threshold: expected number/],
  ] as const) {
    const { result } = await run({ threshold })
    assert.is(result.isError, true)
    assert.match(textOf(result), message)
  }
  assert.is(outOf((await run({})).result).threshold, DEFAULT_THRESHOLD)
})

test('at most 100 flagged records are listed; all are counted', async () => {
  const records = Array.from({ length: 150 }, (_, i) => `u${i}@example.com`)
  const out = outOf((await run({ records, threshold: 1 })).result)
  assert.equal([out.flaggedCount, out.flaggedRecords.length], [150, MAX_LISTED_FLAGGED])
  assert.match(out.recommendedActions.join('\n'), /index 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 140 more/)
})

test('progress notifications while a large input is scanned', async () => {
  const { deps } = createTestDeps({ detector: realDetector() })
  const detector = realDetector()
  const { client, close } = await connectInMemory(
    createServer({ ...deps, detector: () => detector }),
  )
  const records = Array.from({ length: 40 }, (_, i) => `${'lorem ipsum '.repeat(4000)} ${i}`)
  const progress: number[] = []
  const result = await client.callTool(
    { name: NAME, arguments: { records } },
    CallToolResultSchema,
    { onprogress: (p) => void progress.push(p.progress) },
  )
  await close()
  assert.is((result.structuredContent as unknown as Out).recordsScanned, 40)
  assert.ok(progress.length >= 3, `${progress.length} progress notifications`)
  assert.ok(progress.every((p, i) => i === 0 || p > progress[i - 1]!))
})

test.run()
