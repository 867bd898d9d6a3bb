// The numeric gate of the detector: one pre-scan collects the chains of digits and phone/number
// punctuation, so that patterns declared `gate: "numeric"` run over those chains only instead of
// over the whole text (a cheap character-class precheck; same findings as a full scan).

/**
 * The contract of a `gate: "numeric"` pattern: every match, with the characters its lookarounds
 * examine, lies between NUMERIC_MARGIN_BEFORE characters before and NUMERIC_MARGIN_AFTER after a
 * digit chain — at least 4 digits where consecutive digits are at most 4 characters of
 * `+ - . ( )` or space apart (`010-1234-5678`, `+82 (0)10 …`, `M123A4567` around its chain
 * `4567`, `서울 12-345678-90`). Matches end with a digit; lookaheads read at most 2 more.
 */
export const NUMERIC_MARGIN_BEFORE = 8
export const NUMERIC_MARGIN_AFTER = 3

/** Digit chains; the repetition bound keeps it linear (RX-3), a chain that long turns it off. */
const CHAIN = /(?<!\d)\d(?:[+\-.() ]{0,4}\d){3,65535}/g
const CHAIN_CAP = 65536
/** Chains closer than this are kept in one piece: fewer, slightly longer pieces build faster. */
const JOIN_GAP = 32

/** Text a gated regex runs over, and the way back to offsets in the original text. */
export interface Haystack {
  /** The chains (each with its margins of real text around), joined by U+0000. */
  readonly text: string
  /** Maps an index in `text` to the same character's index in the original text. */
  toOriginal(index: number): number
}

const IDENTITY = (text: string): Haystack => ({ text, toOriginal: (index) => index })

/**
 * Collects the digit chains, widens each by the margins before and after (merging
 * those less than JOIN_GAP apart) and joins them with U+0000, which no gated pattern matches. A match
 * of a gated pattern lies inside one widened chain, and its lookarounds see the same characters
 * as in the original text. Falls back to the whole text when the chains cover most of it.
 */
export function numericHaystack(text: string): Haystack {
  const bounds: number[] = []
  let covered = 0
  CHAIN.lastIndex = 0
  for (let m = CHAIN.exec(text); m !== null; m = CHAIN.exec(text)) {
    if (m[0].length >= CHAIN_CAP) return IDENTITY(text)
    const start = Math.max(0, m.index - NUMERIC_MARGIN_BEFORE)
    const end = Math.min(text.length, m.index + m[0].length + NUMERIC_MARGIN_AFTER)
    const last = bounds.length - 1
    if (last > 0 && start <= bounds[last]! + JOIN_GAP) {
      covered += end - bounds[last]!
      bounds[last] = end
    } else {
      covered += end - start
      bounds.push(start, end)
    }
  }
  if (covered > text.length / 2) return IDENTITY(text)
  const parts: string[] = []
  const joinedStarts: number[] = []
  const originalStarts: number[] = []
  let at = 0
  for (let i = 0; i < bounds.length; i += 2) {
    const start = bounds[i]!
    const end = bounds[i + 1]!
    joinedStarts.push(at)
    originalStarts.push(start)
    parts.push(text.slice(start, end))
    at += end - start + 1
  }
  return {
    text: parts.join('\u0000'),
    toOriginal(index) {
      let lo = 0
      let hi = joinedStarts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (joinedStarts[mid]! <= index) lo = mid
        else hi = mid - 1
      }
      return originalStarts[lo]! + (index - joinedStarts[lo]!)
    },
  }
}
