// Counting by entity type (or any key): the maps the security tools return, keys sorted so the
// same input always gives the same JSON; how many events an audit record stands for.
import type { AuditRecord } from '../../shared/audit/record.ts'

/** Adds `by` (default 1) to `counts[key]`. */
export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by
}

/** A copy of `counts` with its keys in ascending order. */
export function sortedKeys(counts: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const key of Object.keys(counts).sort()) out[key] = counts[key]!
  return out
}

/** How many events `record` stands for: its `count` (≥ 2, aggregated), else 1. */
export function eventCount(record: AuditRecord): number {
  const { count } = record
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 1 ? count : 1
}
