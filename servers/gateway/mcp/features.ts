// Resources, prompts and completions of every visible upstream behind one front server (MCP
// 2025-11-25 server/resources, server/prompts, server/utilities/completion): requests routed to
// the upstream that owns the URI, prompt or `ref`, every request through the argument policy and
// every answer through the result policy (guardMessage), one `mcp_request` audit record each.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js'
import {
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ServerCapabilities,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js'
import type { AuditRecorder } from '../../../shared/audit/recorder.ts'
import type { HandlerExtra } from '../../../shared/mcp/context.ts'
import type { Guard } from '../../../shared/mcp/guard/guard.ts'
import type { Catalog } from '../catalog.ts'
import type { FeatureEvents } from './feature-events.ts'
import { assignToolNames } from '../naming.ts'
import { UPSTREAM_ERROR_WORD, UpstreamError } from '../upstream/errors.ts'
import type { Upstream } from '../upstream/upstream.ts'
import { bothWays, startRequestRecord } from './request-record.ts'

export interface FeatureOptions {
  catalog: Catalog
  guard: Guard
  /** Receives one `mcp_request` record per relayed request. Default: none written. */
  audit?: AuditRecorder
  onError: (line: string) => void
  /** Upstream notifications to relay (list changes, resource updates). Default: none relayed. */
  events?: FeatureEvents
}

/** Most pages of one upstream's list the gateway reads to route a URI or a prompt name. */
const MAX_PAGES = 100

type Visible = { name: string; upstream: Upstream }
type Feature = 'resources' | 'prompts' | 'completions'

/**
 * The union of the features the configured upstreams offer (what the front server advertises):
 * `resources` (with `listChanged`, and `subscribe` when one upstream offers it), `prompts` (with
 * `listChanged`), `completions`.
 */
export function featureCapabilities(catalog: Catalog): ServerCapabilities {
  const caps: ServerCapabilities = {}
  for (const { upstream } of catalog.serversFor(catalog.scopes())) {
    const offered = upstream.capabilities
    if (offered?.resources)
      caps.resources = {
        listChanged: true,
        ...(caps.resources?.subscribe || offered.resources.subscribe ? { subscribe: true } : {}),
      }
    if (offered?.prompts) caps.prompts = { listChanged: true }
    if (offered?.completions) caps.completions = {}
  }
  return caps
}

/** An opaque list cursor: which upstream (by name) and that upstream's own cursor. */
function encodeCursor(server: string, cursor: string | undefined): string {
  const bytes = new TextEncoder().encode(JSON.stringify([server, cursor ?? null]))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/** The upstream and its cursor, or an InvalidParams error for anything we did not hand out. */
function decodeCursor(cursor: string, visible: readonly Visible[]): [number, string | undefined] {
  const invalid = () => new McpError(ErrorCode.InvalidParams, 'Invalid cursor')
  if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid()
  let decoded: unknown
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    decoded = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(
        Uint8Array.from(binary, (c) => c.charCodeAt(0)),
      ),
    )
  } catch {
    throw invalid()
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'string')
    throw invalid()
  const inner = decoded[1]
  if (inner !== null && typeof inner !== 'string') throw invalid()
  // Only a server this caller may see: a forged name never reaches another upstream.
  const index = visible.findIndex((v) => v.name === decoded[0])
  if (index < 0) throw invalid()
  return [index, inner ?? undefined]
}

/** Registers the resource, prompt and completion handlers the capabilities allow. */
export function registerFeatures(
  server: Server,
  caps: ServerCapabilities,
  options: FeatureOptions,
) {
  const { catalog, guard, onError } = options
  const visibleFor = (extra: HandlerExtra, feature: Feature) =>
    catalog
      .serversFor(extra.authInfo?.scopes ?? [])
      .filter((v) => v.upstream.state === 'ready' && v.upstream.capabilities?.[feature])

  /** One request to one upstream: argument policy, the request, result policy, audit record. */
  async function relay(
    method: string,
    target: Visible,
    params: Record<string, unknown>,
    extra: HandlerExtra,
    send: (params: Record<string, unknown>) => Promise<Record<string, unknown>> = (p) =>
      target.upstream.request(method, p, { signal: extra.signal }),
  ): Promise<Record<string, unknown>> {
    const record = startRequestRecord(options.audit, extra, method, target.name, onError)
    const { _meta: _, ...own } = params
    const asked = await guard.guardMessage('arguments', own)
    if (asked.kind === 'refused') {
      record('denied', 'policy_rejected_arguments')
      throw new McpError(ErrorCode.InvalidParams, `request refused: ${asked.reason}`)
    }
    let answer: Record<string, unknown>
    try {
      answer = await send(asked.message as Record<string, unknown>)
    } catch (error) {
      if (error instanceof McpError) {
        record('error', `jsonrpc_error code=${error.code}`, asked.findings)
        const text = await guard.guardMessage('results', {
          message: error.message.replace(/^MCP error -?\d+: /, ''),
          data: error.data,
        })
        if (text.kind === 'ok') {
          const body = text.message as { message: string; data?: unknown }
          throw new McpError(error.code, body.message, body.data)
        }
        throw new McpError(error.code, `server ${target.name} answered with an error`)
      }
      const code =
        error instanceof UpstreamError ? UPSTREAM_ERROR_WORD[error.code] : 'invalid_result'
      record('error', `upstream_${code}`, asked.findings)
      throw new McpError(
        ErrorCode.InternalError,
        `server ${target.name} could not answer (${code})`,
      )
    }
    const { _meta: __, ...result } = answer
    const shown = await guard.guardMessage('results', result)
    if (shown.kind === 'refused') {
      record('denied', 'policy_rejected_result', asked.findings)
      throw new McpError(ErrorCode.InternalError, `answer withheld: ${shown.reason}`)
    }
    record('ok', '', bothWays(asked.findings, shown.findings))
    return shown.message as Record<string, unknown>
  }

  /** One page of a merged list: the upstream the cursor names, then the next upstream. */
  async function listPage(
    method: string,
    feature: Feature,
    cursor: string | undefined,
    extra: HandlerExtra,
    /** Applied to the upstream's page before the result policy (what the client may see). */
    own: (
      target: Visible,
      page: Record<string, unknown>,
    ) => Promise<Record<string, unknown>> = async (_t, page) => page,
  ) {
    const visible = visibleFor(extra, feature)
    let [index, inner] = cursor === undefined ? [0, undefined] : decodeCursor(cursor, visible)
    if (visible.length === 0) return {}
    const target = visible[index]!
    const result = await relay(method, target, inner ? { cursor: inner } : {}, extra, async (p) =>
      own(target, await target.upstream.request(method, p, { signal: extra.signal })),
    )
    const next = result.nextCursor
    delete result.nextCursor
    if (typeof next === 'string') return { ...result, nextCursor: encodeCursor(target.name, next) }
    index++
    inner = undefined
    if (index < visible.length)
      return { ...result, nextCursor: encodeCursor(visible[index]!.name, inner) }
    return result
  }

  // Resource URIs: each server's own. On a clash the first server (configuration order) owns the
  // URI; the later server's resource is left out of the list and reported to the operator.
  async function buildResourceOwners(extra: HandlerExtra) {
    const owners = new Map<string, Visible>()
    const templates: Array<{ template: UriTemplate; raw: string; owner: Visible }> = []
    for (const target of visibleFor(extra, 'resources')) {
      for (const [method, key] of [
        ['resources/list', 'resources'],
        ['resources/templates/list', 'resourceTemplates'],
      ] as const) {
        let cursor: string | undefined
        for (let page = 0; page < MAX_PAGES; page++) {
          let result: Record<string, unknown>
          try {
            result = await target.upstream.request(method, cursor ? { cursor } : {}, extra)
          } catch {
            break
          }
          for (const item of (result[key] as Array<Record<string, unknown>>) ?? []) {
            if (key === 'resources' && typeof item.uri === 'string' && !owners.has(item.uri))
              owners.set(item.uri, target)
            if (key === 'resourceTemplates' && typeof item.uriTemplate === 'string') {
              try {
                templates.push({
                  template: new UriTemplate(item.uriTemplate),
                  raw: item.uriTemplate,
                  owner: target,
                })
              } catch {
                // A template we cannot parse routes nothing.
              }
            }
          }
          cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined
          if (!cursor) break
        }
      }
    }
    return { owners, templates }
  }

  /**
   * Who owns which URI and prompt, kept per session until a list changes: a look-up that finds
   * nothing in it lists again (`fresh`), so a resource added without `list_changed` is found.
   */
  function remembered<T>(build: (extra: HandlerExtra) => Promise<T>) {
    let cached: { key: string; value: Promise<T> } | undefined
    const get = (extra: HandlerExtra, fresh = false): Promise<T> => {
      const key = catalog
        .serversFor(extra.authInfo?.scopes ?? [])
        .map((v) => `${v.name}:${v.upstream.state}`)
        .join(' ')
      if (fresh || !cached || cached.key !== key) {
        const value = build(extra)
        const entry = { key, value }
        cached = entry
        value.catch(() => {
          if (cached === entry) cached = undefined
        })
      }
      return cached.value
    }
    return Object.assign(get, { clear: () => void (cached = undefined) })
  }
  const resourceOwners = remembered(buildResourceOwners)
  const promptNames = remembered(buildPromptNames)

  /** `shown` as the result policy shows it (a listed name or URI the client may send back). */
  async function shownAs(text: string): Promise<string | undefined> {
    const shown = await guard.guardMessage('results', text)
    return shown.kind === 'ok' ? String(shown.message) : undefined
  }

  /**
   * The owner of `uri` and the URI to send it: the listed URI itself, or the original of a URI
   * the result policy rewrote in resources/list (as tools/call routes a rewritten tool name).
   */
  async function ownerOfUri(uri: string, extra: HandlerExtra): Promise<[Visible, string]> {
    for (const fresh of [false, true]) {
      const { owners, templates } = await resourceOwners(extra, fresh)
      const owner = owners.get(uri) ?? templates.find((t) => t.template.match(uri) !== null)?.owner
      if (owner) return [owner, uri]
      for (const [original, holder] of owners)
        if ((await shownAs(original)) === uri) return [holder, original]
    }
    // MCP 2025-11-25 server/resources "Error Handling": resource not found is -32002.
    throw new McpError(-32002, 'Resource not found')
  }

  if (caps.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, async (request, extra) => {
      // A URI an earlier server (configuration order) lists belongs to that server: left out here.
      return listPage(
        'resources/list',
        'resources',
        request.params?.cursor,
        extra,
        async (t, r) => {
          const { owners } = await resourceOwners(extra)
          const list = Array.isArray(r.resources) ? (r.resources as Array<{ uri?: unknown }>) : []
          const own = list.filter((item) => {
            const owner = typeof item.uri === 'string' ? owners.get(item.uri) : undefined
            return typeof item.uri === 'string' && (owner === undefined || owner.name === t.name)
          })
          if (own.length < list.length)
            onError(
              `resources/list: ${list.length - own.length} resource(s) of ${t.name} left out (URI of an earlier server)`,
            )
          return { ...r, resources: own }
        },
      )
    })
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
      listPage('resources/templates/list', 'resources', request.params?.cursor, extra),
    )
    server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
      const [owner, uri] = await ownerOfUri(request.params.uri, extra)
      return relay('resources/read', owner, { ...request.params, uri }, extra) as never
    })
  }

  // Prompt names: the upstream's own where unique, `<server>_<prompt>` where two servers share
  // one (naming.ts, the rule of tools). Listed in one page.
  async function buildPromptNames(extra: HandlerExtra) {
    const found: Array<{ owner: Visible; prompt: Record<string, unknown> & { name: string } }> = []
    for (const target of visibleFor(extra, 'prompts')) {
      let cursor: string | undefined
      for (let page = 0; page < MAX_PAGES; page++) {
        let result: Record<string, unknown>
        try {
          result = await target.upstream.request('prompts/list', cursor ? { cursor } : {}, extra)
        } catch {
          break
        }
        for (const prompt of (result.prompts as Array<Record<string, unknown>>) ?? [])
          if (typeof prompt.name === 'string')
            found.push({ owner: target, prompt: prompt as typeof prompt & { name: string } })
        cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined
        if (!cursor) break
      }
    }
    const names = assignToolNames(found.map((f) => ({ server: f.owner.name, tool: f.prompt.name })))
    return found.map((f, i) => ({ ...f, exposed: names[i]! }))
  }

  async function ownerOfPrompt(name: string, extra: HandlerExtra) {
    let entry: Awaited<ReturnType<typeof buildPromptNames>>[number] | undefined
    for (const fresh of [false, true]) {
      const listed = await promptNames(extra, fresh)
      entry = listed.find((p) => p.exposed === name)
      for (const p of entry ? [] : listed) if ((await shownAs(p.exposed)) === name) entry ??= p
      if (entry) break
    }
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`)
    return entry
  }

  if (caps.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, async (request, extra) => {
      if (request.params?.cursor !== undefined)
        throw new McpError(ErrorCode.InvalidParams, 'Invalid cursor')
      const all = { name: 'all', upstream: undefined as never }
      return relay('prompts/list', all, {}, extra, async () => {
        const listed = await promptNames(extra, true)
        return { prompts: listed.map((p) => ({ ...p.prompt, name: p.exposed })) }
      }) as never
    })
    server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
      const entry = await ownerOfPrompt(request.params.name, extra)
      return relay(
        'prompts/get',
        entry.owner,
        { ...request.params, name: entry.prompt.name },
        extra,
      ) as never
    })
  }

  // Subscriptions of this session (server, URI); the upstream subscribes once per URI.
  const subscribed = new Map<string, Set<string>>()
  const release = (owner: Visible, uri: string) => {
    subscribed.get(owner.name)?.delete(uri)
    if (options.events?.release(owner.name, uri) !== false)
      void owner.upstream.request('resources/unsubscribe', { uri }).catch(() => {})
  }
  if (caps.resources?.subscribe) {
    server.setRequestHandler(SubscribeRequestSchema, async (request, extra) => {
      const [owner, uri] = await ownerOfUri(request.params.uri, extra)
      if (!owner.upstream.capabilities?.resources?.subscribe)
        throw new McpError(ErrorCode.InvalidParams, 'This resource does not support subscriptions')
      let held = subscribed.get(owner.name)
      if (!held) subscribed.set(owner.name, (held = new Set()))
      if (held.has(uri)) return {}
      const first = options.events?.hold(owner.name, uri) ?? true
      held.add(uri)
      if (!first) return {}
      try {
        await relay('resources/subscribe', owner, { ...request.params, uri }, extra)
      } catch (error) {
        held.delete(uri)
        options.events?.release(owner.name, uri)
        throw error
      }
      return {}
    })
    server.setRequestHandler(UnsubscribeRequestSchema, async (request, extra) => {
      let owner: Visible, uri: string
      try {
        ;[owner, uri] = await ownerOfUri(request.params.uri, extra)
      } catch {
        return {} // not subscribed: nothing to end
      }
      if (subscribed.get(owner.name)?.has(uri)) release(owner, uri)
      return {}
    })
  }

  // Upstream notifications: updates to the sessions subscribed, list changes to every session
  // (MCP 2025-11-25 server/resources and server/prompts "List Changed Notification").
  const stop = options.events?.listen((from, notification) => {
    const relevant =
      (notification.method === 'notifications/resources/updated' &&
        subscribed.get(from)?.has(String(notification.params.uri))) ||
      (notification.method === 'notifications/resources/list_changed' && caps.resources) ||
      (notification.method === 'notifications/prompts/list_changed' && caps.prompts)
    if (!relevant) return
    if (notification.method === 'notifications/resources/list_changed') resourceOwners.clear()
    if (notification.method === 'notifications/prompts/list_changed') promptNames.clear()
    void guard.guardMessage('results', notification).then(async (shown) => {
      if (shown.kind === 'refused') {
        onError(`${notification.method} from ${from} withheld: ${shown.reason}`)
        return
      }
      await server.notification(shown.message as ServerNotification).catch(() => {})
    })
  })

  if (caps.completions) {
    // MCP 2025-11-25 server/utilities/completion: `ref` names a prompt or a resource template.
    server.setRequestHandler(CompleteRequestSchema, async (request, extra) => {
      const ref = request.params.ref
      if (ref.type === 'ref/prompt') {
        const entry = await ownerOfPrompt(ref.name, extra)
        const params = { ...request.params, ref: { ...ref, name: entry.prompt.name } }
        return relay('completion/complete', entry.owner, params, extra) as never
      }
      let found: Awaited<ReturnType<typeof buildResourceOwners>>['templates'][number] | undefined
      for (const fresh of [false, true]) {
        const { templates } = await resourceOwners(extra, fresh)
        found = templates.find((t) => t.raw === ref.uri)
        for (const t of found ? [] : templates) if ((await shownAs(t.raw)) === ref.uri) found ??= t
        if (found) break
      }
      const owner = found?.owner
      if (!owner || !found)
        throw new McpError(ErrorCode.InvalidParams, `Unknown resource template: ${ref.uri}`)
      const params = { ...request.params, ref: { ...ref, uri: found.raw } }
      return relay('completion/complete', owner, params, extra) as never
    })
  }

  /** Ends this session's subscriptions (the upstream's when no other session holds them). */
  return () => {
    stop?.()
    for (const target of catalog.serversFor(catalog.scopes()))
      for (const uri of [...(subscribed.get(target.name) ?? [])]) release(target, uri)
  }
}
