// The names the gateway lists its tools under: the upstream's own name where it is unique,
// `<server>_<tool>` where two servers share one, sanitized, at most 60 characters, and a pure
// function of the configuration and the upstream tool names (stable across restarts).

/** Longest exposed tool name (what Cursor and other clients accept for server + tool). */
export const MAX_TOOL_NAME_LENGTH = 60

/** Length of the hash suffix of a shortened or disambiguated name. */
const HASH_CHARS = 8

/** One upstream tool to name. */
export interface NameRequest {
  /** Server (upstream) name from the configuration. */
  server: string
  /** The tool's name as its server lists it. */
  tool: string
}

/** Characters allowed in exposed names: the common subset of MCP and function-calling APIs. */
const UNSAFE = /[^A-Za-z0-9_-]/g

/** `name` with every character outside `[A-Za-z0-9_-]` replaced by `_` (empty → `_`). */
export function sanitizeName(name: string): string {
  const safe = name.replace(UNSAFE, '_')
  return safe === '' ? '_' : safe
}

/** FNV-1a (32 bit) of the UTF-16 code units of `text`, as 8 hex digits: short, stable, sync. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(HASH_CHARS, '0')
}

/** `name` cut to fit MAX_TOOL_NAME_LENGTH with `_<hash of key>` at the end, when too long. */
function fit(name: string, key: string): string {
  if (name.length <= MAX_TOOL_NAME_LENGTH) return name
  return `${name.slice(0, MAX_TOOL_NAME_LENGTH - HASH_CHARS - 1)}_${shortHash(key)}`
}

/**
 * Assigns each requested tool its exposed name, returned in the order of `requests`:
 *
 * 1. the tool's own name, sanitized, when no other server offers a tool with that sanitized name;
 * 2. otherwise `<server>_<tool>` (both sanitized) for every server offering it;
 * 3. a name longer than 60 characters keeps its first 51 and ends in `_` + 8 hex digits of a
 *    hash of server and tool (so two long names with the same start stay apart);
 * 4. should two names still be equal (e.g. server `a` tool `b_c` and server `a_b` tool `c`), each
 *    of them gets the hash suffix too.
 *
 * The result depends only on the (server, tool) pairs, never on their order or on timing.
 */
export function assignToolNames(requests: readonly NameRequest[]): string[] {
  const owners = new Map<string, Set<string>>()
  for (const { server, tool } of requests) {
    const base = sanitizeName(tool)
    let set = owners.get(base)
    if (!set) owners.set(base, (set = new Set()))
    set.add(server)
  }
  const keyOf = (r: NameRequest) => `${r.server}\u0000${r.tool}`
  const first = requests.map((r) => {
    const base = sanitizeName(r.tool)
    const shared = owners.get(base)!.size > 1
    return fit(shared ? `${sanitizeName(r.server)}_${base}` : base, keyOf(r))
  })
  const count = new Map<string, number>()
  for (const name of first) count.set(name, (count.get(name) ?? 0) + 1)
  return first.map((name, i) => {
    if (count.get(name) === 1) return name
    const hash = shortHash(keyOf(requests[i]!))
    return `${name.slice(0, MAX_TOOL_NAME_LENGTH - HASH_CHARS - 1)}_${hash}`
  })
}
