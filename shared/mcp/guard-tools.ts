// A `tools/list` through the result policy for a proxy that routes calls by name (the gateway):
// names, titles, descriptions, schemas (keys and defaults) scanned; a name the policy rewrites
// stays callable through the map back to the server's own name.
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import type { Guard } from './guard.ts'

export type GuardedToolList =
  | {
      kind: 'ok'
      /** The tools as the client may see them. */
      tools: Tool[]
      /** Name shown → the name it was listed under, for every name the policy rewrote. */
      original: ReadonlyMap<string, string>
    }
  /** The list cannot be made clean (a `reject` type, over the scan budget): `reason` names types. */
  | { kind: 'refused'; reason: string }

/**
 * Applies the result policy to every member of every tool (guard.guardMessage). Names left as
 * they were keep them; each rewritten name, in list order, takes its new form or, when another
 * tool already shows that name, the first free `<name>#2`, `<name>#3`… (as object keys do).
 */
export async function guardToolList(
  guard: Guard,
  tools: readonly Tool[],
): Promise<GuardedToolList> {
  const guarded = await guard.guardMessage('results', { tools })
  if (guarded.kind === 'refused') return guarded
  const shown = (guarded.message as { tools: Tool[] }).tools
  const taken = new Set(shown.filter((tool, i) => tool.name === tools[i]!.name).map((t) => t.name))
  const original = new Map<string, string>()
  shown.forEach((tool, i) => {
    const own = tools[i]!.name
    if (tool.name === own) return
    let name = tool.name
    for (let n = 2; taken.has(name); n++) name = `${tool.name}#${n}`
    taken.add(name)
    tool.name = name
    original.set(name, own)
  })
  return { kind: 'ok', tools: shown, original }
}
