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

/** Copied as they are: the complement of NEEDS_WORK and letters NFKC does not change, by code. */
const isPlain = (c: number) =>
  (c >= 0x20 && c <= 0x7e) ||
  c === 0x09 ||
  c === 0x0a ||
  c === 0x0d ||
  (c >= 0xac00 && c <= 0xd7a3) ||
  (c >= 0xa0 && c <= 0x2ff && c !== 0xad) ||
  (c >= 0x2018 && c <= 0x201d) ||
  c === 0x2026 ||
  c === 0x3001 ||
  c === 0x3002 ||
  (c >= 0x300c && c <= 0x300f) ||
  // Letters NFKC leaves alone: CJK ideographs, kana, Cyrillic, Hebrew, Arabic and Thai letters.
  (c >= 0x4e00 && c <= 0x9fff) ||
  (c >= 0x3400 && c <= 0x4dbf) ||
  (c >= 0x3041 && c <= 0x3096) ||
  (c >= 0x30a1 && c <= 0x30fa) ||
  (c >= 0x0400 && c <= 0x04ff) ||
  (c >= 0x05d0 && c <= 0x05ea) ||
  (c >= 0x0621 && c <= 0x064a) ||
  (c >= 0x0e01 && c <= 0x0e32) ||
  (c >= 0x0e34 && c <= 0x0e3a)

/**
 * Normalises `text` for matching. Linear: one loop over the character codes writes the result
 * into a Uint16Array (decoded once at the end); plain characters are copied, invisible ones
 * dropped, dashes made '-', full-width ASCII shifted, and any other cluster (a base character with
 * the marks or jamo that combine with it) put through NFKC on its own. The map back is a list of
 * segments: in a linear segment the i-th character comes from the i-th original one; a cluster
 * whose length changed maps every one of its characters to the whole original cluster.
 */
export function normalizeForMatching(text: string): NormalizedText {
  if (!NEEDS_WORK.test(text)) return IDENTITY(text)
  let units = new Uint16Array(text.length + 16)
  const segments = new SegmentList()
  let n = 0 // normalised length so far
  let linear = false // the last segment is linear and ends at `lastEnd`
  let lastEnd = -1
  /** Appends one unit that stands for exactly the original unit at `at`. */
  const one = (unit: number, at: number) => {
    units[n] = unit
    if (!linear || lastEnd !== at) {
      segments.add(n, at, -1)
      linear = true
    }
    n++
    lastEnd = at + 1
  }
  const length = text.length
  for (let i = 0; i < length;) {
    const code = text.charCodeAt(i)
    if (isPlain(code)) {
      one(code, i++)
      continue
    }
    if (isDash(code)) {
      one(0x2d, i++)
      continue
    }
    if (code >= 0xff01 && code <= 0xff5e) {
      one(code - 0xfee0, i++)
      continue
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      // Emoji and CJK extension ideographs are NFKC-stable: both units copied.
      const cp = text.codePointAt(i)!
      if ((cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp < 0x2f800)) {
        if (!isCombining(text.charCodeAt(i + 2))) {
          one(code, i)
          one(text.charCodeAt(i + 1), i + 1)
          i += 2
          continue
        }
      }
    }
    const start = i
    i++
    if (code >= 0xd800 && code <= 0xdbff && i < length) i++
    while (i < length && isCombining(text.charCodeAt(i))) i++
    // Marks after an invisible character stay (rare); the character itself goes.
    const keep = isInvisible(code) ? start + 1 : start
    if (keep === i) {
      linear = false
      continue
    }
    const piece = text.slice(keep, i).normalize('NFKC').replace(INVISIBLE_ALL, '')
    if (piece.length === 1 && i - keep === 1) {
      one(piece.charCodeAt(0), keep)
      continue
    }
    linear = false
    if (piece.length === 0) continue
    if (n + piece.length > units.length) {
      const grown = new Uint16Array(Math.max(units.length * 2, n + piece.length + 16))
      grown.set(units.subarray(0, n))
      units = grown
    }
    segments.add(n, keep, i)
    for (let k = 0; k < piece.length; k++) units[n++] = piece.charCodeAt(k)
  }
  const normalized = UTF16.decode(units.subarray(0, n))
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
