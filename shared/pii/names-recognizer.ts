// Korean names in running text, tables and JSON (PII-10..PII-12): every Hangul word is
// split into a candidate name and what follows it (particle, honorific, title), and scored from
// context evidence (labels and keys, CSV headers, salutations, titles, lists) and shape evidence
// (surname, given-name plausibility, stop words) from names.ts. One pass, linear in the text.
import { KOREAN_NAME_RULES } from './names.ts'
import type { KoreanNameRules } from './names.ts'
import type { TableContext } from './table-context.ts'
import type { Finding } from './types.ts'

/** What points at a name: the context around a candidate, strongest first. */
export type NameEvidence = 'label' | 'header' | 'title' | 'list' | 'field' | 'particle' | 'bare'

/** A scored candidate (before minScore); `evidence` says why, for tests and the corpus table. */
export interface NameCandidate extends Finding {
  /** The kinds of evidence that scored it (shared between candidates: do not change it). */
  readonly evidence: readonly NameEvidence[]
}

/** Entity type of the findings. */
export const KOREAN_NAME = 'korean_name'

/** Most words whose shape is remembered (the map is cleared when full). */
const SHAPE_CACHE = 50_000
/** Hangul words longer than this are not split (no name sits in them). */
const MAX_WORD = 24
/**
 * Between a label and its value (at most 8): spaces, `:`, `=`, quotes, brackets, dashes, a comma
 * after an English salutation; by code, as the hot loop reads them. A line break ends the search.
 */
const isLabelGap = (c: number) =>
  c === 0x20 ||
  c === 0x09 ||
  c === 0x3a ||
  c === 0x3d ||
  c === 0xff1a ||
  c === 0x2c ||
  c === 0x27 ||
  c === 0x22 ||
  c === 0x60 ||
  c === 0x28 ||
  c === 0x5b ||
  c === 0x7b ||
  c === 0x3c ||
  c === 0x3e ||
  c === 0x7c ||
  c === 0x2d ||
  c === 0x2013 ||
  c === 0x2014 ||
  c === 0xa0 ||
  c === 0x3000
/** Characters of an English key or salutation: letters, `_`, `.`, `-`. */
const isKeyChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2e || c === 0x2d
const isHangul = (code: number) => code >= 0xac00 && code <= 0xd7a3
/** Between two names of a list (quotes allowed, for JSON arrays and CSV). */
const LIST_GAP = /^["'` \t]*[,·・、/|;]["'` \t]*$/
/** Particles that join two names (김철수와 이영희). */
const JOINING = new Set(['와', '과', '랑', '이랑', '하고', '및'])
/** List separators and quotes: a weak candidate next to one may be raised by its list. */
const isSeparator = (code: number) =>
  code === 0x2c ||
  code === 0xb7 ||
  code === 0x30fb ||
  code === 0x3001 ||
  code === 0x2f ||
  code === 0x7c ||
  code === 0x3b ||
  code === 0x22 ||
  code === 0x27 ||
  code === 0x60
const nearSeparator = (text: string, start: number, end: number) => {
  for (let i = Math.max(0, start - 3); i < start; i++)
    if (isSeparator(text.charCodeAt(i))) return true
  for (let i = end; i < end + 3 && i < text.length; i++)
    if (isSeparator(text.charCodeAt(i))) return true
  return false
}
/** What may stand right before and after a whole-field value. */
const FIELD_EDGE = /["'`,\t|\n]/
/** Topic and subject particles a Korean label may carry (담당자는 최민서입니다). */
const LABEL_PARTICLES = ['은', '는', '이', '가', '께서', '으로', '로']
/** English keys ending in `name` that hold people's names (`customer_name`, `displayName`). */
const PERSON_NAME_KEYS = new Set(
  'full first last given family customer client contact user member employee patient guardian owner author sender recipient receiver applicant manager staff student person holder display real kor korean kr nick'.split(
    ' ',
  ),
)

/** Evidence as bits in the hot loop (NameEvidence names them for callers). */
const LABEL = 1
const HEADER = 2
const TITLE = 4
const LIST = 8
const FIELD = 16
const PARTICLE = 32
const BARE = 64
const EVIDENCE: ReadonlyArray<readonly [number, NameEvidence]> = [
  [LABEL, 'label'],
  [HEADER, 'header'],
  [TITLE, 'title'],
  [LIST, 'list'],
  [FIELD, 'field'],
  [PARTICLE, 'particle'],
  [BARE, 'bare'],
]
/** The evidence names of every bit set, made once (no arrays per candidate). */
const EVIDENCE_NAMES: ReadonlyArray<readonly NameEvidence[]> = Array.from(
  { length: 128 },
  (_, bits) => Object.freeze(EVIDENCE.filter(([bit]) => bits & bit).map(([, name]) => name)),
)

/** A candidate while the text is read: evidence bits and what the list step needs. */
interface Internal {
  type: string
  start: number
  end: number
  score: number
  evidence: number
  runEnd: number
  joins: boolean
  g: number
  given: number
}

/** The recognizer options. */
export interface NameRecognizerOptions {
  /** The shape rules. Default: KOREAN_NAME_RULES from patterns/korean-names.json. */
  rules?: KoreanNameRules
  /** Weak candidates below this are kept only where a list could raise them. Default 0.4. */
  minScore?: number
}

/** Scores the Korean-name candidates of a text; returns every candidate with a score above 0. */
export type NameRecognizer = (text: string, table?: TableContext) => NameCandidate[]

export function createNameRecognizer(options: NameRecognizerOptions = {}): NameRecognizer {
  const rules = options.rules ?? KOREAN_NAME_RULES
  const minScore = options.minScore ?? 0.4
  const { data } = rules
  const particles = new Set(data.particles)
  const titles = new Set(data.titles)
  const honorifics = new Set(data.honorifics)
  const labels = new Set(data.labels)
  const english = new Set(data.englishLabels)
  const single = new Set(data.surnames)
  const double = new Set(data.doubleSurnames)
  const stop = new Set(data.stopWords)
  /** By syllable (code − U+AC00): 1 starts a single surname, 2 only a double one, 0 neither. */
  const startsName = new Uint8Array(0xd7a4 - 0xac00)
  for (const d of data.doubleSurnames) startsName[d.charCodeAt(0) - 0xac00] = 2
  for (const s of data.surnames) startsName[s.charCodeAt(0) - 0xac00] = 1

  /**
   * Every ending a name may carry inside its word, precomputed (a particle; a title or honorific,
   * then 님, then a particle): one map lookup per split in the hot loop.
   */
  const suffixes = new Map<string, 'particle' | 'title'>()
  for (const p of particles) suffixes.set(p, p === '님' ? 'title' : 'particle')
  for (const head of [...titles, ...honorifics])
    for (const withNim of head === '님' ? [head] : [head, `${head}님`]) {
      suffixes.set(withNim, 'title')
      for (const p of particles) suffixes.set(withNim + p, 'title')
    }
  const maxSuffix = Math.max(...[...suffixes.keys()].map((k) => k.length))

  /** What follows a name inside its word: '' → none; else the evidence or undefined if nothing fits. */
  const suffixKind = (rest: string): 'none' | 'particle' | 'title' | undefined =>
    rest === '' ? 'none' : suffixes.get(rest)

  const labelMemo = new Map<string, boolean>()
  const isKoreanLabel = (word: string) => {
    let known = labelMemo.get(word)
    if (known === undefined) {
      known = isKoreanLabelUncached(word)
      if (labelMemo.size >= SHAPE_CACHE) labelMemo.clear()
      labelMemo.set(word, known)
    }
    return known
  }
  function isKoreanLabelUncached(word: string): boolean {
    for (let cut = 0; cut <= 2; cut++) {
      // 담당자는 → 담당자; 영업담당자 → ends with 담당자.
      let w = word
      if (cut > 0) {
        const particle = LABEL_PARTICLES.find((p) => p.length === cut && word.endsWith(p))
        if (!particle) continue
        w = word.slice(0, -cut)
      }
      // 입금자명, 성명란: a label with 명 (name) or 란 (field) after it.
      if (labels.has(w) || (/[명란]$/.test(w) && labels.has(w.slice(0, -1)))) return true
      for (let k = 2; k < w.length; k++)
        if (labels.has(w.slice(k)) && w.length - k >= 2) return true
    }
    return false
  }

  const isEnglishLabel = (word: string) => {
    const key = word.toLowerCase().replace(/[^a-z]/g, '')
    if (key.length < 2) return false
    if (english.has(key) || (key.endsWith('s') && english.has(key.slice(0, -1)))) return true
    return key.endsWith('name') && PERSON_NAME_KEYS.has(key.slice(0, -4))
  }

  /** A label or salutation ends right before `start` (after the gap). */
  function labelBefore(text: string, start: number): boolean {
    let i = start
    const gapStart = Math.max(0, start - 8)
    while (i > gapStart && isLabelGap(text.charCodeAt(i - 1))) i--
    const end = i
    if (end === 0) return false
    const code = text.charCodeAt(end - 1)
    if (code >= 0xac00 && code <= 0xd7a3) {
      let s = end - 1
      while (s > 0 && s > end - 12 && isHangul(text.charCodeAt(s - 1))) s--
      // A comma ends a Korean label's cell (이름,전화번호 is a header, not a label and a name).
      return !text.slice(end, start).includes(',') && isKoreanLabel(text.slice(s, end))
    }
    let s = end
    while (s > 0 && s > end - 32 && isKeyChar(text.charCodeAt(s - 1))) s--
    // A word, not the tail of a longer one (`name` in `hostname` is checked as `hostname`).
    return s < end && isEnglishLabel(text.slice(s, end))
  }

  const headerIsLabel = (header: string | undefined) =>
    header !== undefined &&
    header.length > 0 &&
    header.length <= 32 &&
    (/^[가-힣 ]+$/.test(header) ? isKoreanLabel(header.replace(/ /g, '')) : isEnglishLabel(header))

  /** The word after `index` (one space apart) is a title or honorific (김철수 과장님께). */
  function titleAfter(text: string, index: number): boolean {
    if (text[index] !== ' ') return false
    let e = index + 1
    while (e < text.length && e < index + 10) {
      const c = text.charCodeAt(e)
      if (c < 0xac00 || c > 0xd7a3) break
      e++
    }
    if (e === index + 1 || (e < text.length && isHangul(text.charCodeAt(e)))) return false
    return suffixKind(text.slice(index + 1, e)) === 'title'
  }

  function score(surname: string, given: string, plausibility: number, evidence: number): number {
    const strong = (evidence & (LABEL | HEADER)) !== 0
    const title = (evidence & TITLE) !== 0
    let base = 0
    if (given.length === 2 || (given.length === 1 && surname.length === 2)) {
      const g = given.length === 1 ? 0.6 : plausibility
      if (strong) base = 0.7 + 0.25 * g
      else if (title) base = 0.55 + 0.35 * g
      else if (evidence & FIELD) base = 0.3 + 0.4 * g
      else if (evidence & PARTICLE) base = 0.1 + 0.5 * g
      else base = 0.05 + 0.36 * g
    } else if (given.length === 1) {
      // 김구: two syllables are mostly words; only a label or header makes them names.
      if (strong) base = plausibility >= 0.5 ? 0.45 + 0.35 * plausibility : 0.3
      else if (title) base = rules.shortNameScore + 0.25 * plausibility
    } else if (strong || title) {
      // Surname + three syllables (김아름다운): rare, needs context.
      base = strong ? 0.6 : 0.35
    }
    const extra =
      (evidence & LABEL ? 1 : 0) + (evidence & HEADER ? 1 : 0) + (evidence & TITLE ? 1 : 0)
    return Math.min(0.99, base + (extra > 1 ? 0.05 * (extra - 1) : 0))
  }

  /** A split of a word into a name that looks like one and an ending that fits. */
  interface Split {
    length: number
    kind: 'none' | 'particle' | 'title'
    surname: string
    given: string
    /** Given-name plausibility (names.ts givenPlausibility). */
    g: number
    /** The ending is a joining particle (김철수와 이영희). */
    joins: boolean
  }
  /** The shape of a word depends on the word only: memoised (words repeat, Zipf). */
  const shapes = new Map<string, Split[]>()
  const NONE: Split[] = []
  /** 정보은 (정보 + 은), 이상이: a common word and a particle (memoised, depends on the word only). */
  const readings = new Map<string, boolean>()
  function readsAsWord(word: string): boolean {
    let known = readings.get(word)
    if (known === undefined) {
      known = false
      for (let k = 2; k < word.length && !known; k++)
        known = stop.has(word.slice(0, k)) && particles.has(word.slice(k))
      if (readings.size >= SHAPE_CACHE) readings.clear()
      readings.set(word, known)
    }
    return known
  }

  function shapeOf(word: string): Split[] {
    let known = shapes.get(word)
    if (known) return known
    known = NONE
    if (word.length <= 4 + maxSuffix)
      for (let length = Math.min(4, word.length); length >= 2; length--) {
        const kind = suffixKind(word.slice(length))
        if (kind === undefined) continue
        const name = word.slice(0, length)
        const parts = rules.split(name)
        // 승인자, 이용자, 성명란: a label is not the name it introduces.
        if (!parts || isKoreanLabel(name)) continue
        const g = rules.givenPlausibility(parts.given)
        // A split that stays below minScore with every kind of evidence (김대 + 비: two
        // syllables, an unlikely given syllable) and that no list can raise is dropped here.
        const strongest = score(parts.surname, parts.given, g, LABEL | HEADER | TITLE)
        const listLift = parts.surname.length + parts.given.length >= 3 || g >= 0.6
        if (strongest < minScore && !listLift) continue
        if (known === NONE) known = []
        known.push({ length, kind, ...parts, g, joins: JOINING.has(word.slice(length)) })
      }
    if (shapes.size >= SHAPE_CACHE) shapes.clear()
    shapes.set(word, known)
    return known
  }

  return function recognize(text, table) {
    const out: Internal[] = []
    // Hangul words, read by character code: only a word that starts with a surname syllable
    // becomes a string (most words do not, and need no allocation).
    const length = text.length
    for (let i = 0; i < length;) {
      const code = text.charCodeAt(i)
      if (!isHangul(code)) {
        i++
        continue
      }
      const start = i
      i++
      while (i < length && isHangul(text.charCodeAt(i))) i++
      if (i - start < 2 || i - start > MAX_WORD || startsName[code - 0xac00] === 0) continue
      const word = text.slice(start, i)
      if (startsName[code - 0xac00] === 2 && !double.has(word.slice(0, 2))) continue
      const viable = shapeOf(word)
      if (viable.length === 0) continue
      // Context of the word, once: a label or header before it, a title after it.
      const label = labelBefore(text, start)
      const header = table !== undefined && headerIsLabel(table.headerAt(start))
      const runEnd = start + word.length
      const nextTitle = viable.some((v) => v.kind === 'none') && titleAfter(text, runEnd)
      // 정보은 (정보 + 은), 이상이: read as a common word and a particle unless context says name.
      const wordReading = !label && !header && readsAsWord(word)
      // The best split: the highest-scoring shape; longer names win ties.
      let best: Split | undefined
      let bestScore = 0
      let bestEvidence = 0
      for (const split of viable) {
        const { length, kind, surname, given, g } = split
        let evidence = 0
        if (kind === 'title' || (kind === 'none' && nextTitle)) evidence |= TITLE
        if (label) evidence |= LABEL
        if (header) evidence |= HEADER
        if (kind === 'particle') evidence |= PARTICLE
        if (
          kind === 'none' &&
          (start === 0 || FIELD_EDGE.test(text[start - 1]!)) &&
          (start + length === text.length || FIELD_EDGE.test(text[start + length]!))
        )
          evidence |= FIELD
        if (evidence === 0) evidence = BARE
        if (wordReading && !(evidence & TITLE)) continue
        const s = score(surname, given, g, evidence)
        if (!best || s > bestScore) {
          best = split
          bestScore = s
          bestEvidence = evidence
        }
      }
      if (!best) continue
      // A weak candidate matters only next to a list separator (or a joining particle).
      if (bestScore < minScore && !best.joins && !nearSeparator(text, start, runEnd)) continue
      out.push({
        type: KOREAN_NAME,
        start,
        end: start + best.length,
        score: bestScore,
        evidence: bestEvidence,
        runEnd,
        joins: best.joins,
        // 황보석: a two-syllable surname and one given syllable read like a full name.
        g: best.surname.length === 2 && best.given.length === 1 ? 0.6 : best.g,
        given: best.surname.length + best.given.length >= 3 ? 2 : 1,
      })
    }
    // Lists: a confident name raises the plausible names next to it (김철수, 이영희·박민수).
    const adjacent = (a: Internal, b: Internal) => {
      if (b.start - a.runEnd > 8) return false
      const between = text.slice(a.runEnd, b.start)
      return LIST_GAP.test(between) || (a.joins && between === ' ')
    }
    const raise = (from: Internal, to: Internal) => {
      if (from.score < 0.7) return
      const lifted = to.given >= 2 ? 0.6 + 0.3 * to.g : to.g >= 0.6 ? 0.55 : 0
      if (lifted > to.score) {
        to.score = lifted
        to.evidence |= LIST
      }
    }
    // next[i]: out[i] and out[i + 1] are neighbours in a list (computed once, read three times).
    const next = new Uint8Array(out.length)
    for (let i = 0; i + 1 < out.length; i++) if (adjacent(out[i]!, out[i + 1]!)) next[i] = 1
    // A list of plausible names is itself evidence (김민준, 이서윤, 박지호).
    for (let i = 0; i < out.length;) {
      let j = i + 1
      while (j < out.length && next[j - 1] === 1) j++
      const chain = out.slice(i, j)
      if (chain.length >= 2 && chain.every((c) => c.given >= 2 && c.g >= 0.5))
        for (const c of chain) {
          const lifted = 0.3 + 0.35 * c.g
          if (lifted > c.score) {
            c.score = lifted
            c.evidence |= LIST
          }
        }
      i = j
    }
    for (let i = 1; i < out.length; i++) if (next[i - 1] === 1) raise(out[i - 1]!, out[i]!)
    for (let i = out.length - 2; i >= 0; i--) if (next[i] === 1) raise(out[i + 1]!, out[i]!)
    const found: NameCandidate[] = []
    for (const c of out)
      if (c.score > 0)
        found.push({
          type: c.type,
          start: c.start,
          end: c.end,
          score: c.score,
          validated: false,
          evidence: EVIDENCE_NAMES[c.evidence]!,
        })
    return found
  }
}
