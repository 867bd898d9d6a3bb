// The JSON-RPC id of a message too long to parse, read from its first or last bytes, so the
// request it answers (or asks) can still get a reply instead of hanging.

/** A JSON number or a short JSON string without escapes. */
const ID = String.raw`(-?\d{1,20}|"[^"\\]{0,256}")`
/** `{"id": …` or `{"jsonrpc":"2.0","id": …` at the very start: the id is a top-level member. */
const AT_START = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID}\s*[,}]`,
)
/**
 * `…"id": …}` at the very end: the last `}` closes the top-level object, so a member just
 * before it (not followed by another `}`) is top-level too. The SDK writes `id` last.
 */
const AT_END = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID}\s*\}\s*$`)

/** The id found at either end of a JSON-RPC message's text, or undefined. */
export function recoverId(head: string, tail: string): string | number | undefined {
  const match = AT_START.exec(head) ?? AT_END.exec(tail)
  if (!match) return undefined
  const raw = match[1]!
  if (raw.startsWith('"')) return raw.slice(1, -1)
  const id = Number(raw)
  return Number.isSafeInteger(id) ? id : undefined
}
