// The members of a tools/call result that the result policy reads, and nothing else: the MCP
// schemas are passthrough objects, so a member the policy never sees would reach the client
// unscanned. Every guarded path (in-process tools, the guard wrapper, gateway children) uses it.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Members kept per content block type (MCP 2025-11-25 ContentBlock), `_meta` included. */
const BLOCK_MEMBERS: Record<string, readonly string[]> = {
  text: ['type', 'text', 'annotations', '_meta'],
  image: ['type', 'data', 'mimeType', 'annotations', '_meta'],
  audio: ['type', 'data', 'mimeType', 'annotations', '_meta'],
  resource: ['type', 'resource', 'annotations', '_meta'],
  resource_link: [
    'type',
    'uri',
    'name',
    'title',
    'description',
    'mimeType',
    'size',
    'annotations',
    '_meta',
  ],
}
const RESOURCE_MEMBERS = ['uri', 'mimeType', 'text', 'blob', '_meta']
/** Annotations carry no free text (audience, priority, a date). */
const ANNOTATION_MEMBERS = ['audience', 'priority', 'lastModified']

/** Placeholder for a block of a type the guard cannot check. */
export const WITHHELD_BLOCK_TEXT = '[a content block the guard cannot check was withheld]'

function pick(from: Json, members: readonly string[]): Json {
  const out: Json = {}
  for (const member of members) if (from[member] !== undefined) out[member] = from[member]
  return out
}

/**
 * The result with only `content` (known block types and members; an unknown block becomes a
 * withheld-notice text block), `structuredContent`, `isError` and `_meta` (which the guard then
 * scans like any value). `undefined` when it is no tool result at all (no `content` array: a
 * task handle, say): the caller must not pass it on.
 */
export function toolResultMembers(result: unknown): CallToolResult | undefined {
  if (!isObject(result) || !Array.isArray(result.content)) return undefined
  const content = result.content.map((block: unknown) => {
    const type = isObject(block) && typeof block.type === 'string' ? block.type : undefined
    const members = type === undefined ? undefined : BLOCK_MEMBERS[type]
    if (!members || !isObject(block)) return { type: 'text', text: WITHHELD_BLOCK_TEXT }
    const out = pick(block, members)
    if (isObject(block.annotations)) out.annotations = pick(block.annotations, ANNOTATION_MEMBERS)
    if (type === 'resource') {
      if (!isObject(block.resource)) return { type: 'text', text: WITHHELD_BLOCK_TEXT }
      out.resource = pick(block.resource, RESOURCE_MEMBERS)
    }
    return out
  })
  const out: Json = pick(result, ['structuredContent', 'isError', '_meta'])
  if (out.structuredContent !== undefined && !isObject(out.structuredContent)) return undefined
  out.content = content
  return out as CallToolResult
}
