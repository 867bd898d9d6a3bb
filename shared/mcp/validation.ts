// Argument validation with messages that name the field and never echo the value (valibot issues).
import * as v from 'valibot'

/** Most problems listed in one `invalid arguments` message; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 10

type AnyIssue = v.BaseIssue<unknown>

/**
 * The message valibot uses for an issue whose schema set no message of its own. It is built from
 * the schema (type, expectation), never from `received`, so a value never reaches the caller or
 * a log through a validation message. Messages written in schemas
 * (`v.check(isZone, 'expected a valid IANA time zone')`) win over this one.
 */
export function safeIssueMessage(issue: AnyIssue): string {
  const words = issue.type.replaceAll('_', ' ')
  if (issue.kind === 'schema') {
    const isObject = issue.type.endsWith('object') || issue.type === 'object_with_rest'
    if (isObject && issue.expected === 'never') return 'unknown field'
    if (isObject && issue.received === 'undefined' && issue.path?.length) return 'required'
    return issue.expected ? `expected ${issue.expected}` : `invalid ${words}`
  }
  return issue.expected ? `expected ${words} ${issue.expected}` : `invalid ${words}`
}

/** `field.path: message` for each issue (`arguments: …` for the root), at most `max` of them. */
export function describeIssues(
  issues: readonly AnyIssue[],
  max: number = MAX_LISTED_PROBLEMS,
): string[] {
  const lines = issues.slice(0, max).map((issue) => {
    const path = v.getDotPath(issue)
    return `${path === null || path === '' ? 'arguments' : path}: ${issue.message}`
  })
  if (issues.length > max) lines.push(`and ${issues.length - max} more`)
  return lines
}

/** The outcome of checking a value against a schema. */
export type Validation<T> = { ok: true; value: T } | { ok: false; problems: string[] }

/**
 * Parses `input` with `schema`, collecting every issue (not only the first) with safe messages.
 * Transformations in the schema apply: `value` is the schema's output.
 */
export function validate<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): Validation<v.InferOutput<TSchema>> {
  const result = v.safeParse(schema, input, { message: safeIssueMessage })
  if (result.success) return { ok: true, value: result.output }
  return { ok: false, problems: describeIssues(result.issues) }
}
