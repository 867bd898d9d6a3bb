// Shapes of tool results (MCP `CallToolResult`): successes with structured content and a text
// rendering, failures as `isError` results whose text we wrote (MCP 2025-11-25 server/tools).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

/** A failed call: one text block with `message`, `isError: true`. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true }
}

/** A successful call: `structured` as `structuredContent` and `text` as its readable form. */
export function structuredResult(
  structured: Record<string, unknown>,
  text: string,
): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured }
}

/** The default text of a structured result: its JSON, indented (MCP: serialized JSON in text). */
export function jsonText(structured: unknown): string {
  return JSON.stringify(structured, null, 2)
}

/** The text blocks of a result joined by newlines (for tests and logs). */
export function textOf(result: Pick<CallToolResult, 'content'>): string {
  return result.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n')
}

/** True for a plain JSON object (what `structuredContent` must be), not an array or null. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
