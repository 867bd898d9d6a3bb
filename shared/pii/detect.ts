// The PII and secret detector: normalises the text for matching (normalize.ts), runs the compiled
// patterns and the Korean name recognizer over it, scores each match (validator, context words
// before it or in its CSV column header, entropy; PII-17), resolves overlaps, maps
// the findings back to offsets in the original text and enforces the input cap.
import { numericHaystack } from './detect-gate.ts'
import type { Haystack } from './detect-gate.ts'
import { PiiConfigError, PiiInputTooLargeError } from './errors.ts'
import { createNameRecognizer, KOREAN_NAME } from './names-recognizer.ts'
import { normalizeForMatching } from './normalize.ts'
import { PATTERNS } from './patterns.ts'
import type { CompiledPattern } from './patterns.ts'
import { tableContext } from './table-context.ts'
import type { TableContext } from './table-context.ts'
import type { Detector, EntityCategory, Finding, ValidatorResult } from './types.ts'

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
  /**
   * Run the Korean name recognizer (names-recognizer.ts), type `korean_name`. Default: true with
   * the built-in patterns, false when `patterns` is given.
   */
  koreanNames?: boolean
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

const escapeRegex = (word: string) => word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

const isAsciiWordChar = (code: number) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57)

/**
 * Finds context words before a match: one case-insensitive regex per word list (longest word
 * first). Returns where the last occurrence of any word ends in the window, or -1. A word that
 * starts with an ASCII letter or digit must start a word there (`tel` is not in `hotel`).
 */
function contextFinder(words: readonly string[]): ((window: string) => number) | undefined {
  if (words.length === 0) return undefined
  const sorted = [...new Set(words)].sort((a, b) => b.length - a.length)
  const re = new RegExp(sorted.map(escapeRegex).join('|'), 'gi')
  return (window) => {
    let best = -1
    re.lastIndex = 0
    for (let m = re.exec(window); m !== null; m = re.exec(window)) {
      const wordStart =
        m.index === 0 ||
        !isAsciiWordChar(m[0].charCodeAt(0)) ||
        !isAsciiWordChar(window.charCodeAt(m.index - 1))
      if (wordStart) best = Math.max(best, m.index + m[0].length)
      re.lastIndex = m.index + 1
    }
    return best
  }
}

/** A compiled pattern with what the hot loop needs precomputed. */
interface Runner {
  pattern: CompiledPattern
  context: ((window: string) => number) | undefined
  negative: ((window: string) => number) | undefined
}

/**
 * The gitleaks keyword prefilter (SEC-*), case-insensitive, in one pass for every pattern: a
 * regex of all multi-character keywords, longest first, advanced one character per hit so
 * overlapping keywords are all seen; one-character keywords are plain `includes` checks.
 * Returns the set of keywords present in the text.
 */
function keywordScanner(keywords: readonly string[]): (text: string) => Set<string> {
  const long = [...new Set(keywords.filter((k) => k.length > 1))].sort(
    (a, b) => b.length - a.length,
  )
  const single = [...new Set(keywords.filter((k) => k.length === 1))]
  const re = long.length > 0 ? new RegExp(long.map(escapeRegex).join('|'), 'gi') : undefined
  return (text) => {
    const present = new Set<string>()
    for (const k of single) if (text.includes(k) || text.includes(k.toUpperCase())) present.add(k)
    if (re) {
      re.lastIndex = 0
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const hit = m[0].toLowerCase()
        // A shorter keyword starting at the same place is a prefix of the longest one matched.
        for (const k of long) if (!present.has(k) && hit.startsWith(k)) present.add(k)
        re.lastIndex = m.index + 1
      }
    }
    return present
  }
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
/** Field delimiters of a bare row (CSV, TSV, pipe or semicolon separated). */
const ROW_DELIMITER = /[,\t|;]/
/** What may stand between a field's value and its delimiters. */
const FIELD_PAD = /[ "'\r]/

/**
 * The line of `weak` is a delimited row and another field of it holds a personal finding (a
 * name, phone, e-mail…): a bare CSV row of a person's record, not a row of product codes.
 */
function personalNeighbour(
  text: string,
  weak: Finding,
  found: readonly Finding[],
  categoryOf: (type: string) => string,
): boolean {
  const lineStart = text.lastIndexOf('\n', weak.start - 1) + 1
  let lineEnd = text.indexOf('\n', weak.end)
  if (lineEnd === -1) lineEnd = text.length
  // The value is a whole field: a delimiter or the line's edge on each side (quotes, spaces apart).
  let before = weak.start
  while (before > lineStart && FIELD_PAD.test(text[before - 1]!)) before--
  let after = weak.end
  while (after < lineEnd && FIELD_PAD.test(text[after]!)) after++
  if (before > lineStart && !ROW_DELIMITER.test(text[before - 1]!)) return false
  if (after < lineEnd && !ROW_DELIMITER.test(text[after]!)) return false
  return found.some((f) => {
    if (f.type === weak.type || categoryOf(f.type) !== 'pii') return false
    if (f.start < lineStart || f.end > lineEnd || (f.start < weak.end && weak.start < f.end))
      return false
    // A delimiter between the two values: they are different fields of the row.
    const between =
      f.end <= weak.start ? text.slice(f.end, weak.start) : text.slice(weak.end, f.start)
    return ROW_DELIMITER.test(between)
  })
}

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
  const withNames = options.koreanNames ?? options.patterns === undefined
  if (withNames) categories.set(KOREAN_NAME, 'pii')
  const categoryOf = (type: string) => categories.get(type) ?? 'pii'
  if (options.types) {
    const unknown = options.types.filter((t) => !categories.has(t))
    if (unknown.length > 0)
      throw new PiiConfigError(
        `unknown entity types: ${unknown.join(', ')} (known: ${[...categories.keys()].join(', ')})`,
      )
  }
  const enabled = new Set(options.types ?? categories.keys())
  const active = all.filter((p) => enabled.has(p.type))
  const recognizeNames =
    withNames && enabled.has(KOREAN_NAME) ? createNameRecognizer({ minScore }) : undefined
  const types = Object.freeze([
    ...new Set([...active.map((p) => p.type), ...(recognizeNames ? [KOREAN_NAME] : [])]),
  ])
  const runners: Runner[] = active.map((pattern) => ({
    pattern,
    context: contextFinder(pattern.context),
    negative: contextFinder(pattern.negativeContext),
  }))
  const findKeywords = keywordScanner(active.flatMap((p) => p.keywords))

  const gated = runners.some((r) => r.pattern.gate === 'numeric')

  /**
   * Runs one pattern over the haystack (the text, or its numeric runs) into `out`; `text` is the
   * normalised text, offsets are in it.
   */
  function scan(
    runner: Runner,
    hay: Haystack,
    text: string,
    table: TableContext,
    out: Finding[],
    weak: Finding[],
  ) {
    const { pattern: p, context, negative } = runner
    const re = p.regex
    re.lastIndex = 0
    for (let m = re.exec(hay.text); m !== null; m = re.exec(hay.text)) {
      if (m[0].length === 0) re.lastIndex++ // never with validated patterns; guards the loop
      const value = m[p.group]
      if (!value) continue
      // Cheap rejections first: entropy, then the validator unless context must come first.
      if (p.entropy !== undefined && shannonEntropy(value) <= p.entropy) continue
      let verdict: ValidatorResult
      if (!p.requireContext) {
        verdict = p.validator?.(value)
        if (verdict === false) continue
      }
      let start = m.index
      if (p.indicesRegex) {
        // The value is a capture group: re-run the sticky `d` twin here for its offset.
        p.indicesRegex.lastIndex = m.index
        const span = p.indicesRegex.exec(hay.text)?.indices?.[p.group]
        if (!span) continue
        start = span[0]
      }
      start = hay.toOriginal(start)
      const end = start + value.length
      let boosted = false
      let lowered = false
      // A confirmed finding (1.0) only changes with a negative word; skip the window otherwise.
      if ((context || negative) && !(verdict === true && !negative)) {
        const window = text.slice(Math.max(0, start - contextWindow), start)
        // The word nearest the match wins: "server 10.0.0.1, version 1.2.3.4" lowers 1.2.3.4.
        const positive = context ? context(window) : -1
        const negativeEnd = negative ? negative(window) : -1
        boosted = positive > negativeEnd
        lowered = negativeEnd > positive
        // A value in a table column is read with its header (`여권번호` over a CSV column).
        if (positive === -1 && negativeEnd === -1) {
          const header = table.headerAt(start)
          if (header) {
            const headerPositive = context ? context(header) !== -1 : false
            const headerNegative = negative ? negative(header) !== -1 : false
            boosted = headerPositive && !headerNegative
            lowered = headerNegative && !headerPositive
          }
        }
      }
      if (p.requireContext) {
        if (!boosted) continue
        verdict = p.validator?.(value)
        if (verdict === false) continue
      }
      // A negative word outweighs a checksum: an order number that passes the RRN checksum is
      // still an order number, so it falls back to the base score before being lowered.
      if (lowered && verdict === true) verdict = undefined
      let score = verdict === true ? 1 : typeof verdict === 'number' ? verdict : p.score
      if (boosted) score = Math.min(1, score + CONTEXT_BOOST)
      if (lowered) score = Math.max(0, score - CONTEXT_BOOST)
      if (score < minScore || score === 0) {
        // Kept aside with the boost it would get from personal data in the same row.
        if (p.rowEvidence && !lowered && !boosted && score + CONTEXT_BOOST >= minScore)
          weak.push({ type: p.type, start, end, score: score + CONTEXT_BOOST, validated: false })
        continue
      }
      out.push({ type: p.type, start, end, score, validated: verdict === true })
    }
  }

  return {
    types,
    categoryOf: (type) => categories.get(type) ?? 'pii',
    detect(original: string): Finding[] {
      if (original.length > maxInputLength)
        throw new PiiInputTooLargeError(original.length, maxInputLength)
      if (original.length === 0) return []
      const normalized = normalizeForMatching(original)
      const text = normalized.text
      const present = findKeywords(text)
      const whole: Haystack = { text, toOriginal: (index) => index }
      const numeric = gated ? numericHaystack(text) : whole
      const table = tableContext(text)
      const found: Finding[] = []
      const weak: Finding[] = []
      for (const runner of runners) {
        // gitleaks-style prefilter (SEC-*): skip the regex when none of its keywords occurs.
        const { keywords, gate } = runner.pattern
        if (keywords.length > 0 && !keywords.some((k) => present.has(k))) continue
        scan(runner, gate === 'numeric' ? numeric : whole, text, table, found, weak)
      }
      if (recognizeNames)
        for (const c of recognizeNames(text, table))
          if (c.score >= minScore)
            found.push({
              type: c.type,
              start: c.start,
              end: c.end,
              score: c.score,
              validated: false,
            })
      for (const w of weak) if (personalNeighbour(text, w, found, categoryOf)) found.push(w)
      const kept = resolveOverlaps(found)
      if (text === original) return kept
      return kept.map((f) => ({
        ...f,
        start: normalized.toOriginalStart(f.start),
        end: normalized.toOriginalEnd(f.end),
      }))
    },
  }
}
