// The audit log's `scrub` hook (LOG-2): label-redacts every finding in a text.
import type { Detector } from './types.ts'
import { maskText } from './mask.ts'

/**
 * Returns a synchronous scrubber that replaces every value `detector` finds with its label
 * (`kim@example.com` → `[EMAIL]`), leaving the rest of the text as it was. Detector errors
 * (e.g. an input over its size cap) propagate: the audit log fails closed on them.
 */
export function createScrubber(detector: Detector): (text: string) => string {
  return function scrubPii(text: string): string {
    return maskText(text, detector.detect(text), 'label')
  }
}
