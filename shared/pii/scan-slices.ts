// Detection in slices: a long text is scanned window by window and the scan pauses for the event
// loop between slices, so one huge value cannot hold up every other request of the process.
import type { Detector, Finding } from './types.ts'

/** Characters scanned between two pauses (and the step between windows of one long text). */
export const SLICE_CHARS = 128 * 1024
/** Characters a window reads before its slice: more than any lookbehind plus the context window. */
export const SLICE_LOOKBEHIND = 1024
/**
 * Characters a window reads past its slice: more than the longest match a pattern can make (a
 * PEM private key, truncated form: 100 + 1000 lines of up to 104 characters), so every finding
 * that starts in a slice ends inside its window.
 */
export const SLICE_LOOKAHEAD = 112 * 1024

/** Lets other work run: resolves on a later turn of the event loop (a macrotask). */
export type Pause = () => Promise<void>

const later: (run: () => void) => unknown =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (globalThis as unknown as { setImmediate: (run: () => void) => unknown }).setImmediate
    : (run) => setTimeout(run, 0)

/** The default pause: `setImmediate` where the runtime has it (Node), else `setTimeout(0)`. */
export const macrotask: Pause = () => new Promise<void>((resolve) => void later(resolve))

/** Detects in one text at a time, pausing after every `SLICE_CHARS` characters scanned. */
export interface SlicedScanner {
  /** The detector's findings for `text` (offsets in `text`, sorted by start). */
  detect(text: string): Promise<Finding[]>
}

/**
 * A scanner for one message: texts up to one window long are detected whole; a longer text is
 * detected in windows of `SLICE_LOOKBEHIND + SLICE_CHARS + SLICE_LOOKAHEAD` characters, one slice
 * apart, each keeping the findings that start in its own slice (so none is found twice, and each
 * is seen with all the text before and after it that a pattern reads). The scanner pauses
 * whenever `SLICE_CHARS` characters were scanned since the last pause.
 */
export function createSlicedScanner(detector: Detector, pause: Pause = macrotask): SlicedScanner {
  let since = 0
  const account = async (chars: number) => {
    since += chars
    if (since >= SLICE_CHARS) {
      since = 0
      await pause()
    }
  }
  return {
    async detect(text) {
      const window = SLICE_LOOKBEHIND + SLICE_CHARS + SLICE_LOOKAHEAD
      if (text.length <= window) {
        const findings = detector.detect(text)
        await account(text.length)
        return findings
      }
      const out: Finding[] = []
      for (let start = 0; start < text.length; start += SLICE_CHARS) {
        const from = Math.max(0, start - SLICE_LOOKBEHIND)
        const to = Math.min(text.length, start + SLICE_CHARS + SLICE_LOOKAHEAD)
        const last = to === text.length
        for (const finding of detector.detect(text.slice(from, to))) {
          const at = finding.start + from
          if (at < start || (!last && at >= start + SLICE_CHARS)) continue
          out.push({ ...finding, start: at, end: finding.end + from })
        }
        await account(to - from)
        if (last) break
      }
      return out
    },
  }
}
