// The gateway's tool catalog: every allowed tool of every upstream under its exposed name
// (naming.ts), with the scopes a token needs to see and call it.
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import { hasScopes } from './auth/principal.ts'
import type { ServerConfig } from './config.ts'
import { assignToolNames } from './naming.ts'
import type { Upstream } from './upstream/upstream.ts'

/** One tool as the gateway offers it. */
export interface CatalogEntry {
  /** Exposed name (what clients list and call). */
  readonly name: string
  /** The upstream server and the tool's own name there. */
  readonly upstream: Upstream
  readonly tool: string
  /**
   * Every scope a token needs to call it: the endpoint's required scopes, the server's and the
   * tool's own (MCP-A6: one challenge names them all).
   */
  readonly scopes: readonly string[]
  /** The `tools/list` entry: the upstream's, renamed, without task execution metadata. */
  readonly listing: Tool
}

export interface Catalog {
  /** The entry of an exposed name. */
  get(name: string): CatalogEntry | undefined
  /** Every entry, in server order then the server's own order. */
  entries(): readonly CatalogEntry[]
  /** The `tools/list` of a token with `scopes`: tools it may call only (hidden otherwise). */
  listFor(scopes: readonly string[]): Tool[]
  /** Rebuilds from the upstreams' current tool lists; true when the result changed. */
  refresh(): boolean
  /** Every scope some tool needs (for the PRM `scopes_supported`). */
  scopes(): string[]
  /**
   * The servers a token with `scopes` may use (their resources, prompts and completions): every
   * enabled server whose `scopes` (plus `requiredScopes`) it holds, in configuration order.
   */
  serversFor(scopes: readonly string[]): Array<{ name: string; upstream: Upstream }>
}

export interface CatalogOptions {
  /** Enabled servers (allow-lists and scopes), in order. */
  servers: readonly ServerConfig[]
  /** Their upstreams by server name. */
  upstreams: ReadonlyMap<string, Upstream>
  /** Scopes every request needs (`requiredScopes`). */
  requiredScopes: readonly string[]
}

export function createCatalog(options: CatalogOptions): Catalog {
  let byName = new Map<string, CatalogEntry>()
  let ordered: CatalogEntry[] = []
  let signature = ''
  let listCache = new Map<string, Tool[]>()

  const build = () => {
    const found: Array<{ server: ServerConfig; upstream: Upstream; tool: Tool }> = []
    for (const server of options.servers) {
      const upstream = options.upstreams.get(server.name)
      if (!upstream?.tools) continue
      for (const tool of upstream.tools) {
        if (server.tools && !server.tools.includes(tool.name)) continue
        found.push({ server, upstream, tool })
      }
    }
    const names = assignToolNames(found.map((f) => ({ server: f.server.name, tool: f.tool.name })))
    return found.map(({ server, upstream, tool }, i): CatalogEntry => {
      const { execution: _, ...rest } = tool
      const scopes = [
        ...new Set([
          ...options.requiredScopes,
          ...server.scopes,
          ...(server.toolScopes[tool.name] ?? []),
        ]),
      ]
      return {
        name: names[i]!,
        upstream,
        tool: tool.name,
        scopes,
        listing: { ...rest, name: names[i]! },
      }
    })
  }

  const catalog: Catalog = {
    get: (name) => byName.get(name),
    entries: () => ordered,
    listFor(scopes) {
      const key = scopes.join(' ')
      let list = listCache.get(key)
      if (!list) {
        list = ordered.filter((e) => hasScopes(scopes, e.scopes)).map((e) => e.listing)
        if (listCache.size > 256) listCache = new Map()
        listCache.set(key, list)
      }
      return list
    },
    refresh() {
      const entries = build()
      const next = JSON.stringify(entries.map((e) => [e.name, e.scopes, e.listing]))
      if (next === signature) return false
      signature = next
      ordered = entries
      byName = new Map(entries.map((e) => [e.name, e]))
      listCache = new Map()
      return true
    },
    serversFor(scopes) {
      const visible: Array<{ name: string; upstream: Upstream }> = []
      for (const server of options.servers) {
        const upstream = options.upstreams.get(server.name)
        if (!upstream) continue
        if (!hasScopes(scopes, [...options.requiredScopes, ...server.scopes])) continue
        visible.push({ name: server.name, upstream })
      }
      return visible
    },
    scopes() {
      const all = new Set(options.requiredScopes)
      for (const server of options.servers) {
        for (const scope of server.scopes) all.add(scope)
        for (const list of Object.values(server.toolScopes))
          for (const scope of list) all.add(scope)
      }
      return [...all]
    },
  }
  catalog.refresh()
  return catalog
}
