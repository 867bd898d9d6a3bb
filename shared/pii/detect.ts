// The PII and secret detector: runs the compiled patterns over a text, scores each match
// (validator, context, entropy; STANDARDS PII-17), resolves overlaps and enforces the input cap.
import { PiiConfigError, PiiInputTooLargeError } from './errors.ts'
import { PATTERNS } from './patterns.ts'
import type { CompiledPattern } from './patterns.ts'
import type { Detector, EntityCategory, Finding } from './types.ts'

export { PiiError, PiiInputTooLargeError } from './errors.ts'

/** Default `minScore`: Presidio's context floor (PII-17); tuned on test/data/pii/corpus.jsonl. */
export const DEFAULT_MIN_SCORE = 0.4
/** Default `maxInputLength`: 4 MiB of UTF-16 code units (RX-3: cap every scan). */
export const DEFAULT_MAX_INPUT_LENGTH = 4 * 1024 * 1024
/** Default `contextWindow`: about five words before the match, as Presidio looks (PII-17). */
export const DEFAULT_CONTEXT_WINDOW = 40
/** What a context word adds and a negative context word takes away (PII-17: +0.35). */
export const CONTEXT_BOOST = 0.35

export interface DetectorOptions {
  /** Entity types to enable; unknown names throw PiiConfigError. Default: every type. */
  types?: readonly string[]
  /** Findings scoring below this are dropped. Default 0.4 (DEFAULT_MIN_SCORE). */
  minScore?: number
  /** Longer inputs throw PiiInputTooLargeError. Default 4 MiB in UTF-16 code units. */
  maxInputLength?: number
  /** How many UTF-16 code units before a match are searched for context words. Default 40. */
  contextWindow?: number
  /** The compiled patterns to run. Default: the built-in patterns/*.json (PATTERNS). */
  patterns?: readonly CompiledPattern[]
}

function checkNumber(name: string, value: number, min: number, max: number, integer: boolean) {
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw new PiiConfigError(
      `detector option ${name} must be ${integer ? 'an integer ' : ''}in [${min}, ${max}], got ${value}`,
    )
}

/**
 * Where the last of the (lower-cased) words ends in the window, or -1. An ASCII word must start
 * a word there (`tel` does not match inside `hotel`); Hangul words match anywhere.
 */
function lastWordEnd(window: string, words: readonly string[]): number {
  let best = -1
  for (const word of words) {
    const asciiStart = /^[a-z0-9]/.test(word)
    for (let at = window.lastIndexOf(word); at !== -1; at = window.lastIndexOf(word, at - 1)) {
      if (!asciiStart || at === 0 || !/[a-z0-9]/.test(window[at - 1]!)) {
        best = Math.max(best, at + word.length)
        break
      }
      if (at === 0) break
    }
  }
  return best
}

/** Shannon entropy in bits per character (gitleaks' `entropy` threshold). */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>()
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  const n = [...value].length
  let h = 0
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n)
  return h
}

/** Stronger first: higher score, then longer, then earlier. */
const stronger = (a: Finding, b: Finding) =>
  b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start

/**
 * Keeps, in each group of overlapping findings, the strongest ones that do not overlap each
 * other; returns them sorted by start. Linear apart from the sort (clusters are tiny).
 */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end)
  const out: Finding[] = []
  for (let i = 0; i < findings.length;) {
    let j = i + 1
    let end = findings[i]!.end
    while (j < findings.length && findings[j]!.start < end) end = Math.max(end, findings[j++]!.end)
    if (j - i === 1) out.push(findings[i]!)
    else {
      const kept: Finding[] = []
      for (const f of findings.slice(i, j).sort(stronger))
        if (kept.every((k) => k.end <= f.start || f.end <= k.start)) kept.push(f)
      out.push(...kept.sort((a, b) => a.start - b.start))
    }
    i = j
  }
  return out
}

/** Creates a detector over the built-in (or given) patterns; options are checked here. */
export function createDetector(options: DetectorOptions = {}): Detector {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE
  const maxInputLength = options.maxInputLength ?? DEFAULT_MAX_INPUT_LENGTH
  const contextWindow = options.contextWindow ?? DEFAULT_CONTEXT_WINDOW
  checkNumber('minScore', minScore, 0, 1, false)
  checkNumber('maxInputLength', maxInputLength, 1, Number.MAX_SAFE_INTEGER, true)
  checkNumber('contextWindow', contextWindow, 0, 10_000, true)
  const all = options.patterns ?? PATTERNS

  const categories = new Map<string, EntityCategory>()
  for (const p of all) categories.set(p.type, p.category)
  if (options.types) {
    const unknown = options.types.filter((t) => !categories.has(t))
    if (unknown.length > 0)
      throw new PiiConfigError(
        `unknown entity types: ${unknown.join(', ')} (known: ${[...categories.keys()].join(', ')})`,
      )
  }
  const enabled = new Set(options.types ?? categories.keys())
  const active = all.filter((p) => enabled.has(p.type))
  const types = Object.freeze([...new Set(active.map((p) => p.type))])
  const needsLowerCase = active.some((p) => p.keywords.length > 0)

  function scan(p: CompiledPattern, text: string, out: Finding[]) {
    const re = p.regex
    const usesContext = p.context.length > 0 || p.negativeContext.length > 0
    re.lastIndex = 0
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++ // never with validated patterns; guards the loop
      let start = m.index
      let end = start + m[0].length
      if (p.group > 0) {
        const span = m.indices?.[p.group]
        if (!span) continue
        ;[start, end] = span
      }
      if (end <= start) continue
      const value = text.slice(start, end)
      let boosted = false
      let lowered = false
      if (usesContext) {
        const window = text.slice(Math.max(0, start - contextWindow), start).toLowerCase()
        // The word nearest the match wins: "server 10.0.0.1, version 1.2.3.4" lowers 1.2.3.4.
        const positive = lastWordEnd(window, p.context)
        const negative = lastWordEnd(window, p.negativeContext)
        boosted = positive > negative
        lowered = negative > positive
      }
      if (p.requireContext && !boosted) continue
      if (p.entropy !== undefined && shannonEntropy(value) <= p.entropy) continue
      const verdict = p.validator?.(value)
      if (verdict === false) continue
      let score = verdict === true ? 1 : p.score
      if (boosted) score = Math.min(1, score + CONTEXT_BOOST)
      if (lowered) score = Math.max(0, score - CONTEXT_BOOST)
      if (score < minScore || score === 0) continue
      out.push({ type: p.type, start, end, score, validated: verdict === true })
    }
  }

  return {
    types,
    categoryOf: (type) => categories.get(type) ?? 'pii',
    detect(text: string): Finding[] {
      if (text.length > maxInputLength) throw new PiiInputTooLargeError(text.length, maxInputLength)
      if (text.length === 0) return []
      const lower = needsLowerCase ? text.toLowerCase() : ''
      const found: Finding[] = []
      for (const p of active) {
        // gitleaks-style prefilter: skip the regex when none of its keywords occurs (SEC-*).
        if (p.keywords.length > 0 && !p.keywords.some((k) => lower.includes(k))) continue
        scan(p, text, found)
      }
      return resolveOverlaps(found)
    },
  }
}
