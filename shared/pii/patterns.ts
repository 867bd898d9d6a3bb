// Pattern definitions: the JSON files under patterns/ (imported statically, so bundles read no
// files), checked with valibot and compiled once into the form the detector runs.
import * as v from 'valibot'
import globalJson from '../../patterns/global.json' with { type: 'json' }
import koreaJson from '../../patterns/korea.json' with { type: 'json' }
import secretsJson from '../../patterns/secrets.json' with { type: 'json' }
import { PiiConfigError } from './errors.ts'
import type { EntityCategory } from './types.ts'
import { VALIDATORS } from './validators.ts'
import type { Validator } from './validators.ts'

const words = v.array(v.pipe(v.string(), v.minLength(1)))

/** One pattern definition as written in patterns/*.json. */
export const PatternDefinitionSchema = v.strictObject({
  /** Unique name of the definition, e.g. `kr-mobile` (several definitions may share a type). */
  id: v.pipe(v.string(), v.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)),
  /** Entity type reported in findings: `phone`, `ssn`, `aws_access_key_id` … */
  type: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*$/)),
  /** `pii` or `secret` (secrets are always masked in tool results). */
  category: v.picklist(['pii', 'secret']),
  description: v.pipe(v.string(), v.minLength(1)),
  /** JavaScript regex source; every quantifier bounded (RX-3). */
  regex: v.pipe(v.string(), v.minLength(1)),
  /** Extra flags among `i m s u v`, each at most once (`g`, `d`, `y` are added here). */
  flags: v.pipe(v.string(), v.regex(/^(?!.*(.).*\1)[imsuv]*$/)),
  /** Base score in [0, 1] (PII-17). */
  score: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  /** Name of a function in VALIDATORS (PII-17: true → 1.0, false → dropped, undefined → base). */
  validator: v.optional(v.string()),
  /** Words (case-insensitive) in the window before a match that add 0.35 (PII-17). */
  context: v.optional(words),
  /** Words in the window before a match that subtract 0.35 (order numbers, versions …). */
  negativeContext: v.optional(words),
  /** When true, a match without a context word is dropped (for very weak patterns). */
  requireContext: v.optional(v.boolean()),
  /** Case-insensitive substrings; the regex runs only when one occurs in the text (gitleaks). */
  keywords: v.optional(words),
  /** Capture group holding the value (default 0, the whole match). */
  group: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /**
   * `numeric`: every match lies near a chain of at least 4 digits (the contract is
   * NUMERIC_MARGIN_BEFORE in detect-gate.ts). The detector then runs the regex over those chains,
   * found by one shared pre-scan, with the same findings as a full scan (detect-gate.test.ts).
   */
  gate: v.optional(v.picklist(['numeric'])),
  /**
   * When true, a match below minScore in a delimited row (`,` tab `|` `;`) is raised by the
   * context boost when another field of that line holds a personal finding (category `pii`, at
   * or above minScore: a name, phone, e-mail…), as a reader takes the row for a person's record.
   * Default false.
   */
  rowEvidence: v.optional(v.boolean()),
  /** Minimum Shannon entropy (bits per character) of the value, like gitleaks' `entropy`. */
  entropy: v.optional(v.pipe(v.number(), v.minValue(0))),
  /** Where the pattern comes from: Presidio, gitleaks, libphonenumber or own. */
  source: v.pipe(v.string(), v.minLength(1)),
})

export type PatternDefinition = v.InferOutput<typeof PatternDefinitionSchema>

const PatternFileSchema = v.strictObject({
  description: v.string(),
  patterns: v.array(v.unknown()),
})

/**
 * A definition ready to run, regexes compiled once: `regex` (flag `g`) scans; when the value is a
 * capture group, `indicesRegex` (flags `yd`) re-runs at a kept match's index to get the group's
 * offsets, so the cost of `d` is paid only for matches that survive validation.
 */
export interface CompiledPattern {
  readonly id: string
  readonly type: string
  readonly category: EntityCategory
  readonly description: string
  readonly source: string
  readonly score: number
  readonly regex: RegExp
  readonly indicesRegex: RegExp | undefined
  readonly group: number
  readonly validator: Validator | undefined
  /** Lower-cased context words. */
  readonly context: readonly string[]
  /** Lower-cased negative context words. */
  readonly negativeContext: readonly string[]
  readonly requireContext: boolean
  /** Lower-cased keywords; empty means the regex always runs. */
  readonly keywords: readonly string[]
  readonly entropy: number | undefined
  /** See PatternDefinitionSchema `gate`. */
  readonly gate: 'numeric' | undefined
  /** See PatternDefinitionSchema `rowEvidence`. */
  readonly rowEvidence: boolean
}

/** A pattern file and the name its errors quote. */
export interface PatternSource {
  name: string
  data: unknown
}

const lower = (list: readonly string[] | undefined) => (list ?? []).map((w) => w.toLowerCase())

function compileOne(
  where: string,
  def: PatternDefinition,
  validators: Readonly<Record<string, Validator>>,
): CompiledPattern {
  const group = def.group ?? 0
  let regex: RegExp
  try {
    regex = new RegExp(def.regex, `g${def.flags}`)
  } catch (error) {
    throw new PiiConfigError(`${where}: regex does not compile: ${(error as Error).message}`)
  }
  const groups = new RegExp(`(?:${def.regex})|`, def.flags).exec('')!.length - 1
  if (group > groups)
    throw new PiiConfigError(`${where}: group ${group} but the regex has ${groups}`)
  if (new RegExp(def.regex, def.flags).test(''))
    throw new PiiConfigError(`${where}: regex matches the empty string`)
  let validator: Validator | undefined
  if (def.validator !== undefined) {
    validator = Object.hasOwn(validators, def.validator) ? validators[def.validator] : undefined
    if (!validator) throw new PiiConfigError(`${where}: unknown validator "${def.validator}"`)
  }
  if (def.requireContext && !def.context?.length)
    throw new PiiConfigError(`${where}: requireContext without context words`)
  return Object.freeze({
    id: def.id,
    type: def.type,
    category: def.category,
    description: def.description,
    source: def.source,
    score: def.score,
    regex,
    indicesRegex: group > 0 ? new RegExp(def.regex, `yd${def.flags}`) : undefined,
    group,
    validator,
    context: lower(def.context),
    negativeContext: lower(def.negativeContext),
    requireContext: def.requireContext ?? false,
    keywords: lower(def.keywords),
    entropy: def.entropy,
    gate: def.gate,
    rowEvidence: def.rowEvidence ?? false,
  })
}

/**
 * Validates and compiles pattern files. Throws PiiConfigError naming the file, the entry index
 * and id, and the problem (schema, regex syntax, group, validator, duplicate id, category clash).
 */
export function compilePatterns(
  sources: readonly PatternSource[],
  validators: Readonly<Record<string, Validator>> = VALIDATORS,
): CompiledPattern[] {
  const out: CompiledPattern[] = []
  const ids = new Set<string>()
  const categories = new Map<string, EntityCategory>()
  for (const { name, data } of sources) {
    const file = v.safeParse(PatternFileSchema, data)
    if (!file.success) throw new PiiConfigError(`${name}: ${v.summarize(file.issues)}`)
    file.output.patterns.forEach((entry, index) => {
      const id = (entry as { id?: unknown } | null)?.id
      const where = `${name} patterns[${index}]${typeof id === 'string' ? ` (${id})` : ''}`
      const parsed = v.safeParse(PatternDefinitionSchema, entry)
      if (!parsed.success) throw new PiiConfigError(`${where}: ${v.summarize(parsed.issues)}`)
      const def = parsed.output
      if (ids.has(def.id)) throw new PiiConfigError(`${where}: duplicate id "${def.id}"`)
      ids.add(def.id)
      const known = categories.get(def.type)
      if (known !== undefined && known !== def.category)
        throw new PiiConfigError(`${where}: type ${def.type} is already category ${known}`)
      categories.set(def.type, def.category)
      out.push(compileOne(where, def, validators))
    })
  }
  return out
}

/** The built-in pattern files, in the order their definitions run. */
export const BUILTIN_PATTERN_SOURCES: readonly PatternSource[] = [
  { name: 'patterns/korea.json', data: koreaJson },
  { name: 'patterns/global.json', data: globalJson },
  { name: 'patterns/secrets.json', data: secretsJson },
]

/** The built-in patterns, validated and compiled once when this module loads. */
export const PATTERNS: readonly CompiledPattern[] = Object.freeze(
  compilePatterns(BUILTIN_PATTERN_SOURCES),
)
