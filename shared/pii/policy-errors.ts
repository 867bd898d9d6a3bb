// Errors of the PII policies. Every message is safe to show a client and to log: entity types
// and counts only, never a detected value (LOG-2).
import { PiiError } from './errors.ts'

/**
 * The policy rejects a type that was found. Carries types and counts only, so the message and
 * `JSON.stringify(error)` can go to the client and the audit log as they are.
 */
export class PiiRejectedError extends PiiError {
  readonly code = 'ERR_PII_REJECTED'
  override readonly name = 'PiiRejectedError'
  /** Count of findings per entity type, every type found (keys sorted). */
  readonly findings: Readonly<Record<string, number>>
  /** Every type found, sorted and unique. */
  readonly types: readonly string[]
  /** The found types whose action is `reject`, sorted. */
  readonly rejectedTypes: readonly string[]

  constructor(findings: Record<string, number>, rejectedTypes: readonly string[]) {
    const types = Object.keys(findings).sort()
    const rejected = [...new Set(rejectedTypes)].sort()
    const found = types.map((type) => `${type} (${findings[type]})`).join(', ')
    super(`rejected by the PII policy (${rejected.join(', ')}): found ${found}`)
    this.findings = Object.fromEntries(types.map((type) => [type, findings[type]!]))
    this.types = types
    this.rejectedTypes = rejected
  }
}

/** A policy is invalid or cannot work with its dependencies; `problems` names each field. */
export class PiiPolicyError extends PiiError {
  readonly code = 'ERR_PII_POLICY'
  override readonly name = 'PiiPolicyError'
  /** One line per problem, each starting with the field it is about (`types.email: …`). */
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`invalid PII policy: ${problems.join('; ')}`)
    this.problems = problems
  }
}
