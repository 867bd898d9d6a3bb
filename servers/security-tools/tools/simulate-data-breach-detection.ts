// Tool `simulate_data_breach_detection`: scans records (given, or the built-in synthetic sample)
// for PII and flags bulk exposure: counts per type, records over the threshold, a risk level and
// recommended actions. Types, counts and record indexes only: no value leaves the handler.
import * as v from 'valibot'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { assessRisk, recommendedActions, RISK_LEVELS } from '../breach-risk.ts'
import { syntheticSample } from '../breach-sample.ts'
import { increment, sortedKeys } from '../counts.ts'
import type { SecurityToolsDeps } from '../deps.ts'

/** Most records one call scans. */
export const MAX_RECORDS = 10_000
/** Largest record, in UTF-8 bytes (64 KiB). */
export const MAX_RECORD_BYTES = 64 * 1024
/** Most characters (UTF-16 code units) of all records together: about a second of scanning. */
export const MAX_TOTAL_LENGTH = 8 * 1024 * 1024
/** Largest bulk threshold accepted. */
export const MAX_THRESHOLD = 1_000_000
/** Default bulk threshold: findings in one record that make it a bulk exposure. */
export const DEFAULT_THRESHOLD = 10
/** At most this many flagged records are listed (`flaggedCount` counts them all). */
export const MAX_LISTED_FLAGGED = 100
/** Characters scanned between two yields to the event loop (lets a cancellation arrive). */
const YIELD_EVERY = 256 * 1024

const Counts = v.record(v.string(), v.number())

const Output = v.strictObject({
  source: v.pipe(
    v.picklist(['input', 'sample']),
    v.description('The given records, or the built-in synthetic sample.'),
  ),
  recordsScanned: v.number(),
  recordsWithPii: v.number(),
  threshold: v.number(),
  totalFindings: v.number(),
  countsByType: v.pipe(Counts, v.description('Findings per entity type over all records.')),
  countsByCategory: v.strictObject({ pii: v.number(), secret: v.number() }),
  exposureScore: v.pipe(
    v.number(),
    v.description('Σ weight × count: secrets 10, sensitive identifiers 5, other PII 1.'),
  ),
  flaggedCount: v.pipe(v.number(), v.description('Records with at least `threshold` findings.')),
  flaggedRecords: v.pipe(
    v.array(v.strictObject({ index: v.number(), total: v.number(), counts: Counts })),
    v.description(
      `Records at or over the threshold (index from 0); at most ${MAX_LISTED_FLAGGED}.`,
    ),
  ),
  riskLevel: v.picklist(RISK_LEVELS),
  riskReasons: v.array(v.string()),
  recommendedActions: v.array(v.string()),
  planted: v.optional(
    v.pipe(Counts, v.description('Sample only: the values planted per type (detection recall).')),
  ),
})
type Result = v.InferInput<typeof Output>

const Records = v.pipe(
  v.array(
    v.pipe(v.string(), v.maxBytes(MAX_RECORD_BYTES, `expected at most ${MAX_RECORD_BYTES} bytes`)),
  ),
  v.minLength(1, 'expected at least 1 record'),
  v.maxLength(MAX_RECORDS, `expected at most ${MAX_RECORDS} records`),
  v.check(
    (records) => records.reduce((sum, record) => sum + record.length, 0) <= MAX_TOTAL_LENGTH,
    `expected at most ${MAX_TOTAL_LENGTH} characters in all records together`,
  ),
  v.description(
    `Texts to scan (log lines, rows, documents): 1–${MAX_RECORDS}, each at most 64 KiB. ` +
      'Omit to scan the built-in synthetic sample (fake Korean and English customer data).',
  ),
)

function render(out: Result): string {
  const counts = Object.entries(out.countsByType).map(([type, n]) => `${type} ${n}`)
  const lines = [
    `Risk level: ${out.riskLevel.toUpperCase()} (exposure score ${out.exposureScore}).`,
    `Scanned ${out.recordsScanned} ${out.source === 'sample' ? 'synthetic sample ' : ''}record(s): ` +
      `${out.totalFindings} finding(s) in ${out.recordsWithPii} record(s)` +
      (counts.length > 0 ? `: ${counts.join(', ')}.` : '.'),
    `Records with ${out.threshold} or more findings: ${out.flaggedCount}` +
      (out.flaggedRecords.length > 0
        ? ` (${out.flaggedRecords.map((r) => `#${r.index}: ${r.total}`).join(', ')}${out.flaggedCount > out.flaggedRecords.length ? ', …' : ''}).`
        : '.'),
    'Why:',
    ...out.riskReasons.map((reason) => `- ${reason}`),
    'Recommended actions:',
    ...out.recommendedActions.map((action, i) => `${i + 1}. ${action}`),
  ]
  return lines.join('\n')
}

export function simulateDataBreachDetection(deps: SecurityToolsDeps): Tool {
  return defineTool({
    name: 'simulate_data_breach_detection',
    title: 'Simulate data breach detection',
    description:
      'Scans records for personal data and secrets and flags bulk exposure, as a breach ' +
      'detector would: counts per entity type, the records holding `threshold` or more values ' +
      '(by index), a risk level (none, low, medium, high, critical) with its reasons, and ' +
      'recommended actions. Without `records` it scans a built-in synthetic sample of fake ' +
      'Korean and English customer data. Never returns the values found.',
    input: v.strictObject({
      records: v.optional(Records),
      threshold: v.optional(
        v.pipe(
          v.number(),
          v.integer('expected a whole number'),
          v.minValue(1, 'expected at least 1'),
          v.maxValue(MAX_THRESHOLD, `expected at most ${MAX_THRESHOLD}`),
          v.description(
            `Findings in one record that make it a bulk exposure. Default ${DEFAULT_THRESHOLD}.`,
          ),
        ),
        DEFAULT_THRESHOLD,
      ),
    }),
    output: Output,
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      openWorldHint: false,
      idempotentHint: true,
    },
    text: render,
    handler: async ({ records, threshold }, ctx): Promise<Result> => {
      const sample = records === undefined ? syntheticSample() : undefined
      const texts = records ?? sample!.records
      const detector = await deps.detector()
      const categoryOf = (type: string) => detector.categoryOf(type)
      const counts: Record<string, number> = {}
      const flagged: Array<{ index: number; total: number; counts: Record<string, number> }> = []
      let flaggedCount = 0
      let recordsWithPii = 0
      let totalFindings = 0
      let sinceYield = 0
      for (let index = 0; index < texts.length; index++) {
        const text = texts[index]!
        const findings = detector.detect(text)
        if (findings.length > 0) recordsWithPii++
        totalFindings += findings.length
        const own: Record<string, number> = {}
        for (const { type } of findings) {
          increment(own, type)
          increment(counts, type)
        }
        if (findings.length >= threshold) {
          flaggedCount++
          if (flagged.length < MAX_LISTED_FLAGGED)
            flagged.push({ index, total: findings.length, counts: sortedKeys(own) })
        }
        sinceYield += text.length
        if (sinceYield >= YIELD_EVERY) {
          sinceYield = 0
          await ctx.progress(index + 1, texts.length)
          await new Promise((resolve) => setTimeout(resolve, 0))
          if (ctx.signal.aborted) throw new Error('cancelled by the client')
        }
      }
      const sorted = sortedKeys(counts)
      const risk = assessRisk({ counts: sorted, threshold, categoryOf })
      const byCategory = { pii: 0, secret: 0 }
      for (const [type, n] of Object.entries(sorted)) byCategory[categoryOf(type)] += n
      return {
        source: sample ? 'sample' : 'input',
        recordsScanned: texts.length,
        recordsWithPii,
        threshold,
        totalFindings,
        countsByType: sorted,
        countsByCategory: byCategory,
        exposureScore: risk.exposureScore,
        flaggedCount,
        flaggedRecords: flagged,
        riskLevel: risk.level,
        riskReasons: risk.reasons,
        recommendedActions: recommendedActions({
          counts: sorted,
          threshold,
          categoryOf,
          level: risk.level,
          flagged: flagged.map((record) => record.index),
          flaggedCount,
        }),
        ...(sample ? { planted: sample.planted } : {}),
      }
    },
  })
}
