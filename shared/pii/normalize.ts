// Text as people type it, made matchable: NFKC (full-width digits and ＠ from Korean IMEs),
// zero-width and bidi controls removed, dash variants made '-', with a map back to the original
// so findings (and the masking that follows them) cover exactly the original characters.

/** Normalised text and the way back to offsets in the original text. */
export interface NormalizedText {
  /** The text the patterns run over. */
  readonly text: string
  /** Original offset of the character at `index` (or the original length at `text.length`). */
  toOriginalStart(index: number): number
  /** Original offset just after the character before `index` (the end of a span ending there). */
  toOriginalEnd(index: number): number
}

/**
 * Invisible characters people paste into values (UAX #9 bidi controls, zero-width joiners and
 * spaces, word joiner, BOM, soft hyphen, variation selectors): removed before matching.
 */
const INVISIBLE =
  /[\u00AD\u034F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFE00-\uFE0F\uFEFF]/

const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g')

/** Dashes that NFKC keeps as they are (U+2010–2015, minus sign, small and full-width forms). */
const DASH = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/

/**
 * Characters that need no work: ASCII, Latin-1 letters and signs (but not the soft hyphen),
 * Hangul syllables and the common punctuation of Korean text. Text made only of these is
 * returned as it is, so ordinary text pays one regex test.
 */
const NEEDS_WORK =
  /[^\t\n\r\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2018-\u201D\u2026\u00B7\u3001\u3002\u300C-\u300F\uAC00-\uD7A3]/

const IDENTITY = (text: string): NormalizedText => ({
  text,
  toOriginalStart: (index) => index,
  toOriginalEnd: (index) => index,
})

/** Decodes the kept code units (UTF-16LE is the Uint16Array byte order on every JS engine we run). */
const UTF16 = new TextDecoder('utf-16le')

/** The characters to look at, one at a time (the rest is copied in slices). */
const WORK = new RegExp(`${NEEDS_WORK.source}+`, 'g')
/** Invisible characters, dashes and combining marks: a run with one is done character by character. */
const SPECIAL = new RegExp(
  `${INVISIBLE.source}|${DASH.source}|[\\u0300-\\u036F\\u1100-\\u11FF\\u3099\\u309A\\uD7B0-\\uD7FF]`,
)
const SURROGATE = /[\uD800-\uDFFF]/
/** INVISIBLE as character codes (the hot loop). */
const isInvisible = (c: number) =>
  c === 0xad ||
  c === 0x34f ||
  c === 0x61c ||
  c === 0x180e ||
  (c >= 0x200b && c <= 0x200f) ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2060 && c <= 0x2064) ||
  (c >= 0x2066 && c <= 0x206f) ||
  (c >= 0xfe00 && c <= 0xfe0f) ||
  c === 0xfeff
/** DASH as character codes. */
const isDash = (c: number) =>
  (c >= 0x2010 && c <= 0x2015) ||
  c === 0x2212 ||
  c === 0x2e3a ||
  c === 0x2e3b ||
  c === 0xfe58 ||
  c === 0xfe63 ||
  c === 0xff0d

/** A base character with the combining marks and conjoining jamo that follow it. */
const isCombining = (code: number) =>
  (code >= 0x0300 && code <= 0x036f) ||
  (code >= 0x1160 && code <= 0x11ff) ||
  (code >= 0xd7b0 && code <= 0xd7ff) ||
  (code >= 0x3099 && code <= 0x309a)

/**
 * Normalises `text` for matching. Linear: the characters that need no work are copied in
 * slices; each other cluster (a base character and the marks or jamo that combine with it) is
 * normalised on its own. The map back is a list of segments: in a linear segment the i-th
 * character comes from the i-th original one; a cluster whose length changed maps every one of
 * its characters to the whole original cluster. Lookups are binary searches over the segments.
 */
export function normalizeForMatching(text: string): NormalizedText {
  WORK.lastIndex = 0
  if (!WORK.test(text)) return IDENTITY(text)
  const out: string[] = []
  // Segment k starts at normalised offset nStart[k] and original offset oStart[k]; oEnd[k] is
  // the original end of a cluster segment, or -1 for a linear one.
  const segments = new SegmentList()
  let n = 0 // normalised length so far
  let linear = false // the last segment is linear
  let lastEnd = -1 // original offset where the last linear segment ends
  const copy = (from: number, to: number) => {
    if (to <= from) return
    out.push(text.slice(from, to))
    if (!linear || lastEnd !== from) {
      segments.add(n, from, -1)
      linear = true
    }
    n += to - from
    lastEnd = to
  }
  let at = 0
  WORK.lastIndex = 0
  for (let m = WORK.exec(text); m !== null; m = WORK.exec(text)) {
    const runStart = m.index
    const runEnd = runStart + m[0].length
    copy(at, runStart)
    at = runEnd
    // Most runs (CJK, emoji, other scripts) are already normal: copied as they are. A run
    // without surrogates, invisible characters, dashes or combining marks whose NFKC has the
    // same length maps one for one (NFKC never deletes a character): one linear piece.
    if (!SPECIAL.test(m[0])) {
      const piece = m[0].normalize('NFKC')
      if (piece === m[0]) {
        copy(runStart, runEnd)
        continue
      }
      if (piece.length === m[0].length && !SURROGATE.test(m[0])) {
        out.push(piece)
        if (!linear || lastEnd !== runStart) {
          segments.add(n, runStart, -1)
          linear = true
        }
        n += piece.length
        lastEnd = runEnd
        continue
      }
    }
    // The rest in bulk: clusters found with a character-code loop, invisible ones dropped,
    // dashes made '-', then one NFKC call over the run.
    const from = new Int32Array(runEnd - runStart)
    const to = new Int32Array(runEnd - runStart)
    // The kept code units, dashes made '-', decoded in one call (no string per character).
    const units = new Uint16Array(runEnd - runStart)
    let kept = 0
    let clusters = 0
    for (let start = runStart; start < runEnd;) {
      const code = text.charCodeAt(start)
      let end = start + 1
      if (code >= 0xd800 && code <= 0xdbff && end < runEnd) end++
      while (end < runEnd && isCombining(text.charCodeAt(end))) end++
      // Marks after an invisible character stay (rare); the character itself goes.
      const keep = isInvisible(code) ? start + 1 : start
      if (keep < end) {
        from[clusters] = keep
        to[clusters] = end
        clusters++
        for (let i = keep; i < end; i++) {
          const unit = text.charCodeAt(i)
          units[kept++] = end - keep === 1 && isDash(unit) ? 0x2d : unit
        }
      }
      start = end
    }
    const cleaned = UTF16.decode(units.subarray(0, kept))
    const bulk = cleaned.normalize('NFKC')
    if (bulk.length === clusters && !INVISIBLE.test(bulk)) {
      // One character per cluster (full-width forms, composed jamo, dashes).
      for (let i = 0; i < clusters; i++) {
        const single = to[i]! - from[i]! === 1
        if (single && linear && from[i] === lastEnd) {
          lastEnd = to[i]!
          continue
        }
        segments.add(n + i, from[i]!, single ? -1 : to[i]!)
        linear = single
        lastEnd = to[i]!
      }
      out.push(bulk)
      n += bulk.length
      continue
    }
    // Clusters that expand or shrink (㈜ → (주)): each one on its own.
    for (let i = 0; i < clusters; i++) {
      const cluster = text.slice(from[i]!, to[i]!)
      const piece = (isDash(cluster.charCodeAt(0)) && cluster.length === 1 ? '-' : cluster)
        .normalize('NFKC')
        .replace(INVISIBLE_ALL, '')
      linear = false
      if (piece.length === 0) continue
      out.push(piece)
      segments.add(n, from[i]!, to[i]!)
      n += piece.length
    }
  }
  copy(at, text.length)
  const normalized = out.join('')
  const { nStart, oStart, oEnd, length: count } = segments
  const segmentOf = (index: number) => {
    let lo = 0
    let hi = count - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (nStart[mid]! <= index) lo = mid
      else hi = mid - 1
    }
    return lo
  }
  return {
    text: normalized,
    toOriginalStart(index) {
      if (index >= normalized.length) return text.length
      const k = segmentOf(index)
      return oEnd[k] === -1 ? oStart[k]! + (index - nStart[k]!) : oStart[k]!
    },
    toOriginalEnd(index) {
      if (index <= 0) return 0
      const k = segmentOf(index - 1)
      return oEnd[k] === -1 ? oStart[k]! + (index - nStart[k]!) : oEnd[k]!
    },
  }
}

/**
 * The map back as three growing Int32Arrays: segment k starts at normalised offset nStart[k] and
 * original offset oStart[k]; oEnd[k] is the original end of a cluster, -1 for a linear segment.
 */
class SegmentList {
  nStart = new Int32Array(64)
  oStart = new Int32Array(64)
  oEnd = new Int32Array(64)
  length = 0
  add(n: number, start: number, end: number) {
    if (this.length === this.nStart.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2)
        b.set(a)
        return b
      }
      this.nStart = grow(this.nStart)
      this.oStart = grow(this.oStart)
      this.oEnd = grow(this.oEnd)
    }
    this.nStart[this.length] = n
    this.oStart[this.length] = start
    this.oEnd[this.length] = end
    this.length++
  }
}
