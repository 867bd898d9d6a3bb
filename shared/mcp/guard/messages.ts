// The guard on raw JSON-RPC messages, for proxies that relay a child server's messages without
// defineTool (the `guard` wrapper, the gateway's stdio children): tools/call in, its answer out.
import {
  ErrorCode,
  type JSONRPCErrorResponse,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
} from '@modelcontextprotocol/sdk/types.js'
import type { Guard, GuardedCall } from './guard.ts'
import type { Identity } from '../identity.ts'
import { errorResult } from '../result.ts'
import { toolResultMembers } from '../result-members.ts'

/** What a proxy does with a client's `tools/call` request. */
export type ToolCallDecision =
  /** Send `request` (arguments after the policy) to the child; pass its answer to `guardToolCallResponse(call, …)`. */
  | { action: 'forward'; request: JSONRPCRequest; call: GuardedCall }
  /** Do not forward: answer the client with `response` (a rejection result, or an invalid request). */
  | { action: 'respond'; response: JSONRPCResultResponse | JSONRPCErrorResponse }

/** Is this message a `tools/call` request (the only request the guard rewrites)? */
export function isToolCallRequest(message: unknown): message is JSONRPCRequest {
  const m = message as Partial<JSONRPCRequest> | null
  return (
    typeof m === 'object' &&
    m !== null &&
    m.method === 'tools/call' &&
    (typeof m.id === 'string' || typeof m.id === 'number')
  )
}

/**
 * Applies the argument policy to a raw `tools/call` request. A request whose `params.name` is not
 * a string or whose `params.arguments` is not an object is answered with -32602 and never
 * forwarded (it could not be guarded). A rejected call is answered with the rejection result;
 * its audit record is written. Otherwise the request is returned with its arguments replaced
 * (everything else, `_meta.progressToken` included, is kept). `inputSchema`: the tool's, as its
 * server listed it, for the limits checked before scanning (limits.ts).
 */
export async function guardToolCallRequest(
  guard: Guard,
  request: JSONRPCRequest,
  identity: Identity,
  inputSchema?: unknown,
): Promise<ToolCallDecision> {
  const params = (request.params ?? {}) as { name?: unknown; arguments?: unknown }
  const problem =
    typeof params.name !== 'string'
      ? 'params.name must be a string'
      : params.arguments !== undefined && !isPlainObject(params.arguments)
        ? 'params.arguments must be an object'
        : undefined
  if (problem !== undefined) {
    return {
      action: 'respond',
      response: {
        jsonrpc: '2.0',
        id: request.id,
        error: { code: ErrorCode.InvalidParams, message: `Invalid tools/call request: ${problem}` },
      },
    }
  }
  const call = await guard.begin({
    tool: params.name as string,
    arguments: params.arguments as Record<string, unknown> | undefined,
    identity,
    requestId: request.id,
    ...(inputSchema !== undefined ? { inputSchema } : {}),
  })
  if (call.rejection) {
    return {
      action: 'respond',
      response: { jsonrpc: '2.0', id: request.id, result: call.rejection },
    }
  }
  return {
    action: 'forward',
    request: {
      ...request,
      params: { ...request.params, name: params.name as string, arguments: call.arguments },
    },
    call,
  }
}

/**
 * Applies the result policy to the child's answer to a forwarded call and writes the call's
 * audit record. A result that is not a valid `CallToolResult` (e.g. a task handle) is replaced by
 * an `isError` result: what the guard cannot read, it does not pass on. JSON-RPC errors keep
 * their code; their message and data go through the result policy.
 */
export async function guardToolCallResponse(
  call: GuardedCall,
  response: JSONRPCResultResponse | JSONRPCErrorResponse,
): Promise<JSONRPCResultResponse | JSONRPCErrorResponse> {
  if ('error' in response) {
    return { ...response, error: await call.completeError(response.error) }
  }
  // The SDK's CallToolResultSchema is loose (a task handle parses as a result with empty
  // content), so the shape is checked by what the result policy can read.
  const members = toolResultMembers(response.result)
  if (!members) {
    const result = await call.complete(
      errorResult(`the tool ${call.tool} returned a result the guard cannot check`),
      'invalid_result',
    )
    return { ...response, result }
  }
  const result = await call.complete(members, members.isError ? 'tool_error' : undefined)
  return { ...response, result }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
