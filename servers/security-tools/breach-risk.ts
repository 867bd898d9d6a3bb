// Risk rules of simulate_data_breach_detection: weights per entity type, the exposure score, the
// risk level (none → critical) with the reasons that set it, and the recommended actions.
import type { EntityCategory } from '../../shared/pii/types.ts'

export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

/**
 * Identifiers that single out a person or open an account on their own (national registration
 * numbers, passports, driver licences, cards): weight 5.
 */
export const SENSITIVE_TYPES: ReadonlySet<string> = new Set([
  'ssn',
  'foreigner_registration_number',
  'us_ssn',
  'kr_passport',
  'kr_driver_license',
  'credit_card',
])

/** Weight of one finding: a secret (credential) 10, a sensitive identifier 5, other PII 1. */
export const WEIGHTS = { secret: 10, sensitive: 5, other: 1 } as const

export function weightOf(type: string, category: EntityCategory): number {
  if (category === 'secret') return WEIGHTS.secret
  return SENSITIVE_TYPES.has(type) ? WEIGHTS.sensitive : WEIGHTS.other
}

export interface RiskInput {
  /** Findings per entity type over all records. */
  counts: Readonly<Record<string, number>>
  /** The bulk threshold (findings in one record that make it a bulk exposure). */
  threshold: number
  categoryOf: (type: string) => EntityCategory
}

export interface RiskAssessment {
  level: RiskLevel
  /** Σ weight × count over every finding. */
  exposureScore: number
  /** Findings of `SENSITIVE_TYPES`. */
  sensitiveFindings: number
  /** Findings of category `secret`. */
  secretFindings: number
  /** Why the level is what it is: the rules of that level that matched. */
  reasons: string[]
}

/**
 * The risk level, from the highest level with a matching rule (T = threshold, E = exposure score,
 * S = sensitive findings, K = secret findings):
 * - critical: E ≥ 10·T, or K ≥ 1 and S ≥ T (credentials exposed together with bulk identifiers)
 * - high: E ≥ 3·T, or K ≥ 1 (any credential), or S ≥ T
 * - medium: E ≥ T, or S ≥ 1 (any sensitive identifier)
 * - low: some PII below all of the above
 * - none: nothing found
 */
export function assessRisk(input: RiskInput): RiskAssessment {
  const { counts, threshold: t, categoryOf } = input
  let exposureScore = 0
  let sensitiveFindings = 0
  let secretFindings = 0
  for (const [type, count] of Object.entries(counts)) {
    const category = categoryOf(type)
    exposureScore += weightOf(type, category) * count
    if (category === 'secret') secretFindings += count
    else if (SENSITIVE_TYPES.has(type)) sensitiveFindings += count
  }
  const e = exposureScore
  const s = sensitiveFindings
  const k = secretFindings
  const rules: Array<[RiskLevel, boolean, string]> = [
    ['critical', e >= 10 * t, `exposure score ${e} ≥ 10 × threshold (${10 * t})`],
    [
      'critical',
      k >= 1 && s >= t,
      `${k} credential(s) exposed together with ${s} sensitive identifiers (≥ threshold ${t})`,
    ],
    ['high', e >= 3 * t, `exposure score ${e} ≥ 3 × threshold (${3 * t})`],
    ['high', k >= 1, `${k} credential(s) exposed (secrets are always high risk)`],
    ['high', s >= t, `${s} sensitive identifiers ≥ threshold ${t}`],
    ['medium', e >= t, `exposure score ${e} ≥ threshold ${t}`],
    ['medium', s >= 1, `${s} sensitive identifier(s) (registration numbers, passports, cards…)`],
  ]
  for (const level of ['critical', 'high', 'medium'] as const) {
    const reasons = rules.filter(([l, hit]) => l === level && hit).map(([, , why]) => why)
    if (reasons.length > 0)
      return { level, exposureScore, sensitiveFindings, secretFindings, reasons }
  }
  const level: RiskLevel = e > 0 ? 'low' : 'none'
  const reasons =
    e > 0
      ? [`exposure score ${e} below threshold ${t}, no sensitive identifiers or credentials`]
      : ['no personal data or secrets found']
  return { level, exposureScore, sensitiveFindings, secretFindings, reasons }
}

export interface ActionInput extends RiskInput {
  level: RiskLevel
  /** Indexes of (the first) records at or over the threshold; the first ten are named. */
  flagged: readonly number[]
  /** How many records are at or over the threshold in all. Default: `flagged.length`. */
  flaggedCount?: number
}

const NAMED_FLAGGED = 10

/** What to do about it, most urgent first; each line names types and record indexes, never values. */
export function recommendedActions(input: ActionInput): string[] {
  const { counts, level, flagged, threshold, categoryOf } = input
  const flaggedCount = input.flaggedCount ?? flagged.length
  if (level === 'none') return ['No personal data or secrets found: no action needed.']
  const types = Object.keys(counts).filter((type) => counts[type]! > 0)
  const secrets = types.filter((type) => categoryOf(type) === 'secret')
  const sensitive = types.filter((type) => SENSITIVE_TYPES.has(type))
  const actions: string[] = []
  if (level === 'critical' || level === 'high') {
    actions.push(
      'Start the incident response: restrict access to the source of these records, preserve the ' +
        'audit log and check that its hash chain verifies (generate_security_report), and escalate ' +
        'to the security officer.',
    )
  }
  if (secrets.length > 0) {
    actions.push(
      `Revoke and rotate the exposed credentials now (${secrets.join(', ')}); treat them as ` +
        'compromised and review their recent use.',
    )
  }
  if (sensitive.includes('ssn') || sensitive.includes('foreigner_registration_number')) {
    actions.push(
      'Resident/foreigner registration numbers exposed: follow the breach-notification procedure ' +
        'for national identifiers and store them only encrypted.',
    )
  }
  if (sensitive.includes('credit_card')) {
    actions.push(
      'Card numbers exposed: inform the card processor under your PCI DSS incident procedure and ' +
        'never store full card numbers.',
    )
  }
  if (flagged.length > 0) {
    const named = flagged.slice(0, NAMED_FLAGGED)
    const more = flaggedCount > named.length ? ` and ${flaggedCount - named.length} more` : ''
    actions.push(
      `Quarantine and review the bulk records (index ${named.join(', ')}${more}): each holds ${threshold} or ` +
        'more values, the shape of an export or a dump.',
    )
  }
  const protect = [...secrets, ...sensitive]
  if (protect.length > 0) {
    const rules = protect.map((type) => `"${type}": "reject"`).join(', ')
    actions.push(
      `Stop these types from leaving through tools: in SECURITY_POLICY_FILE set ` +
        `"results": { "types": { ${rules} } } (or "encrypt" where the value is needed).`,
    )
  }
  actions.push(
    'Confirm whether the data left the system (exports, logs, responses) and who accessed it; ' +
      'minimise what is kept and mask personal data in logs.',
  )
  return actions
}
