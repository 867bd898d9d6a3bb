// The security policy (SECURITY_POLICY_FILE): PII actions per direction, per tool and per entity
// type, validated with valibot; resolved into the PII engine's per-call policies.
import * as v from 'valibot'
import { ConfigError } from '../config/errors.ts'
import {
  EncryptScopeSchema,
  MaxDepthSchema,
  POLICY_ACTIONS,
  type PiiPolicy,
  type PolicyAction,
} from '../pii/policy-parse.ts'
import type { EntityCategory } from '../pii/types.ts'
import { DEFAULT_MAX_DEPTH } from '../pii/walk.ts'

/**
 * # Policy file format
 *
 * ```json
 * {
 *   "arguments": { "default": "allow", "types": { "korean_rrn": "reject" } },
 *   "results":   { "default": "mask",  "types": { "email": "encrypt" } },
 *   "tools": {
 *     "echo": { "arguments": { "default": "mask" }, "results": { "types": { "email": "redact" } } }
 *   },
 *   "encryptScope": "value",
 *   "maxDepth": 64
 * }
 * ```
 *
 * Every field is optional; unknown fields are errors. Actions: `allow` (pass unchanged), `mask`
 * (partial mask, `kim***@example.com`), `redact` (label, `[EMAIL]`), `encrypt` (a Fernet token in
 * place of the value; needs FERNET_KEY or FERNET_KEY_FILE), `reject` (arguments: the tool does not
 * run; results: the result is withheld; either way an `isError` result names the types found).
 *
 * The action for a value of type T found in the arguments (or results) of tool X is the first of:
 * `tools.X.arguments.types.T`, `arguments.types.T`, `tools.X.arguments.default`,
 * `arguments.default`, then the built-in default: `allow` for arguments, `mask` for results.
 * Per-type rules beat defaults at every level, so a global `"ssn": "reject"` holds for a tool
 * whose own default is `allow` unless that tool names `ssn` itself.
 *
 * Secrets (entity category `secret`: API keys, tokens, private keys) are always at least masked in
 * results: naming a secret type with `allow` under `results` is a configuration error, and when a
 * results default of `allow` would let one through it is masked instead.
 */
export interface SecurityPolicy {
  /** Rules for tool arguments (client → tool). */
  readonly arguments: DirectionRules
  /** Rules for tool results (tool → client), structured content and text alike. */
  readonly results: DirectionRules
  /** Per-tool overrides, by tool name as the server lists it. */
  readonly tools: Readonly<Record<string, ToolRules>>
  /** `value`: each encrypted value becomes a token in place; `text`: the whole string does. */
  readonly encryptScope: 'value' | 'text'
  /** Deepest nesting of arguments and results scanned; deeper values fail the call. */
  readonly maxDepth: number
}

/** The actions of one direction. */
export interface DirectionRules {
  /** Action for types not listed. Absent in `tools` entries: the global rules apply. */
  readonly default?: PolicyAction
  /** Entity type → action. */
  readonly types?: Readonly<Record<string, PolicyAction>>
}

/** A tool's overrides. */
export interface ToolRules {
  readonly arguments?: DirectionRules
  readonly results?: DirectionRules
}

/** Which side of a call a rule is for. */
export type PolicyDirection = 'arguments' | 'results'

/** Built-in defaults: arguments pass through, results are masked. */
export const BUILTIN_DEFAULTS: Readonly<Record<PolicyDirection, PolicyAction>> = {
  arguments: 'allow',
  results: 'mask',
}

/** The policy used when no SECURITY_POLICY_FILE is set. */
export const DEFAULT_SECURITY_POLICY: SecurityPolicy = Object.freeze({
  arguments: Object.freeze({ default: BUILTIN_DEFAULTS.arguments }),
  results: Object.freeze({ default: BUILTIN_DEFAULTS.results }),
  tools: Object.freeze({}),
  encryptScope: 'value',
  maxDepth: DEFAULT_MAX_DEPTH,
})

const Action = v.picklist(POLICY_ACTIONS, `must be one of ${POLICY_ACTIONS.join(', ')}`)
const TypeName = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'entity type names are 1-64 of a-z 0-9 _ . -'),
)
/** A JSON object (valibot's object schemas also take arrays, as objects without keys). */
const jsonObject = <T extends v.ObjectEntries>(entries: T, message: string) =>
  v.pipe(
    v.custom<Record<string, unknown>>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      message,
    ),
    v.strictObject(entries, message),
  )

const Rules = jsonObject(
  {
    default: v.optional(Action),
    types: v.optional(v.record(TypeName, Action, 'must be an object of entity type → action')),
  },
  'must be an object',
)
const ToolRulesSchema = jsonObject(
  { arguments: v.optional(Rules), results: v.optional(Rules) },
  'must be an object',
)
const PolicySchema = jsonObject(
  {
    arguments: v.optional(Rules),
    results: v.optional(Rules),
    tools: v.optional(
      v.record(
        v.pipe(
          v.string(),
          v.regex(/^[A-Za-z0-9_.-]{1,128}$/, 'tool names are 1-128 of A-Z a-z 0-9 _ . -'),
        ),
        ToolRulesSchema,
        'must be an object of tool name → rules',
      ),
    ),
    encryptScope: v.optional(EncryptScopeSchema),
    maxDepth: v.optional(MaxDepthSchema),
  },
  'the policy must be a JSON object',
)

export interface PolicyCheckOptions {
  /** Entity types the detector reports; when given, other type names are errors (typos). */
  knownTypes?: readonly string[]
  /** Category of a type; when given, `allow` for a secret type under `results` is an error. */
  categoryOf?: (type: string) => EntityCategory
  /** Prefix of every problem line, e.g. `SECURITY_POLICY_FILE (/run/policy.json)`. */
  source?: string
}

/**
 * Validates a parsed policy file and returns it with defaults applied.
 * @throws ConfigError listing every problem, each naming its field (`results.types.email: …`).
 */
export function parseSecurityPolicy(
  json: unknown,
  options: PolicyCheckOptions = {},
): SecurityPolicy {
  const prefix = options.source ? `${options.source}: ` : ''
  const parsed = v.safeParse(PolicySchema, json)
  if (!parsed.success) {
    throw new ConfigError(parsed.issues.map((issue) => `${prefix}${describe(issue)}`))
  }
  const raw = parsed.output
  const policy: SecurityPolicy = {
    arguments: { default: BUILTIN_DEFAULTS.arguments, ...raw.arguments },
    results: { default: BUILTIN_DEFAULTS.results, ...raw.results },
    tools: raw.tools ?? {},
    encryptScope: raw.encryptScope ?? 'value',
    maxDepth: raw.maxDepth ?? DEFAULT_MAX_DEPTH,
  }
  const problems = checkTypes(policy, options).map((problem) => `${prefix}${problem}`)
  if (problems.length > 0) throw new ConfigError(problems)
  return policy
}

/**
 * Every `[path, direction, rules]` of a policy: the two global directions, then each tool's.
 * Defensive, so it also walks a raw policy file that failed validation (`rulesUsing`).
 */
function* allRules(policy: unknown): Generator<[string, PolicyDirection, DirectionRules]> {
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  const root = record(policy)
  for (const direction of ['arguments', 'results'] as const) {
    const rules = record(root?.[direction])
    if (rules) yield [direction, direction, rules]
  }
  for (const [tool, value] of Object.entries(record(root?.tools) ?? {})) {
    for (const direction of ['arguments', 'results'] as const) {
      const rules = record(record(value)?.[direction])
      if (rules) yield [`tools.${tool}.${direction}`, direction, rules]
    }
  }
}

function checkTypes(policy: SecurityPolicy, options: PolicyCheckOptions): string[] {
  const problems: string[] = []
  const known = options.knownTypes ? new Set(options.knownTypes) : undefined
  for (const [path, direction, rules] of allRules(policy)) {
    for (const [type, action] of Object.entries(rules.types ?? {})) {
      if (known && !known.has(type)) {
        problems.push(
          `${path}.types.${type}: unknown entity type (known: ${[...known].join(', ')})`,
        )
      } else if (
        direction === 'results' &&
        action === 'allow' &&
        options.categoryOf?.(type) === 'secret'
      ) {
        problems.push(
          `${path}.types.${type}: ${type} is a secret; secrets are always at least masked in results, "allow" is not permitted`,
        )
      }
    }
  }
  return problems
}

/**
 * Paths of every rule that uses `action` (e.g. which rules need a Fernet key). Takes a checked
 * policy, or the raw JSON of one that failed validation (so its problems can be listed together).
 */
export function rulesUsing(policy: SecurityPolicy | unknown, action: PolicyAction): string[] {
  const paths: string[] = []
  for (const [path, , rules] of allRules(policy)) {
    if (rules.default === action) paths.push(`${path}.default`)
    const types = typeof rules.types === 'object' && rules.types !== null ? rules.types : {}
    for (const [type, used] of Object.entries(types)) {
      if (used === action) paths.push(`${path}.types.${type}`)
    }
  }
  return paths
}

/**
 * The PII engine policy for one direction of one tool (see the resolution order above).
 * `secretTypes` are raised from `allow` to `mask` in results whatever the rules say.
 */
export function resolvePiiPolicy(
  policy: SecurityPolicy,
  tool: string | undefined,
  direction: PolicyDirection,
  secretTypes: readonly string[] = [],
): PiiPolicy {
  const global = policy[direction]
  const own = tool === undefined ? undefined : policy.tools[tool]?.[direction]
  const fallback = own?.default ?? global.default ?? BUILTIN_DEFAULTS[direction]
  const types: Record<string, PolicyAction> = { ...global.types, ...own?.types }
  if (direction === 'results') {
    for (const type of secretTypes) if ((types[type] ?? fallback) === 'allow') types[type] = 'mask'
  }
  return { default: fallback, types, encryptScope: policy.encryptScope, maxDepth: policy.maxDepth }
}

function describe(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue)
  if (issue.type === 'strict_object' && issue.expected === 'never' && path !== null) {
    return `${path}: unknown field`
  }
  return `${path ?? 'policy'}: ${issue.message}`
}
