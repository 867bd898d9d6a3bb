// createToolServer: the SDK's low-level MCP Server with tools and logging, every call through
// the guard pipeline; one instance per connection (stdio process, or HTTP session).
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  SetLevelRequestSchema,
  type CallToolResult,
  type LoggingLevel,
} from '@modelcontextprotocol/sdk/types.js'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv'
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js'
import { createToolContext, LOG_LEVELS, type HandlerExtra } from './context.ts'
import type { Guard } from './guard/guard.ts'
import { TOOL_SERVER_CAPABILITIES, type ServerInfo } from './initialize.ts'
import { identityFromAuthInfo } from './identity.ts'
import { runGuarded } from './run-guarded.ts'
import type { Tool } from './tool.ts'

export type { ServerInfo }

export interface ToolServerDeps {
  /** The guard pipeline every call goes through (PII policy both ways, audit record). */
  guard: Guard
  /**
   * Operator log for internal errors: one line naming the tool and the error id quoted to the
   * caller, with the exception PII-masked. Default: `console.error` (stderr, safe on stdio).
   */
  onError?: (message: string) => void
  /** Level below which tool log notifications are dropped until the client sends
   * `logging/setLevel`. Default: `info`. */
  defaultLogLevel?: LoggingLevel
}

/**
 * An MCP server for `tools`. Capabilities: `tools` (the list never changes) and `logging`.
 * `tools/list` returns every tool in one page; `tools/call` runs guard → validation → handler →
 * guard and answers an unknown tool with JSON-RPC error -32602 (MCP tools spec, error handling).
 *
 * An SDK `Server` is connected to one transport at a time: serve stdio with one instance, and
 * create one per session for Streamable HTTP (cheap: tools cache their schemas, the guard is
 * shared). The caller identity comes from `extra.authInfo` (HTTP), or is empty (stdio).
 * @throws TypeError when two tools share a name
 */
export function createToolServer(
  info: ServerInfo,
  tools: readonly Tool[],
  deps: ToolServerDeps,
): Server {
  const { guard, onError = (message: string) => console.error(message) } = deps
  const byName = new Map<string, Tool>()
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new TypeError(`two tools are named ${tool.name}`)
    byName.set(tool.name, tool)
  }
  const { name, version, title, instructions } = info
  const server = new Server(
    { name, version, ...(title !== undefined ? { title } : {}) },
    {
      capabilities: structuredClone(TOOL_SERVER_CAPABILITIES),
      ...(instructions !== undefined ? { instructions } : {}),
      jsonSchemaValidator: lazyAjv(),
    },
  )

  // logging/setLevel per session (the SDK's own handler keeps its levels private).
  const levels = new Map<string | undefined, LoggingLevel>()
  const defaultLevel = deps.defaultLogLevel ?? 'info'
  server.setRequestHandler(SetLevelRequestSchema, (request, extra) => {
    if (LOG_LEVELS.includes(request.params.level)) levels.set(extra.sessionId, request.params.level)
    return {}
  })

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map((tool) => tool.listing()),
  }))

  server.setRequestHandler(CallToolRequestSchema, async (request, extra: HandlerExtra) => {
    const tool = byName.get(request.params.name)
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`)
    const identity = identityFromAuthInfo(extra.authInfo)
    // No guard, no call (fail closed): e.g. a deferred guard whose detector failed to load.
    const started = await runGuarded(
      () =>
        guard.begin({
          tool: tool.name,
          arguments: request.params.arguments,
          identity,
          requestId: extra.requestId,
        }),
      (errorId, error) =>
        onError(
          `tool ${tool.name}: guard unavailable (error id ${errorId}): ${describe(error, guard)}`,
        ),
    )
    if (!started.ok) return started.refusal
    const call = started.value
    if (call.rejection) return call.rejection
    const ctx = createToolContext({
      tool: tool.name,
      identity,
      extra,
      minLevel: () => levels.get(extra.sessionId) ?? defaultLevel,
      scrub: guard.scrub,
      scrubValue: guard.scrubValue,
    })
    const outcome = await tool.execute(call.arguments, ctx)
    let detail: string | undefined = outcome.detail
    if (outcome.errorId !== undefined) {
      detail = `${outcome.detail} error_id=${outcome.errorId}`
      onError(
        `tool ${tool.name}: internal error (error id ${outcome.errorId}): ${describe(outcome.error, guard)}`,
      )
    }
    if (outcome.detail === 'cancelled') {
      call.fail('cancelled')
      return outcome.result
    }
    return (await call.complete(outcome.result, detail)) as CallToolResult
  })

  return server
}

/** An exception for the operator log: name, message and stack, PII-masked (LOG-2). */
function describe(error: unknown, guard: Guard): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : typeof error
  try {
    return guard.scrub(text)
  } catch {
    return 'unprintable error'
  }
}

/**
 * The SDK's Ajv validator (used only to check elicitation answers), created on first use: Ajv
 * compiles its formats when constructed, which costs milliseconds of cold start we do not need
 * before `initialize` (bench/coldstart.bench.ts).
 */
function lazyAjv(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined
  return {
    getValidator(schema) {
      ajv ??= new AjvJsonSchemaValidator()
      return ajv.getValidator(schema)
    },
  }
}
