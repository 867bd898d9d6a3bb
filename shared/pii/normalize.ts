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

/** The characters to look at, one at a time (the rest is copied in slices). */
const WORK = new RegExp(`${NEEDS_WORK.source}+`, 'g')
/** Invisible characters, dashes and combining marks: a run with one is done character by character. */
const SPECIAL = new RegExp(
  `${INVISIBLE.source}|${DASH.source}|[\\u0300-\\u036F\\u1100-\\u11FF\\u3099\\u309A\\uD7B0-\\uD7FF]`,
)
const SURROGATE = /[\uD800-\uDFFF]/
const isInvisible = (code: number) => INVISIBLE.test(String.fromCharCode(code))
const isDash = (code: number) => DASH.test(String.fromCharCode(code))

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
  const nStart: number[] = []
  const oStart: number[] = []
  const oEnd: number[] = []
  let n = 0 // normalised length so far
  let linear = false // the last segment is linear and ends at the current position
  const copy = (from: number, to: number) => {
    if (to <= from) return
    out.push(text.slice(from, to))
    if (!linear) {
      nStart.push(n)
      oStart.push(from)
      oEnd.push(-1)
      linear = true
    }
    n += to - from
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
        if (!linear) {
          nStart.push(n)
          oStart.push(runStart)
          oEnd.push(-1)
          linear = true
        }
        n += piece.length
        continue
      }
    }
    for (let start = runStart; start < runEnd;) {
      let end = start + 1
      const code = text.charCodeAt(start)
      if (code >= 0xd800 && code <= 0xdbff && end < runEnd) end++
      while (end < runEnd && isCombining(text.charCodeAt(end))) end++
      let piece: string
      if (end - start === 1 && code >= 0xff01 && code <= 0xff5e && code !== 0xff0d) {
        // Full-width ASCII (０-９, ＠, Ａ-Ｚ …): NFKC is the ASCII character, one for one.
        piece = String.fromCharCode(code - 0xfee0)
      } else if (isInvisible(code)) {
        piece = end - start > 1 ? text.slice(start + 1, end).normalize('NFKC') : ''
      } else if (isDash(code)) piece = '-'
      else {
        piece = text.slice(start, end).normalize('NFKC')
        if (INVISIBLE_ALL.test(piece)) piece = piece.replace(INVISIBLE_ALL, '')
      }
      if (piece.length === 1 && end - start === 1) {
        // One for one: the linear segment goes on.
        out.push(piece)
        if (!linear) {
          nStart.push(n)
          oStart.push(start)
          oEnd.push(-1)
          linear = true
        }
        n += 1
      } else {
        linear = false
        if (piece.length > 0) {
          out.push(piece)
          nStart.push(n)
          oStart.push(start)
          oEnd.push(end)
          n += piece.length
        }
      }
      start = end
    }
  }
  copy(at, text.length)
  const normalized = out.join('')
  const segmentOf = (index: number) => {
    let lo = 0
    let hi = nStart.length - 1
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
