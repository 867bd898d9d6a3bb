// Test double: a small regex Detector (email, KR mobile, RRN, one secret type) that honours the
// Detector contract of types.ts, so the masking and policy tests do not depend on the real one.
import type { Detector, EntityCategory, Finding } from './types.ts'

const RULES: ReadonlyArray<[type: string, pattern: RegExp, category: EntityCategory]> = [
  ['email', /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/g, 'pii'],
  ['phone', /(?<!\d)01[016-9]-?\d{3,4}-?\d{4}(?!\d)/g, 'pii'],
  ['ssn', /(?<!\d)\d{6}-?[1-4]\d{6}(?!\d)/g, 'pii'],
  ['aws_access_key_id', /\bAKIA[A-Z2-7]{16}\b/g, 'secret'],
]

export interface FakeDetectorOptions {
  /** Texts longer than this throw, like the real detector's input cap. Default: no cap. */
  maxLength?: number
}

/** Raised by the fake for texts over `maxLength` (stands in for the real cap error). */
export class FakeTooLargeError extends Error {
  override name = 'FakeTooLargeError'
}

/** A Detector over the four RULES; `calls` counts `detect` calls. */
export function createFakeDetector(
  options: FakeDetectorOptions = {},
): Detector & { calls: number } {
  const categories = new Map(RULES.map(([type, , category]) => [type, category]))
  return {
    calls: 0,
    types: RULES.map(([type]) => type),
    categoryOf: (type) => categories.get(type) ?? 'pii',
    detect(text) {
      this.calls++
      if (options.maxLength !== undefined && text.length > options.maxLength)
        throw new FakeTooLargeError(`input of ${text.length} characters is over the cap`)
      const all: Finding[] = []
      for (const [type, pattern] of RULES)
        for (const m of text.matchAll(pattern))
          all.push({ type, start: m.index, end: m.index + m[0].length, score: 1, validated: false })
      all.sort((a, b) => a.start - b.start || b.end - a.end)
      const findings: Finding[] = []
      for (const f of all) if (f.start >= (findings.at(-1)?.end ?? 0)) findings.push(f)
      return findings
    },
  }
}
