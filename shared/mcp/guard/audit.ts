// The `tool_call` audit record of one guarded call: PII types and counts of both sides, the
// strongest action, and a short per-side summary in `detail` (LOG-1..4; never values).
import type { AuditEvent } from '../../audit/record.ts'
import type { AppliedAction } from '../../pii/policy.ts'
import type { ScanSummary } from './result.ts'

const STRENGTH: Record<AppliedAction | 'reject', number> = {
  allow: 0,
  mask: 1,
  redact: 2,
  encrypt: 3,
  reject: 4,
}

/** The stronger of two actions (allow < mask < redact < encrypt < reject). */
export function strongest<A extends AppliedAction | 'reject'>(a: A, b: A): A {
  return STRENGTH[b] > STRENGTH[a] ? b : a
}

/** What the two sides of a call found: `in` = arguments, `out` = result. */
export interface CallSides {
  in?: ScanSummary
  out?: ScanSummary
}

const found = (side: ScanSummary | undefined) => Object.keys(side?.findings ?? {}).length > 0

/**
 * `pii` (counts of both sides summed, by type), `direction` (`in`, `out` or `both`: which sides
 * had findings) and `action` (the strongest action taken on a side with findings). All absent
 * when nothing was found.
 */
export function piiFields(sides: CallSides): Pick<AuditEvent, 'pii' | 'direction' | 'action'> {
  const hasIn = found(sides.in)
  const hasOut = found(sides.out)
  if (!hasIn && !hasOut) return {}
  const pii: Record<string, number> = {}
  let action: AppliedAction | 'reject' = 'allow'
  for (const side of [hasIn ? sides.in : undefined, hasOut ? sides.out : undefined]) {
    if (!side) continue
    for (const [type, count] of Object.entries(side.findings)) pii[type] = (pii[type] ?? 0) + count
    action = strongest(action, side.action)
  }
  return { pii, direction: hasIn && hasOut ? 'both' : hasIn ? 'in' : 'out', action }
}

/**
 * `detail`: the failure reason (if any), then each side with findings as
 * `in=allow(email:1,phone:2)` / `out=mask(email:1)`: what a single `pii` map cannot say.
 */
export function detailOf(reason: string | undefined, sides: CallSides): string | undefined {
  const side = (name: string, summary: ScanSummary | undefined) => {
    if (!summary || !found(summary)) return undefined
    const counts = Object.keys(summary.findings)
      .sort()
      .map((type) => `${type}:${summary.findings[type]}`)
    return `${name}=${summary.action}(${counts.join(',')})`
  }
  return joinWords(reason, side('in', sides.in), side('out', sides.out))
}

/** The defined words joined by spaces, or undefined when there are none. */
export function joinWords(...words: Array<string | undefined>): string | undefined {
  const kept = words.filter((word): word is string => !!word)
  return kept.length > 0 ? kept.join(' ') : undefined
}
