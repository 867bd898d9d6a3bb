// A child's tools/call result reduced to what the guard pipeline reads: the MCP schemas let any
// member through (passthrough objects), and a member the result policy never sees would reach
// the client unscanned. Unknown members are dropped; `_meta` is kept with every PII value
// replaced by its label (the guard's scrubber), whatever the result policy says.

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Members kept per content block type (MCP 2025-11-25 ContentBlock); `_meta` is handled apart. */
const BLOCK_MEMBERS: Record<string, readonly string[]> = {
  text: ['type', 'text', 'annotations'],
  image: ['type', 'data', 'mimeType', 'annotations'],
  audio: ['type', 'data', 'mimeType', 'annotations'],
  resource: ['type', 'resource', 'annotations'],
  resource_link: ['type', 'uri', 'name', 'title', 'description', 'mimeType', 'size', 'annotations'],
}
const RESOURCE_MEMBERS = ['uri', 'mimeType', 'text', 'blob']
/** Annotations carry no free text (audience, priority, a date). */
const ANNOTATION_MEMBERS = ['audience', 'priority', 'lastModified']

/**
 * The result with only `content` (known block types, known members), `structuredContent`,
 * `isError` and a scrubbed `_meta`; undefined when it is not a tool result at all (no `content`
 * array: a task handle, say), which the caller must not pass on.
 * @param scrubValue the guard's `scrubValue` (labels every PII value); a value it cannot walk is dropped
 */
export function sanitizeToolResult(
  result: unknown,
  scrubValue: <T>(value: T) => T,
): Json | undefined {
  if (!isObject(result) || !Array.isArray(result.content)) return undefined
  const meta = (from: Json, into: Json) => {
    if (!isObject(from._meta)) return
    try {
      into._meta = scrubValue(from._meta)
    } catch {
      // Not walkable: dropped rather than passed unscanned.
    }
  }
  const pick = (from: Json, members: readonly string[]) => {
    const out: Json = {}
    for (const member of members) if (from[member] !== undefined) out[member] = from[member]
    return out
  }
  const content = result.content.map((block: unknown) => {
    const type = isObject(block) && typeof block.type === 'string' ? block.type : undefined
    const members = type === undefined ? undefined : BLOCK_MEMBERS[type]
    if (!members || !isObject(block)) {
      return { type: 'text', text: '[a content block the guard cannot check was withheld]' }
    }
    const out = pick(block, members)
    if (isObject(block.annotations)) out.annotations = pick(block.annotations, ANNOTATION_MEMBERS)
    if (type === 'resource' && isObject(block.resource)) {
      const resource = pick(block.resource, RESOURCE_MEMBERS)
      meta(block.resource, resource)
      out.resource = resource
    }
    meta(block, out)
    return out
  })
  const out: Json = { content }
  if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent
  if (result.isError !== undefined) out.isError = result.isError
  meta(result, out)
  return out
}
