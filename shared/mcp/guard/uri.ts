// URIs as the guard reads them (RFC 3986): personal data in a path, a query or a `mailto:` is
// found even where the detector's patterns stop at URI delimiters, and even percent-encoded.

import type { Detector, Finding } from '../../pii/types.ts'

/** A whole string that is a URI: a scheme (RFC 3986 §3.1), a colon, no white space. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]{0,31}:\S*$/
/** Longest string read as a URI; longer ones are scanned as plain text. */
const MAX_URI_LENGTH = 64 * 1024
/** Delimiters (RFC 3986 §2.2, without `@`, `+` and `-`, which addresses and numbers contain). */
const DELIMITERS = /[:/?#[\]!$&'()*,;=]/g
const HEX = /^[0-9A-Fa-f]{2}$/

/**
 * The detector, reading a string that is a URI as its parts: percent-escapes decoded (UTF-8) and
 * delimiters read as spaces, so `file:///kim@example.com`, `tel:010-1234-5678` and
 * `mailto:kim%40example.com` are found. Findings are mapped back to the URI as written, so the
 * policy rewrites exactly those characters: a masked `mailto:` stays a URI of the same shape
 * (`mailto:k***@example.com`). Other strings go to the detector unchanged.
 */
export function uriAwareDetector(detector: Detector): Detector {
  return {
    types: detector.types,
    categoryOf: (type) => detector.categoryOf(type),
    detect(text: string): Finding[] {
      if (text.length > MAX_URI_LENGTH || !URI.test(text)) return detector.detect(text)
      const { view, toRaw } = readUri(text)
      return detector.detect(view).map((finding) => ({
        ...finding,
        start: toRaw[finding.start]!,
        end: toRaw[finding.end]!,
      }))
    },
  }
}

/** The URI decoded and with delimiters as spaces; `toRaw[i]`: where view character i starts. */
function readUri(raw: string): { view: string; toRaw: number[] } {
  const out: string[] = []
  const toRaw: number[] = []
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let i = 0
  while (i < raw.length) {
    if (raw[i] === '%' && HEX.test(raw.slice(i + 1, i + 3))) {
      const lead = parseInt(raw.slice(i + 1, i + 3), 16)
      const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0
      const bytes: number[] = []
      for (let k = 0; k < size; k++) {
        const at = i + 3 * k
        if (raw[at] !== '%' || !HEX.test(raw.slice(at + 1, at + 3))) break
        bytes.push(parseInt(raw.slice(at + 1, at + 3), 16))
      }
      let char: string | undefined
      if (size > 0 && bytes.length === size) {
        try {
          char = decoder.decode(new Uint8Array(bytes))
        } catch {
          char = undefined
        }
      }
      if (char !== undefined) {
        for (const unit of char.split('')) {
          out.push(unit.replace(DELIMITERS, ' '))
          toRaw.push(i)
        }
        i += 3 * size
        continue
      }
    }
    out.push(raw[i]!.replace(DELIMITERS, ' '))
    toRaw.push(i)
    i++
  }
  toRaw.push(raw.length)
  return { view: out.join(''), toRaw }
}
