// Masking of detected values and of whole texts (LOG-2): partial masks that keep the
// type recognisable, or `[TYPE]` labels that drop the value entirely.
import type { EntityCategory, Finding } from './types.ts'
import { looksLikeSecretType, MASKERS, maskGeneric, maskPhone, maskSecret } from './mask-rules.ts'

/** `partial` keeps a readable, type-revealing part (`kim***@example.com`); `label` → `[EMAIL]`. */
export type MaskStyle = 'partial' | 'label'

/** Tells whether a type is personal data or a credential (usually `detector.categoryOf`). */
export type CategoryOf = (type: string) => EntityCategory

/** Labels already made, by type (a detector reports a few dozen types at most). */
const labels = new Map<string, string>()
const MAX_CACHED_LABELS = 512

/** The redaction label of a type: `email` → `[EMAIL]`, `korean_name` → `[KOREAN_NAME]`. */
export function labelOf(type: string): string {
  let label = labels.get(type)
  if (label === undefined) {
    label = `[${type.toUpperCase()}]`
    if (labels.size < MAX_CACHED_LABELS) labels.set(type, label)
  }
  return label
}

/**
 * Masks one detected value of the given entity type.
 * @param style `partial` (default) or `label`
 * @param category when `secret`, a type missing from the masker table is masked as a credential
 *   (public prefix only) instead of with the generic masker; unknown types whose name reads like
 *   a credential (`…_key`, `…_token`) are treated as secrets regardless.
 */
export function maskValue(
  type: string,
  value: string,
  style: MaskStyle = 'partial',
  category?: EntityCategory,
): string {
  if (style === 'label') return labelOf(type)
  const masker = MASKERS.get(type)
  if (masker) return masker(value)
  if (category === 'secret' || looksLikeSecretType(type)) return maskSecret(value)
  if (type.startsWith('phone')) return maskPhone(value)
  return maskGeneric(value)
}

/**
 * Replaces every finding in `text` with its masked form in one pass (slices joined once).
 * Findings are expected sorted by `start` without overlaps, as `Detector.detect` returns them;
 * unsorted input is sorted, offsets are clamped to the text, and the part of a finding that
 * overlaps an earlier one is replaced by stars, so no detected character is ever left in clear.
 */
export function maskText(
  text: string,
  findings: readonly Finding[],
  style: MaskStyle = 'partial',
  categoryOf?: CategoryOf,
): string {
  if (findings.length === 0) return text
  const ordered = isSorted(findings) ? findings : [...findings].sort((a, b) => a.start - b.start)
  const parts: string[] = []
  let cursor = 0
  for (const finding of ordered) {
    const start = clamp(finding.start, text.length)
    const end = clamp(finding.end, text.length)
    if (end <= cursor || end <= start) continue
    if (start < cursor) {
      parts.push('*'.repeat(end - cursor))
    } else {
      if (start > cursor) parts.push(text.slice(cursor, start))
      const value = text.slice(start, end)
      parts.push(maskValue(finding.type, value, style, categoryOf?.(finding.type)))
    }
    cursor = end
  }
  if (cursor < text.length) parts.push(text.slice(cursor))
  return parts.join('')
}

function isSorted(findings: readonly Finding[]): boolean {
  for (let i = 1; i < findings.length; i++)
    if (findings[i]!.start < findings[i - 1]!.start) return false
  return true
}

function clamp(offset: number, length: number): number {
  if (!(offset > 0)) return 0
  return offset > length ? length : Math.floor(offset)
}
