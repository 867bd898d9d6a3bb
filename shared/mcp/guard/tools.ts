// A `tools/list` through the result policy for a proxy that routes calls by name (the gateway):
// names, titles, descriptions, schemas (keys and defaults) scanned tool by tool; a name the policy
// rewrites stays callable through the map back to the server's own name.
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import type { Guard } from './guard.ts'

export interface GuardedToolList {
  /** The tools as the client may see them (withheld ones left out). */
  tools: Tool[]
  /** Name shown → the name it was listed under, for every name the policy rewrote. */
  original: ReadonlyMap<string, string>
  /**
   * Why each left-out tool was withheld (a `reject` type, over the scan budget): types, never
   * values. One hostile server's tool cannot take the others' listing down with it.
   */
  withheld: string[]
}

/**
 * Applies the result policy to every member of every tool (guard.guardMessage, one tool at a
 * time). Names left as they were keep them; each rewritten name, in list order, takes its new
 * form or, when another tool already shows that name, the first free `<name>#2`, `<name>#3`…
 * (as object keys do).
 */
export async function guardToolList(
  guard: Guard,
  tools: readonly Tool[],
): Promise<GuardedToolList> {
  const shown: Array<{ own: string; tool: Tool }> = []
  const withheld: string[] = []
  for (const tool of tools) {
    const guarded = await guard.guardMessage('results', tool)
    if (guarded.kind === 'ok') shown.push({ own: tool.name, tool: guarded.message as Tool })
    else withheld.push(guarded.reason)
  }
  const taken = new Set(shown.filter((s) => s.tool.name === s.own).map((s) => s.own))
  const original = new Map<string, string>()
  for (const { own, tool } of shown) {
    if (tool.name === own) continue
    let name = tool.name
    for (let n = 2; taken.has(name); n++) name = `${tool.name}#${n}`
    taken.add(name)
    tool.name = name
    original.set(name, own)
  }
  return { tools: shown.map((s) => s.tool), original, withheld }
}
