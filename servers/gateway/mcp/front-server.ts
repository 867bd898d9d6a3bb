// The MCP server each gateway session talks to: the union of the upstreams' tools (listed through
// the result policy), and every tools/call through the one guard (argument policy → upstream →
// result policy → one audit record with the caller's client id and jti), progress and logs
// relayed on the call's stream through the result policy (issue 9 §1: every string, keys too).
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  ResultSchema,
  SetLevelRequestSchema,
  type CallToolResult,
  type LoggingLevel,
  type ServerNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import type { AuditRecorder } from '../../../shared/audit/recorder.ts'
import { LOG_LEVELS, type HandlerExtra } from '../../../shared/mcp/context.ts'
import { newErrorId } from '../../../shared/mcp/errors.ts'
import type { Guard } from '../../../shared/mcp/guard/guard.ts'
import { guardToolList, type GuardedToolList } from '../../../shared/mcp/guard/tools.ts'
import { identityFromAuthInfo } from '../../../shared/mcp/identity.ts'
import { errorResult } from '../../../shared/mcp/result.ts'
import { runGuarded } from '../../../shared/mcp/run-guarded.ts'
import { hasScopes } from '../auth/principal.ts'
import type { Catalog, CatalogEntry } from '../catalog.ts'
import { UpstreamError, type UpstreamErrorCode } from '../upstream/errors.ts'
import type { FeatureEvents } from './feature-events.ts'
import { featureCapabilities, registerFeatures } from './features.ts'
import type { LogParams } from '../upstream/upstream.ts'
import { bothWays, startRequestRecord } from './request-record.ts'

export interface FrontServerOptions {
  catalog: Catalog
  /** The guard of every call (PII policy both ways, audit record). */
  guard: Guard
  /** Upstream notifications of resources and prompts (one hub per gateway). Default: none. */
  events?: FeatureEvents
  /** Receives one `mcp_request` record per relayed resource, prompt or completion request. */
  audit?: AuditRecorder
  /** `serverInfo` of the gateway. */
  info: { name: string; version: string }
  /** `instructions` of the gateway. Default: a line naming the servers. */
  instructions?: string
  /** Operator log (internal errors with their error id). Default: `console.error`. */
  onError?: (line: string) => void
  /** Level below which relayed log notifications are dropped until `logging/setLevel`. Default `info`. */
  defaultLogLevel?: LoggingLevel
  /** Told when a call starts and ends (the session's idle clock). Default none. */
  onCallStart?: () => void
  onCallEnd?: () => void
}

/** The client capability each server-to-client request needs. */
const CLIENT_CAPABILITY: Record<string, 'sampling' | 'elicitation' | 'roots'> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
}

/** The audit `detail` of a call that ended without a result. */
const FAILURE_DETAIL: Record<UpstreamErrorCode, string> = {
  ERR_UPSTREAM_UNAVAILABLE: 'upstream_unavailable',
  ERR_UPSTREAM_CRASHED: 'upstream_crashed',
  ERR_UPSTREAM_TIMEOUT: 'upstream_timeout',
  ERR_UPSTREAM_CANCELLED: 'cancelled',
  ERR_UPSTREAM_CLOSED: 'gateway_closing',
}

/** An McpError's own message, without the "MCP error <code>: " prefix the SDK adds. */
const ownMessage = (error: McpError) => error.message.replace(/^MCP error -?\d+: /, '')

/** An error the SDK turns into a JSON-RPC error response with exactly this code and message. */
function jsonRpcError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, ...(data !== undefined ? { data } : {}) })
}

/** Guarded tool lists, per guard and per catalog list (the catalog caches one per scope set). */
const guardedLists = new WeakMap<Guard, WeakMap<readonly Tool[], Promise<GuardedToolList>>>()

function guardedListOf(guard: Guard, list: readonly Tool[]): Promise<GuardedToolList> {
  let lists = guardedLists.get(guard)
  if (!lists) guardedLists.set(guard, (lists = new WeakMap()))
  let guarded = lists.get(list)
  if (!guarded) lists.set(list, (guarded = guardToolList(guard, list)))
  return guarded
}

/**
 * A new front server for one session (an SDK `Server` serves one transport). Capabilities:
 * `tools` (with `listChanged`: upstreams coming and going change the list) and `logging`.
 */
export function createFrontServer(options: FrontServerOptions): Server {
  const { catalog, guard, onError = (line: string) => console.error(line) } = options
  const servers = [...new Set(catalog.entries().map((e) => e.upstream.name))]
  const features = featureCapabilities(catalog)
  const server = new Server(
    { ...options.info },
    {
      capabilities: { tools: { listChanged: true }, logging: {}, ...features },
      instructions:
        options.instructions ??
        `Tools of several MCP servers behind one endpoint${servers.length ? ` (${servers.join(', ')})` : ''}. ` +
          'A tool keeps its own name unless two servers share it; then it is <server>_<tool>.',
    },
  )

  const endFeatures = registerFeatures(server, features, {
    catalog,
    guard,
    onError,
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.events ? { events: options.events } : {}),
  })
  // The session manager owns `onclose`; closing the server ends this session's subscriptions.
  const close = server.close.bind(server)
  server.close = async () => {
    endFeatures()
    await close()
  }

  let level: LoggingLevel = options.defaultLogLevel ?? 'info'
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    if (LOG_LEVELS.includes(request.params.level)) level = request.params.level
    return {}
  })

  // Names, titles, descriptions and schemas come from upstreams: the result policy applies.
  const reported = new WeakSet<GuardedToolList>()
  server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    const listed = await guardedListOf(guard, catalog.listFor(extra.authInfo?.scopes ?? []))
    if (listed.withheld.length > 0 && !reported.has(listed)) {
      reported.add(listed)
      for (const reason of listed.withheld) onError(`tools/list: a tool was withheld: ${reason}`)
    }
    return { tools: listed.tools }
  })

  server.setRequestHandler(CallToolRequestSchema, async (request, extra: HandlerExtra) => {
    // A name the policy rewrote in tools/list is routed to the tool it was listed for.
    const called = request.params.name
    const listed = await guardedListOf(guard, catalog.listFor(extra.authInfo?.scopes ?? []))
    const own = listed.original.get(called)
    const entry = catalog.get(own ?? called)
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${called}`)
    // The HTTP route answers 403 first (MCP-A6); this holds for any other way in.
    if (!hasScopes(extra.authInfo?.scopes ?? [], entry.scopes))
      return errorResult(
        `the access token lacks a scope this tool needs (${entry.scopes.join(' ')})`,
      )
    options.onCallStart?.()
    try {
      return await callThrough(entry, called, request.params.arguments, extra)
    } finally {
      options.onCallEnd?.()
    }
  })

  async function callThrough(
    entry: CatalogEntry,
    called: string,
    args: Record<string, unknown> | undefined,
    extra: HandlerExtra,
  ): Promise<CallToolResult> {
    // No guard, no call (fail closed): e.g. a deferred guard whose detector failed to load.
    const started = await runGuarded(
      () =>
        guard.begin({
          // The name the client called (as listed, after the policy): never a raw value in audit.
          tool: called,
          arguments: args,
          identity: identityFromAuthInfo(extra.authInfo),
          requestId: extra.requestId,
          inputSchema: entry.listing.inputSchema,
        }),
      (errorId, error) =>
        onError(`tool ${entry.name}: guard unavailable (error id ${errorId}): ${describe(error)}`),
    )
    if (!started.ok) return started.refusal
    const call = started.value
    if (call.rejection) return call.rejection

    // Notifications through the result policy, in order, all sent before the call's result.
    let relayed: Promise<void> = Promise.resolve()
    const send = (notification: ServerNotification) => {
      relayed = relayed
        .then(async () => {
          const guarded = await guard.guardMessage('results', notification)
          if (guarded.kind === 'ok')
            await extra.sendNotification(guarded.message as ServerNotification)
          else onError(`tool ${called}: a notification was withheld: ${guarded.reason}`)
        })
        .catch(() => undefined)
    }
    const progressToken = extra._meta?.progressToken
    let result: CallToolResult
    try {
      result = await entry.upstream.call(entry.tool, call.arguments, {
        signal: extra.signal,
        ...(extra.authInfo ? { authInfo: extra.authInfo } : {}),
        ...(progressToken !== undefined
          ? {
              onprogress: ({ progress, total, message }) =>
                send({
                  method: 'notifications/progress',
                  params: {
                    progressToken,
                    progress,
                    ...(total !== undefined ? { total } : {}),
                    ...(message !== undefined ? { message } : {}),
                  },
                }),
            }
          : {}),
        onrequest: (asked, signal) => askClient(entry, asked, signal, extra),
        onlog: (params: LogParams) => {
          if (LOG_LEVELS.indexOf(params.level) < LOG_LEVELS.indexOf(level)) return
          send({
            method: 'notifications/message',
            params: {
              level: params.level,
              logger: params.logger ?? entry.upstream.name,
              data: params.data,
            },
          })
        },
      })
    } catch (error) {
      await relayed
      if (error instanceof UpstreamError) {
        call.fail(FAILURE_DETAIL[error.code])
        // Our text, but it quotes the upstream's own tool name: the result policy applies.
        const text = await guard.guardMessage('results', error.message)
        return errorResult(
          text.kind === 'ok'
            ? String(text.message)
            : `the call failed (${FAILURE_DETAIL[error.code]})`,
        )
      }
      if (error instanceof McpError) {
        // A JSON-RPC error the upstream answered: its text goes through the result policy.
        const guarded = await call.completeError({
          code: error.code,
          message: ownMessage(error),
          ...(error.data !== undefined ? { data: error.data } : {}),
        })
        throw jsonRpcError(guarded.code, guarded.message, guarded.data)
      }
      const errorId = newErrorId()
      call.fail(`invalid_result error_id=${errorId}`)
      onError(
        `tool ${entry.name}: unusable answer from ${entry.upstream.name} (error id ${errorId}): ${describe(error)}`,
      )
      return errorResult(
        `server ${entry.upstream.name} answered with something that is not a tool result (error id ${errorId})`,
      )
    }
    await relayed
    return call.complete(result, result.isError ? 'tool_error' : undefined)
  }

  /**
   * A request the upstream sent while serving this session's call (MCP 2025-11-25 client/sampling,
   * client/elicitation, client/roots), relayed on the call's stream: its params through the result
   * policy toward the client, the answer through the argument policy toward the server, one
   * `mcp_request` record. A client without the capability gets no request: the upstream gets an
   * error at once.
   */
  async function askClient(
    entry: CatalogEntry,
    asked: { method: string; params?: Record<string, unknown> },
    signal: AbortSignal,
    extra: HandlerExtra,
  ): Promise<Record<string, unknown>> {
    const record = startRequestRecord(
      options.audit,
      extra,
      asked.method,
      entry.upstream.name,
      onError,
    )
    const capability = CLIENT_CAPABILITY[asked.method]
    if (!capability || !server.getClientCapabilities()?.[capability]) {
      record('denied', 'client_capability_missing')
      throw new McpError(
        ErrorCode.InvalidRequest,
        `the client of this session does not support ${asked.method}`,
      )
    }
    const { _meta: _, ...params } = asked.params ?? {}
    const out = await guard.guardMessage('results', params)
    if (out.kind === 'refused') {
      record('denied', 'policy_rejected_request')
      throw new McpError(ErrorCode.InvalidRequest, `request withheld: ${out.reason}`)
    }
    let answer: Record<string, unknown>
    try {
      answer = await extra.sendRequest(
        { method: asked.method, params: out.message } as never,
        ResultSchema.passthrough(),
        { signal },
      )
    } catch (error) {
      record('error', error instanceof McpError ? `jsonrpc_error code=${error.code}` : 'failed')
      throw error
    }
    const back = await guard.guardMessage('arguments', answer)
    if (back.kind === 'refused') {
      record('denied', 'policy_rejected_answer', out.findings)
      throw new McpError(ErrorCode.InvalidParams, `answer withheld: ${back.reason}`)
    }
    record('ok', '', bothWays(out.findings, back.findings))
    return back.message as Record<string, unknown>
  }

  function describe(error: unknown): string {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : typeof error
    try {
      return guard.scrub(text).slice(0, 500)
    } catch {
      return 'unprintable error'
    }
  }

  return server
}
