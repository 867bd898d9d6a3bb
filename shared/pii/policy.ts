// The PII policy engine: detects, then allows, masks, redacts, encrypts or rejects each value of
// a text or of a JSON value, and summarises what it found and did by type and count (LOG-2).
import type { Detector, Finding, TextEncryptor } from './types.ts'
import { maskValue } from './mask.ts'
import { parsePiiPolicy } from './policy-parse.ts'
import type { PiiPolicy, PolicyAction } from './policy-parse.ts'
import { PiiPolicyError, PiiRejectedError } from './policy-errors.ts'
import { createSlicedScanner, type Pause } from './scan-slices.ts'
import { mapStrings, type WalkOptions } from './walk.ts'
import { PiiScanBudgetError } from './walk-errors.ts'

/** An action that rewrites (or keeps) a value; `reject` never reaches a result, it throws. */
export type AppliedAction = Exclude<PolicyAction, 'reject'>

/** What applying a policy produced: the new value and a summary safe for the audit log. */
export interface PolicyResult<T> {
  /** The rewritten value: a new string, or a new copy of the JSON value (input never mutated). */
  value: T
  /** Count of findings per entity type, keys sorted. Types and counts only, never values. */
  findings: Record<string, number>
  /** The action applied to each type found, keys sorted. */
  actions: Record<string, AppliedAction>
  /** `allow` when nothing was found or all was allowed, else the strongest action applied. */
  action: AppliedAction
  /** True when the output differs from the input. */
  changed: boolean
}

export interface PolicyDeps {
  /** Finds the values the policy acts on. Its `PiiInputTooLargeError` propagates to the caller. */
  detector: Detector
  /** Makes the `encrypt` tokens. Required when any action of the policy is `encrypt`. */
  encryptor?: TextEncryptor
}

/** How one `applyToText` / `applyToValue` scans. */
export interface ScanOptions {
  /**
   * Scan object keys too, and rewrite them like values (keys that end up alike are kept apart
   * by a `#2`, `#3`… suffix: walk.ts `mapStrings`). Default: true.
   */
  keys?: boolean
  /** Members left unscanned and unchanged (binary payloads): walk.ts `WalkOptions.opaque`. */
  opaque?: WalkOptions['opaque']
  /**
   * Most characters of text (strings and keys, UTF-16 code units) one call scans. Counted before
   * anything is scanned: more throws `PiiScanBudgetError` and nothing is scanned. Default: none.
   */
  budget?: number
  /**
   * Awaited after every 128 KiB of text scanned, so a long scan lets other work run
   * (scan-slices.ts). Default: a macrotask (`setImmediate`, else `setTimeout(0)`).
   */
  pause?: Pause
}

export interface PolicyEngine {
  /**
   * Applies the policy to one text.
   * @throws PiiRejectedError when a `reject` type is found, PiiScanBudgetError
   */
  applyToText(text: string, options?: ScanOptions): Promise<PolicyResult<string>>
  /**
   * Applies the policy to every string inside a JSON value, keys included unless `keys` is
   * false (non-string scalars and `opaque` members are kept). Everything is scanned before
   * anything is rewritten, so a rejection counts every type in the whole value. With
   * `encryptScope: 'text'` each string (and each key) is its own text.
   * @throws PiiRejectedError, PiiScanBudgetError, PiiCycleError, PiiDepthError,
   *   PiiUnsupportedValueError
   */
  applyToValue<T>(value: T, options?: ScanOptions): Promise<PolicyResult<T>>
}

/** Strength order for the overall action: encrypt > redact > mask > allow. */
const STRENGTH: Record<AppliedAction, number> = { allow: 0, mask: 1, redact: 2, encrypt: 3 }

/**
 * Builds a policy engine. The policy is validated like `parsePiiPolicy` does and checked
 * against the detector: a type the detector cannot report (a typo that would silently fall back
 * to the default) and an `encrypt` action without an encryptor are errors here, not later.
 * @throws PiiPolicyError (`ERR_PII_POLICY`)
 */
export function createPolicyEngine(policy: PiiPolicy, deps: PolicyDeps): PolicyEngine {
  const parsed = parsePiiPolicy(policy)
  const { detector, encryptor } = deps
  const overrides = new Map(Object.entries(parsed.types ?? {}))
  const known = new Set(detector.types)
  const unknown = [...overrides.keys()].filter((type) => !known.has(type)).sort()
  if (unknown.length > 0)
    throw new PiiPolicyError([`types: unknown entity type(s) ${unknown.join(', ')}`])
  const usesEncrypt = parsed.default === 'encrypt' || [...overrides.values()].includes('encrypt')
  if (usesEncrypt && !encryptor)
    throw new PiiPolicyError(['encrypt: the policy encrypts values but no encryptor was given'])
  const scope = parsed.encryptScope ?? 'value'
  const walkOptions = { maxDepth: parsed.maxDepth }
  const actionOf = (type: string): PolicyAction => overrides.get(type) ?? parsed.default

  const encrypt = (text: string): Promise<string> => encryptor!.encrypt(text)

  /** Rewrites one text whose findings carry no `reject` action. */
  async function rewrite(text: string, findings: readonly Finding[]): Promise<string> {
    if (findings.length === 0) return text
    const wholeText = scope === 'text' && findings.some((f) => actionOf(f.type) === 'encrypt')
    const parts: Array<string | Promise<string>> = []
    let cursor = 0
    for (const finding of inOrder(findings)) {
      // Detector contract: sorted, no overlaps; a stray overlap only acts on what is left of it.
      const start = Math.max(cursor, finding.start)
      if (finding.end <= start) continue
      parts.push(text.slice(cursor, start))
      const value = text.slice(start, finding.end)
      const action = actionOf(finding.type)
      const category = detector.categoryOf(finding.type)
      if (action === 'mask') parts.push(maskValue(finding.type, value, 'partial', category))
      else if (action === 'redact') parts.push(maskValue(finding.type, value, 'label'))
      else if (action === 'encrypt' && !wholeText) parts.push(encrypt(value))
      else parts.push(value) // allow, or encrypt as part of the whole text below
      cursor = finding.end
    }
    parts.push(text.slice(cursor))
    const rewritten = (await Promise.all(parts)).join('')
    return wholeText ? encrypt(rewritten) : rewritten
  }

  /** Counts the findings of the scanned texts, throws on `reject`, and summarises. */
  function summarise(
    found: readonly Finding[][],
  ): Omit<PolicyResult<unknown>, 'value' | 'changed'> {
    const counts = new Map<string, number>()
    for (const findings of found)
      for (const { type } of findings) counts.set(type, (counts.get(type) ?? 0) + 1)
    const types = [...counts.keys()].sort()
    const findings: Record<string, number> = {}
    for (const type of types) findings[type] = counts.get(type)!
    const rejected = types.filter((type) => actionOf(type) === 'reject')
    if (rejected.length > 0) throw new PiiRejectedError(findings, rejected)
    const actions: Record<string, AppliedAction> = {}
    let action: AppliedAction = 'allow'
    for (const type of types) {
      const applied = actionOf(type) as AppliedAction
      actions[type] = applied
      if (STRENGTH[applied] > STRENGTH[action]) action = applied
    }
    return { findings, actions, action }
  }

  /** Throws before any scanning when `total` is over the budget. */
  function checkBudget(total: number, budget: number | undefined) {
    if (budget !== undefined && total > budget) throw new PiiScanBudgetError(total, budget)
  }

  return {
    async applyToText(text, options = {}) {
      checkBudget(text.length, options.budget)
      const findings = await createSlicedScanner(detector, options.pause).detect(text)
      const summary = summarise([findings])
      const value = await rewrite(text, findings)
      return { value, ...summary, changed: value !== text }
    },

    async applyToValue<T>(input: T, options: ScanOptions = {}): Promise<PolicyResult<T>> {
      const walk: WalkOptions = {
        ...walkOptions,
        keys: options.keys ?? true,
        ...(options.opaque ? { opaque: options.opaque } : {}),
      }
      // One synchronous pass collects every string and copies the value, so a caller mutating
      // the input while the scan pauses or encryption is awaited cannot shift strings between
      // slots; the budget is checked on it, before anything is scanned.
      const texts: string[] = []
      let total = 0
      const copy = mapStrings(
        input,
        (text) => {
          texts.push(text)
          total += text.length
          return text
        },
        walk,
      )
      checkBudget(total, options.budget)
      const scanner = createSlicedScanner(detector, options.pause)
      const found: Finding[][] = []
      for (const text of texts) found.push(await scanner.detect(text))
      const summary = summarise(found)
      if (found.every((findings) => findings.length === 0))
        return { value: copy, ...summary, changed: false }
      const rewritten = await Promise.all(texts.map((text, i) => rewrite(text, found[i]!)))
      let index = 0
      const value = mapStrings(copy, () => rewritten[index++]!, walk)
      const changed = rewritten.some((text, i) => text !== texts[i])
      return { value, ...summary, changed }
    },
  }
}

/** The findings sorted by `start` (they normally already are: the Detector contract). */
function inOrder(findings: readonly Finding[]): readonly Finding[] {
  for (let i = 1; i < findings.length; i++)
    if (findings[i]!.start < findings[i - 1]!.start)
      return [...findings].sort((a, b) => a.start - b.start)
  return findings
}
