// The PII policy format and its validation (valibot), for policies written in code or read from
// JSON (the SECURITY_POLICY_FILE builds on it).
import * as v from 'valibot'
import { PiiPolicyError } from './policy-errors.ts'
import { MAX_MAX_DEPTH } from './walk.ts'

/** What happens to a detected value of a type (LOG-2; the seed's encrypt/mask/reject). */
export type PolicyAction = 'allow' | 'mask' | 'redact' | 'encrypt' | 'reject'

/** Every action, weakest first (`reject` stops the call instead of rewriting the value). */
export const POLICY_ACTIONS = ['allow', 'mask', 'redact', 'encrypt', 'reject'] as const

export interface PiiPolicy {
  /** Action for types not listed in `types`. Default (when read from JSON): `mask`. */
  default: PolicyAction
  /** Per entity type overrides, e.g. `{ "email": "encrypt", "ssn": "reject" }`. Default: none. */
  types?: Record<string, PolicyAction>
  /**
   * `value` (default): each value whose action is `encrypt` becomes a token in place, the rest of
   * the text stays readable. `text`: a string holding any such value becomes one token, made
   * after the string's `mask`/`redact` values were masked (so they never exist in clear, not even
   * inside the token) while its `allow` and `encrypt` values are kept as they were.
   */
  encryptScope?: 'value' | 'text'
  /** Maximum nesting of objects and arrays in JSON values, 1–1000. Default: 64. */
  maxDepth?: number
}

const actionMessage = `must be one of ${POLICY_ACTIONS.join(', ')}`
const Action = v.picklist(POLICY_ACTIONS, actionMessage)

/** Objects but not arrays (valibot's object and record schemas accept arrays). */
const isPlainObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input)

const TypeActions = v.pipe(
  v.custom<Record<string, unknown>>(
    isPlainObject,
    'must be an object mapping entity types to actions',
  ),
  v.record(
    v.pipe(
      v.string(),
      v.minLength(1, 'entity type names must not be empty'),
      v.maxLength(64, 'entity type names are at most 64 characters'),
    ),
    Action,
  ),
)

/** `encryptScope` of a policy (also in the SECURITY_POLICY_FILE format). */
export const EncryptScopeSchema = v.picklist(['value', 'text'], 'must be "value" or "text"')

/** `maxDepth` of a policy (also in the SECURITY_POLICY_FILE format). */
export const MaxDepthSchema = v.pipe(
  v.number('must be a number'),
  v.integer('must be an integer'),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(MAX_MAX_DEPTH, `must be at most ${MAX_MAX_DEPTH}`),
)

const PolicyFields = v.strictObject({
  default: v.optional(Action, 'mask'),
  types: v.optional(TypeActions),
  encryptScope: v.optional(EncryptScopeSchema),
  maxDepth: v.optional(MaxDepthSchema),
})

const PolicySchema = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'),
  PolicyFields,
)

/**
 * Validates a policy object (parsed JSON or a literal) and returns it with defaults applied.
 * Unknown fields and unknown actions are errors; each problem names its field, e.g.
 * `types.email: must be one of allow, mask, redact, encrypt, reject`.
 * @throws PiiPolicyError (`ERR_PII_POLICY`) listing every problem found.
 */
export function parsePiiPolicy(json: unknown): PiiPolicy {
  const result = v.safeParse(PolicySchema, json)
  if (result.success) return result.output
  throw new PiiPolicyError(result.issues.map(describeIssue))
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue)
  if (issue.type === 'strict_object' && path !== null) return `${path}: unknown field`
  return `${path ?? 'policy'}: ${issue.message}`
}
