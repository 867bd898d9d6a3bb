// What the guard leaves unscanned in an MCP message (binary payloads) and how much text a value
// holds: shared by the per-call guard and the guard of every other message.
import { forEachString } from '../../pii/walk.ts'

/** Default scan budget: characters of text (strings and keys) one message may hold. 2 MiB. */
export const DEFAULT_SCAN_BUDGET = 2 * 1024 * 1024

/** Standard base64 (RFC 4648 §4), padded: what MCP `blob` and image/audio `data` hold. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

const isBase64 = (value: unknown): boolean =>
  typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value)

/**
 * True for the binary members of MCP 2025-11-25 schemas, which the guard does not scan: `data`
 * of an image or audio content block and `blob` of resource contents (an object with a `uri`).
 * Only when the value is base64: text hidden in such a member is scanned like any other.
 */
export function isBinaryMember(holder: Readonly<Record<string, unknown>>, key: string): boolean {
  if (key === 'data')
    return (holder.type === 'image' || holder.type === 'audio') && isBase64(holder.data)
  if (key === 'blob') return typeof holder.uri === 'string' && isBase64(holder.blob)
  return false
}

/** Characters of text (strings and keys, binary members left out) in `value`. */
export function textLength(value: unknown, maxDepth: number): number {
  let total = 0
  forEachString(value, (text) => void (total += text.length), {
    keys: true,
    opaque: isBinaryMember,
    maxDepth,
  })
  return total
}
