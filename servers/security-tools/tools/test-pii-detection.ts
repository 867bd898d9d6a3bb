// Tool `test_pii_detection`: runs the PII detector over a text and shows what a policy (mask,
// redact, encrypt, reject) would do to it. Detections carry masked previews, never the values.
import * as v from 'valibot'
import { ToolError } from '../../../shared/mcp/errors.ts'
import { resolvePiiPolicy, type SecurityPolicy } from '../../../shared/mcp/policy-config.ts'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { maskValue } from '../../../shared/pii/mask.ts'
import { PiiRejectedError } from '../../../shared/pii/policy-errors.ts'
import { createPolicyEngine } from '../../../shared/pii/policy.ts'
import type { Detector, Finding } from '../../../shared/pii/types.ts'
import { increment, sortedKeys } from '../counts.ts'
import { NO_KEY_MESSAGE, type SecurityToolsDeps } from '../deps.ts'

const NAME = 'test_pii_detection'
/** Longest text accepted, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 100_000
/** At most this many detections are listed (counts always cover all of them). */
export const MAX_LISTED_DETECTIONS = 1_000

const POLICIES = ['mask', 'redact', 'encrypt', 'reject'] as const

const Counts = v.record(v.string(), v.number())

const Detection = v.strictObject({
  type: v.pipe(v.string(), v.description('Entity type, e.g. email, phone, ssn, credit_card.')),
  category: v.pipe(v.picklist(['pii', 'secret']), v.description('Personal data or a credential.')),
  start: v.pipe(v.number(), v.description('Offset of the first character (UTF-16 code units).')),
  end: v.pipe(v.number(), v.description('Offset after the last character (exclusive).')),
  score: v.pipe(v.number(), v.description('Confidence in [0, 1].')),
  validated: v.pipe(v.boolean(), v.description('A checksum or format validator confirmed it.')),
  preview: v.pipe(v.string(), v.description('The value partially masked (never the raw value).')),
})

const Output = v.strictObject({
  policy: v.picklist(POLICIES),
  action: v.pipe(
    v.picklist(['allow', 'mask', 'redact', 'encrypt', 'reject']),
    v.description('What the policy did: allow when nothing was found.'),
  ),
  totalDetections: v.number(),
  detections: v.pipe(
    v.array(Detection),
    v.description(`In text order; at most ${MAX_LISTED_DETECTIONS} are listed.`),
  ),
  counts: v.pipe(Counts, v.description('Detections per entity type.')),
  processed: v.pipe(
    v.nullable(v.string()),
    v.description('The text after the policy; null when the policy rejects it.'),
  ),
  rejection: v.optional(
    v.strictObject({
      types: v.pipe(v.array(v.string()), v.description('Entity types the policy rejects.')),
      counts: Counts,
      message: v.string(),
    }),
  ),
  note: v.optional(
    v.pipe(v.string(), v.description('How the server policy changed the text before the scan.')),
  ),
})
type Result = v.InferInput<typeof Output>

/**
 * A note when the server's argument policy for this tool is not plain `allow`: the guard applies
 * it to `text` BEFORE the tool runs (docs/mcp-servers.md, guard pipeline step 2), so values it
 * masked, redacted or encrypted can no longer be detected here (and `reject` stops the call).
 */
export function argumentPolicyNote(policy: SecurityPolicy): string | undefined {
  const rules = resolvePiiPolicy(policy, NAME, 'arguments')
  const typed = Object.entries(rules.types ?? {}).filter(([, action]) => action !== 'allow')
  if (rules.default === 'allow' && typed.length === 0) return undefined
  const types = typed.map(([type, action]) => `${type}: ${action}`).join(', ')
  return (
    `the server's argument policy (default ${rules.default}${types ? `; ${types}` : ''}) was ` +
    'applied to the text before this tool saw it: values it masked, redacted or encrypted are ' +
    'no longer detectable, so the detections describe the text as received'
  )
}

function describe(detector: Detector, text: string, finding: Finding) {
  const category = detector.categoryOf(finding.type)
  return {
    type: finding.type,
    category,
    start: finding.start,
    end: finding.end,
    score: Math.round(finding.score * 1000) / 1000,
    validated: finding.validated,
    preview: maskValue(finding.type, text.slice(finding.start, finding.end), 'partial', category),
  }
}

function render(out: Result): string {
  const counts = Object.entries(out.counts).map(([type, n]) => `${type} ${n}`)
  const lines = [
    out.totalDetections === 0
      ? `No PII found (policy ${out.policy}: nothing to do).`
      : `Found ${out.totalDetections} value(s): ${counts.join(', ')}. Policy ${out.policy} → ${out.action}.`,
  ]
  for (const d of out.detections) {
    const checked = d.validated ? ', validated' : ''
    lines.push(`- ${d.type} at ${d.start}–${d.end} (score ${d.score}${checked}): ${d.preview}`)
  }
  if (out.detections.length < out.totalDetections)
    lines.push(`… ${out.totalDetections - out.detections.length} more not listed`)
  if (out.rejection) lines.push(out.rejection.message)
  else if (out.totalDetections > 0) lines.push('Processed text:', out.processed ?? '')
  if (out.note) lines.push(`Note: ${out.note}.`)
  return lines.join('\n')
}

export function testPiiDetection(deps: SecurityToolsDeps): Tool {
  return defineTool({
    name: NAME,
    title: 'Test PII detection',
    description:
      'Detects personal data and secrets in a text (Korean and international: RRN, phone, ' +
      'email, card, names, keys…) and shows what a policy does to it: mask (default), redact, ' +
      'encrypt (needs the server Fernet key) or reject. Returns each detection with its type, ' +
      'position, score and a masked preview (never the raw value), and the processed text. ' +
      '`reject` is a demonstration: the rejection is returned as the result, not as an error.',
    input: v.strictObject({
      text: v.pipe(
        v.string(),
        v.maxLength(MAX_TEXT_LENGTH),
        v.description(`The text to scan (at most ${MAX_TEXT_LENGTH} characters).`),
      ),
      policy: v.optional(
        v.pipe(v.picklist(POLICIES), v.description('What to do with the findings. Default mask.')),
        'mask',
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
    handler: async ({ text, policy }): Promise<Result> => {
      if (policy === 'encrypt' && !deps.keyRing) throw new ToolError(NO_KEY_MESSAGE)
      const detector = await deps.detector()
      const findings = detector.detect(text)
      const counts: Record<string, number> = {}
      for (const { type } of findings) increment(counts, type)
      const base = {
        policy,
        totalDetections: findings.length,
        detections: findings
          .slice(0, MAX_LISTED_DETECTIONS)
          .map((finding) => describe(detector, text, finding)),
        counts: sortedKeys(counts),
        ...optional('note', argumentPolicyNote(deps.guard.policy)),
      }
      const engine = createPolicyEngine(
        { default: policy },
        { detector, ...(deps.keyRing ? { encryptor: deps.keyRing } : {}) },
      )
      try {
        const applied = await engine.applyToText(text)
        return { ...base, action: applied.action, processed: applied.value }
      } catch (error) {
        if (!(error instanceof PiiRejectedError)) throw error
        const found = error.types.map((type) => `${type} (${error.findings[type]})`).join(', ')
        return {
          ...base,
          action: 'reject',
          processed: null,
          rejection: {
            types: [...error.rejectedTypes],
            counts: { ...error.findings },
            message:
              `The reject policy refuses this text: it contains ${found}. ` +
              'In a tool call the guard would return an error naming these types and the tool would not run.',
          },
        }
      }
    },
  })
}

function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T }
}
