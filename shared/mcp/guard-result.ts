// The result side of the guard: applies the result policy to a CallToolResult's structured
// content and to the text of its content blocks, summing what was found (LOG-2).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { PiiRejectedError } from '../pii/policy-errors.ts'
import type { AppliedAction, PolicyEngine, PolicyResult } from '../pii/policy.ts'
import { toolResultMembers } from './result-members.ts'

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

type Block = CallToolResult['content'][number]

const STRENGTH: Record<AppliedAction, number> = { allow: 0, mask: 1, redact: 2, encrypt: 3 }

/**
 * Applies `engine` to a result. Only the members the policy reads are kept (`toolResultMembers`:
 * an upstream's extra members never reach the client unscanned; a result with no `content`
 * array, such as a task handle, fails). Scanned: `structuredContent` (every string), text
 * blocks, the text and URI of embedded resources, the URI/name/title/description of resource
 * links, and every `_meta`. Image and audio data and resource blobs are binary and pass
 * unchanged. A text block that is exactly
 * the JSON of `structuredContent` (compact or 2-space indented, as `defineTool` writes it) is
 * re-rendered from the guarded structured content instead of being scanned again, so the two
 * agree (same tokens under `encrypt`).
 *
 * Counting: content blocks are summed; when there is structured content, the blocks are taken to
 * render it (MCP: "a tool that returns structured content SHOULD also return it in a text
 * block"), so each type counts max(structured, blocks) rather than both: one e-mail address
 * echoed in both places is one finding, not two.
 */
export async function guardResultContent(
  engine: PolicyEngine,
  untrusted: CallToolResult,
): Promise<GuardedResult> {
  const result = toolResultMembers(untrusted)
  if (!result) return { kind: 'failed', error: new TypeError('not a CallToolResult') }
  const summary: ScanSummary = { findings: {}, action: 'allow' }
  const structuredFindings: Record<string, number> = {}
  const blockFindings: Record<string, number> = {}
  const tally = <T>(into: Record<string, number>, out: PolicyResult<T>): T => {
    for (const [type, count] of Object.entries(out.findings)) into[type] = (into[type] ?? 0) + count
    if (summary.action !== 'reject' && STRENGTH[out.action] > STRENGTH[summary.action]) {
      summary.action = out.action
    }
    return out.value
  }
  const add = <T>(out: PolicyResult<T>): T => tally(blockFindings, out)
  /** `_meta` is free-form JSON: scanned like any value, counted with the blocks. */
  const withMeta = async <B extends { _meta?: unknown }>(block: B): Promise<B> =>
    block._meta === undefined
      ? block
      : { ...block, _meta: add(await engine.applyToValue(block._meta)) }
  try {
    const structured = result.structuredContent
    let guardedStructured: Record<string, unknown> | undefined
    let mirrors: string[] = []
    if (structured !== undefined) {
      guardedStructured = tally(structuredFindings, await engine.applyToValue(structured))
      mirrors = [JSON.stringify(structured), JSON.stringify(structured, null, 2)]
    }
    async function guardBlock(block: Block): Promise<Block> {
      switch (block.type) {
        case 'text': {
          const mirror = mirrors.indexOf(block.text)
          if (mirror >= 0) {
            const text = JSON.stringify(guardedStructured, null, mirror === 0 ? undefined : 2)
            return { ...block, text }
          }
          return { ...block, text: add(await engine.applyToText(block.text)) }
        }
        case 'resource': {
          const { text, uri } = block.resource as { text?: unknown; uri: string }
          const strings = add(await engine.applyToValue({ uri, text }))
          const resource = await withMeta({ ...block.resource, ...dropUndefined(strings) })
          return { ...block, resource } as Block
        }
        case 'resource_link': {
          const { uri, name, title, description } = block
          const strings = add(await engine.applyToValue({ uri, name, title, description }))
          return { ...block, ...dropUndefined(strings) }
        }
        default:
          return block
      }
    }
    const content = await Promise.all(
      result.content.map(async (block: Block): Promise<Block> => withMeta(await guardBlock(block))),
    )
    const guarded: CallToolResult = await withMeta({ ...result, content })
    for (const type of new Set([
      ...Object.keys(structuredFindings),
      ...Object.keys(blockFindings),
    ])) {
      summary.findings[type] = Math.max(structuredFindings[type] ?? 0, blockFindings[type] ?? 0)
    }
    if (guardedStructured !== undefined) guarded.structuredContent = guardedStructured
    return { kind: 'ok', result: guarded, summary }
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

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {}
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] !== undefined) out[key] = value[key]
  }
  return out
}
