// The result side of the guard: applies the result policy to a whole CallToolResult in one
// traversal (every string and key, binary payloads left out), summing what was found (LOG-2).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { PiiRejectedError } from '../../pii/policy-errors.ts'
import type { AppliedAction, PolicyEngine, PolicyResult, ScanOptions } from '../../pii/policy.ts'
import { PiiScanBudgetError } from '../../pii/walk-errors.ts'
import { toolResultMembers } from '../result-members.ts'
import { isBinaryMember, textLength } from './scan.ts'

/** What a policy found and did on one side of a call. */
export interface ScanSummary {
  /** Entity type → count. */
  findings: Record<string, number>
  /** Strongest action applied (`reject` when the side was rejected). */
  action: AppliedAction | 'reject'
}

export type GuardedResult =
  | { kind: 'ok'; result: CallToolResult; summary: ScanSummary }
  | {
      kind: 'rejected'
      summary: ScanSummary
      rejectedTypes: readonly string[]
      types: readonly string[]
    }
  | { kind: 'failed'; error: unknown }

const STRENGTH: Record<AppliedAction, number> = { allow: 0, mask: 1, redact: 2, encrypt: 3 }

/** How the result is scanned: the scan budget (characters) and the walk's depth limit. */
export interface ResultScan {
  budget: number
  maxDepth: number
  pause?: ScanOptions['pause']
}

/**
 * Applies `engine` to a result. Only the members of a tool result are kept
 * (`toolResultMembers`; a result with no `content` array, such as a task handle, fails). Every
 * string of what is kept is scanned, object keys included: `structuredContent`, every content
 * block (text, annotations, `_meta`, resource links and embedded resources with their `uri`,
 * `name`, `title`, `description`, `mimeType`, `text`), the result's `_meta`. Only base64 image
 * and audio `data` and resource `blob`s pass unscanned (scan.ts). A result holding more
 * text than `scan.budget` fails before anything is scanned.
 *
 * A text block that is exactly the JSON of `structuredContent` (compact or 2-space indented, as
 * `defineTool` writes it) is re-rendered from the guarded structured content instead of being
 * scanned again, so the two agree (same tokens under `encrypt`).
 *
 * Counting: when there is structured content, the other blocks are taken to render it (MCP: "a
 * tool that returns structured content SHOULD also return it in a text block"), so each type
 * counts max(structured, rest) rather than both: one e-mail address echoed in both places is one
 * finding, not two.
 */
export async function guardResultContent(
  engine: PolicyEngine,
  untrusted: CallToolResult,
  scan: ResultScan,
): Promise<GuardedResult> {
  const result = toolResultMembers(untrusted)
  if (!result) return { kind: 'failed', error: new TypeError('not a CallToolResult') }
  try {
    const { structuredContent: structured, ...rest } = result
    const mirrors =
      structured === undefined
        ? []
        : [JSON.stringify(structured), JSON.stringify(structured, null, 2)]
    const mirrorOf = rest.content.map((block) =>
      block.type === 'text' ? mirrors.indexOf(block.text) : -1,
    )
    const scanned = {
      ...rest,
      content: rest.content.map((block, i) => (mirrorOf[i]! >= 0 ? { ...block, text: '' } : block)),
    }
    const total = textLength(structured, scan.maxDepth) + textLength(scanned, scan.maxDepth)
    if (total > scan.budget) throw new PiiScanBudgetError(total, scan.budget)
    const options: ScanOptions = {
      opaque: isBinaryMember,
      ...(scan.pause ? { pause: scan.pause } : {}),
    }
    const guardedStructured =
      structured === undefined ? undefined : await engine.applyToValue(structured, options)
    const guardedRest = await engine.applyToValue(scanned, options)
    const guarded = guardedRest.value as CallToolResult
    guarded.content = guarded.content.map((block, i) => {
      const mirror = mirrorOf[i]!
      if (mirror < 0) return block
      const text = JSON.stringify(guardedStructured!.value, null, mirror === 0 ? undefined : 2)
      return { ...block, text }
    })
    if (guardedStructured) guarded.structuredContent = guardedStructured.value
    return { kind: 'ok', result: guarded, summary: summarise(guardedStructured, guardedRest) }
  } catch (error) {
    if (error instanceof PiiRejectedError) {
      return {
        kind: 'rejected',
        summary: { findings: error.findings, action: 'reject' },
        rejectedTypes: error.rejectedTypes,
        types: error.types,
      }
    }
    return { kind: 'failed', error }
  }
}

/** Each type counted max(structured, rest); the strongest action of both. */
function summarise(
  structured: PolicyResult<unknown> | undefined,
  rest: PolicyResult<unknown>,
): ScanSummary {
  const findings: Record<string, number> = {}
  let action: AppliedAction = rest.action
  if (structured && STRENGTH[structured.action] > STRENGTH[action]) action = structured.action
  for (const type of new Set([
    ...Object.keys(structured?.findings ?? {}),
    ...Object.keys(rest.findings),
  ])) {
    findings[type] = Math.max(structured?.findings[type] ?? 0, rest.findings[type] ?? 0)
  }
  return { findings, action }
}
