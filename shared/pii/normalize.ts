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

/** Dashes that NFKC keeps as they are (U+2010–2015, minus sign, small and full-width forms). */
const DASH = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D\u30FC]/

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

/** A base character with the combining marks and conjoining jamo that follow it. */
const isCombining = (code: number) =>
  (code >= 0x0300 && code <= 0x036f) ||
  (code >= 0x1160 && code <= 0x11ff) ||
  (code >= 0xd7b0 && code <= 0xd7ff) ||
  (code >= 0x3099 && code <= 0x309a)

/**
 * Normalises `text` for matching. Linear: one pass over the characters, each cluster (a base
 * character and the marks or jamo that combine with it) normalised on its own, so every
 * character of the result maps back to the original cluster it came from.
 */
export function normalizeForMatching(text: string): NormalizedText {
  if (!NEEDS_WORK.test(text)) return IDENTITY(text)
  const out: string[] = []
  // starts[i] / ends[i]: the original span of the cluster the i-th output code unit came from.
  const starts: number[] = []
  const ends: number[] = []
  const emit = (piece: string, start: number, end: number) => {
    out.push(piece)
    for (let k = 0; k < piece.length; k++) {
      starts.push(start)
      ends.push(end)
    }
  }
  let i = 0
  while (i < text.length) {
    const start = i
    const code = text.codePointAt(i)!
    i += code > 0xffff ? 2 : 1
    while (i < text.length && isCombining(text.charCodeAt(i))) i++
    const cluster = text.slice(start, i)
    if (cluster.length === 1 && !NEEDS_WORK.test(cluster)) {
      emit(cluster, start, i)
      continue
    }
    if (INVISIBLE.test(cluster[0]!)) {
      // Marks after an invisible character stay (rare); the character itself goes.
      if (cluster.length > 1) emit(cluster.slice(1).normalize('NFKC'), start + 1, i)
      continue
    }
    if (DASH.test(cluster)) {
      emit('-', start, i)
      continue
    }
    let piece = cluster.normalize('NFKC')
    if (INVISIBLE.test(piece)) piece = piece.replace(new RegExp(INVISIBLE.source, 'g'), '')
    emit(piece, start, i)
  }
  const normalized = out.join('')
  const length = text.length
  return {
    text: normalized,
    toOriginalStart: (index) => (index >= starts.length ? length : starts[index]!),
    toOriginalEnd: (index) => (index <= 0 ? 0 : ends[Math.min(index, ends.length) - 1]!),
  }
}
