// The guard's relay between an MCP client and a child MCP server, one JSON-RPC line at a time:
// `tools/call` requests go through the argument policy, their answers through the result policy
// (one audit record per call, a per-call timeout); every other message, both ways, through the
// guard's message policy (client → server: arguments, server → client: results).
import type { JSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js'
import { newErrorId } from '../../shared/mcp/errors.ts'
import type { Guard, GuardedCall } from '../../shared/mcp/guard/guard.ts'
import { ANONYMOUS, type Identity } from '../../shared/mcp/identity.ts'
import { errorResult } from '../../shared/mcp/result.ts'
import { runGuarded } from '../../shared/mcp/run-guarded.ts'
import type { OversizeLine } from './lines.ts'
import { recoverId } from './recover-id.ts'

/** A JSON-RPC message as parsed: only its shape as far as the relay looks is assumed. */
type Message = Record<string, unknown>
type Id = string | number

export interface RelayOptions {
  /** The guard pipeline (policy both ways, audit record). */
  guard: Guard
  /** The caller recorded in audit records. Default: anonymous (a local stdio client). */
  identity?: Identity
  /** Sends a message to the child; a returned promise is awaited (back-pressure). */
  toChild: (message: unknown) => unknown
  /** Sends a message to the client; a returned promise is awaited (back-pressure). */
  toClient: (message: unknown) => unknown
  /** Operator notes (dropped lines, refused calls), one line each, never a raw value. */
  note: (line: string) => void
  /** Ids of cancelled calls remembered, to drop their late answers. Default: 1024. */
  maxCancelled?: number
  /**
   * A tools/call with no answer (or progress) for this long is cancelled: the child gets
   * `notifications/cancelled`, the client an `isError` result, the audit record `timeout`.
   * Milliseconds; default 60 000 (the gateway's default per-call timeout).
   */
  callTimeoutMs?: number
}

/** Default per-call timeout, ms: the gateway's `limits.callTimeoutSeconds` default. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000
/** Tool names the policy rewrote in tools/list that are remembered for routing calls. */
const MAX_RENAMED_TOOLS = 10_000

export interface Relay {
  /** One line from the client. Resolves once handled (lines are handled in arrival order). */
  fromClient(line: string): Promise<void>
  /** One line from the child. Resolves once handled (in arrival order). */
  fromChild(line: string): Promise<void>
  /** A client line over the size cap was dropped: it is answered with an error. */
  clientLineTooLong(line: OversizeLine): Promise<void>
  /** A child line over the size cap was dropped: the request it answered gets an error. */
  childLineTooLong(line: OversizeLine): Promise<void>
  /**
   * The child is gone (`reason`: "exited with code 1"): after the lines already received from it,
   * every request still waiting for it is answered (tools/call with an `isError` result and an
   * audit record, others with a JSON-RPC error), so the client is not left hanging.
   */
  childGone(reason: string): Promise<void>
  /** Requests forwarded to the child and not answered yet. */
  readonly pending: number
}

/** A request the child has not answered yet. */
interface Pending {
  id: Id
  method: string
  /** Set for tools/call: the guarded call waiting for its result. */
  call?: GuardedCall
  tool?: string
  /** tools/call: its timeout, restarted by progress. */
  timer?: ReturnType<typeof setTimeout>
  /** tools/call: the client's progressToken. */
  progressToken?: Id
}

/** JSON-RPC 2.0 §5.1 error codes. */
const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  InternalError: -32603,
} as const

/**
 * The raw-message guard functions, loaded at the first tools/call: they evaluate the MCP SDK's
 * schemas, which costs tens of milliseconds the guard's cold start (relaying `initialize`) does
 * not need.
 */
let guardMessages: Promise<typeof import('../../shared/mcp/guard/messages.ts')> | undefined
const messages = () => (guardMessages ??= import('../../shared/mcp/guard/messages.ts'))

const keyOf = (id: Id) => `${typeof id}:${id}`
const isId = (value: unknown): value is Id => typeof value === 'string' || typeof value === 'number'
const isObject = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function createRelay(options: RelayOptions): Relay {
  const { guard, toChild, toClient, note } = options
  const identity = options.identity ?? ANONYMOUS
  const maxCancelled = options.maxCancelled ?? 1024
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
  const pending = new Map<string, Pending>()
  /** tools/list: name the client sees → the child's own name, for names the policy rewrote. */
  const renamed = new Map<string, string>()
  /** tools/list: the child's inputSchema by its own tool name (limits checked before scans). */
  const schemas = new Map<string, unknown>()
  const cancelled = new Set<string>()
  let clientQueue: Promise<void> = Promise.resolve()
  let childQueue: Promise<void> = Promise.resolve()

  /** Runs `task` after everything queued before it on that side; never rejects. */
  const enqueue = (side: 'client' | 'child', task: () => Promise<void>): Promise<void> => {
    const run = async () => {
      try {
        await task()
      } catch (error) {
        note(`guard: internal relay error: ${error instanceof Error ? error.name : 'error'}`)
      }
    }
    if (side === 'client') return (clientQueue = clientQueue.then(run))
    return (childQueue = childQueue.then(run))
  }

  /** Text for an operator note, PII-masked (LOG-2); withheld when the scanner cannot run. */
  const safe = (text: string) => {
    try {
      return guard.scrub(text)
    } catch {
      return '[unprintable]'
    }
  }
  const quote = (id: Id) => safe(JSON.stringify(id))
  const describe = (error: unknown) =>
    safe(error instanceof Error ? `${error.name}: ${error.message}` : 'a non-error was thrown')

  /** Answers the client without holding up the queue the answer was produced on. */
  const reply = (message: unknown) => {
    void Promise.resolve(toClient(message)).catch(() => undefined)
  }
  const replyError = (id: Id | null, code: number, message: string) =>
    reply({ jsonrpc: '2.0', id, error: { code, message } })

  const parse = (line: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(line) }
    } catch {
      return { ok: false }
    }
  }

  // ── client → child ──────────────────────────────────────────────────────────────────────────

  async function handleClient(message: unknown): Promise<void> {
    if (isObject(message) && message.method === 'tools/call') return handleToolCall(message)
    const guarded = await guard.guardMessage('arguments', message)
    const isRequest = isObject(message) && typeof message.method === 'string' && 'id' in message
    const isAnswer =
      isObject(message) && !('method' in message) && ('result' in message || 'error' in message)
    if (guarded.kind === 'refused') {
      note(`guard: ${guarded.reason}`)
      if (isRequest && isId(message.id))
        return replyError(message.id, ErrorCode.InvalidRequest, guarded.reason)
      if (isAnswer && isId(message.id)) {
        // The server's request gets an error instead of the client's answer.
        return void (await toChild({
          jsonrpc: '2.0',
          id: message.id,
          error: { code: ErrorCode.InternalError, message: guarded.reason },
        }))
      }
      return // a notification is dropped
    }
    if (!isObject(message)) return void (await toChild(guarded.message))
    const method = message.method
    if (method === 'notifications/cancelled' && !('id' in message)) {
      // MCP cancellation: the child SHOULD NOT answer a cancelled request; record it now.
      const requestId = isObject(message.params) ? message.params.requestId : undefined
      if (isId(requestId)) {
        const entry = pending.get(keyOf(requestId))
        if (entry) {
          forget(entry)
          entry.call?.fail('cancelled')
          remember(keyOf(requestId))
        }
      }
    } else if (typeof method === 'string' && 'id' in message) {
      if (!isId(message.id)) {
        // JSON-RPC 2.0 §4: an id is a string or a number; a null id cannot be tracked.
        return replyError(
          null,
          ErrorCode.InvalidRequest,
          'Invalid request: id must be a string or a number',
        )
      }
      const key = keyOf(message.id)
      if (pending.has(key)) return duplicate(message.id)
      pending.set(key, { id: message.id, method })
    }
    await toChild(guarded.message)
  }

  async function handleToolCall(message: Message): Promise<void> {
    const { guardToolCallRequest, isToolCallRequest } = await messages()
    if (!isToolCallRequest(message)) {
      // A tools/call notification (or one with a null/object id) could run a tool unguarded.
      note('guard: dropped a tools/call without a string or number id (it cannot be guarded)')
      if ('id' in message) {
        replyError(
          null,
          ErrorCode.InvalidRequest,
          'Invalid request: tools/call needs a string or number id',
        )
      }
      return
    }
    const id = message.id
    if (pending.has(keyOf(id))) return duplicate(id)
    const params = isObject(message.params) ? message.params : {}
    const visible = params.name
    const original = typeof visible === 'string' ? (renamed.get(visible) ?? visible) : undefined
    // No guard, no call (fail closed): e.g. the PII detector could not be loaded.
    const started = await runGuarded(
      () =>
        guardToolCallRequest(
          guard,
          message,
          identity,
          original === undefined ? undefined : schemas.get(original),
        ),
      (errorId, error) =>
        note(
          `guard: tools/call refused, the security guard is not available (error id ${errorId}): ${describe(error)}`,
        ),
    )
    if (!started.ok) return reply({ jsonrpc: '2.0', id, result: started.refusal })
    const decision = started.value
    if (decision.action === 'respond') return reply(decision.response)
    const call = decision.call
    // The rest of the request (its _meta, say) through the arguments policy too.
    const { arguments: args, ...others } = decision.request.params ?? {}
    const rest = await guard.guardMessage('arguments', { ...decision.request, params: others })
    if (rest.kind === 'refused') {
      call.fail('pii_rejected')
      note(`guard: ${rest.reason}`)
      return reply({ jsonrpc: '2.0', id, result: errorResult(`tool call refused: ${rest.reason}`) })
    }
    const request = rest.message as Message
    const restParams = isObject(request.params) ? request.params : {}
    const meta = isObject(restParams._meta) ? restParams._meta : {}
    const entry: Pending = { id, method: 'tools/call', call, tool: call.tool }
    if (isId(meta.progressToken)) entry.progressToken = meta.progressToken
    pending.set(keyOf(id), entry)
    arm(entry)
    await toChild({
      ...request,
      params: { ...restParams, name: original ?? restParams.name, arguments: args },
    })
  }

  /** (Re)starts the timeout of a pending tools/call. */
  function arm(entry: Pending) {
    if (entry.timer !== undefined) clearTimeout(entry.timer)
    entry.timer = setTimeout(() => timeOut(entry), callTimeoutMs)
    ;(entry.timer as { unref?: () => void }).unref?.()
  }

  /** Removes a pending request and stops its timer. */
  function forget(entry: Pending) {
    pending.delete(keyOf(entry.id))
    if (entry.timer !== undefined) clearTimeout(entry.timer)
  }

  /** MCP cancellation on timeout: the child is told, the client answered, the record says so. */
  function timeOut(entry: Pending) {
    if (pending.get(keyOf(entry.id)) !== entry) return
    forget(entry)
    remember(keyOf(entry.id))
    entry.call?.fail('timeout')
    void Promise.resolve(
      toChild({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: entry.id, reason: 'timeout' },
      }),
    ).catch(() => undefined)
    note(`guard: tools/call ${quote(entry.id)} timed out after ${callTimeoutMs} ms; cancelled`)
    reply({
      jsonrpc: '2.0',
      id: entry.id,
      result: errorResult(
        `the tool ${entry.tool} did not answer within ${Math.round(callTimeoutMs / 1000)} s; the call was cancelled`,
      ),
    })
  }

  function duplicate(id: Id) {
    note(`guard: refused a request whose id ${quote(id)} is already in flight`)
    replyError(
      id,
      ErrorCode.InvalidRequest,
      'Invalid request: this id is already used by a request in flight',
    )
  }

  function remember(key: string) {
    cancelled.add(key)
    if (cancelled.size > maxCancelled) cancelled.delete(cancelled.values().next().value!)
  }

  // ── child → client ──────────────────────────────────────────────────────────────────────────

  async function handleChild(message: unknown): Promise<void> {
    const isResponse =
      isObject(message) && !('method' in message) && ('result' in message || 'error' in message)
    if (!isResponse || !isId(message.id)) return fromServer(message)
    const key = keyOf(message.id)
    const entry = pending.get(key)
    if (!entry) {
      if (cancelled.delete(key)) return // answered after the client cancelled: not expected
      // Every request the client sent is tracked: this answers none of them.
      note(`guard: dropped a response from the server for unknown id ${quote(message.id)}`)
      return
    }
    forget(entry)
    if (!entry.call) return answer(entry, message)
    let guarded: unknown
    try {
      guarded = await guardAnswer(entry, entry.call, message)
    } catch (error) {
      const errorId = newErrorId()
      entry.call.fail(`guard_error error_id=${errorId}`)
      note(
        `guard: cannot check the result of ${entry.tool} (error id ${errorId}): ${describe(error)}`,
      )
      guarded = {
        jsonrpc: '2.0',
        id: entry.id,
        result: errorResult(
          `the result of ${entry.tool} was withheld: the guard could not check it (error id ${errorId})`,
        ),
      }
    }
    await toClient(guarded)
  }

  /** A request or notification of the server (or anything else it sent): results policy. */
  async function fromServer(message: unknown): Promise<void> {
    if (
      isObject(message) &&
      message.method === 'notifications/progress' &&
      isObject(message.params) &&
      isId(message.params.progressToken)
    ) {
      // Progress restarts the timeout of the call it belongs to (as the gateway does).
      const token = message.params.progressToken
      for (const entry of pending.values()) if (entry.progressToken === token) arm(entry)
    }
    const guarded = await guard.guardMessage('results', message)
    if (guarded.kind === 'ok') return void (await toClient(guarded.message))
    note(`guard: ${guarded.reason}`)
    if (isObject(message) && typeof message.method === 'string' && isId(message.id)) {
      // A server request the client never sees: the server gets an error instead.
      await toChild({
        jsonrpc: '2.0',
        id: message.id,
        error: { code: ErrorCode.InternalError, message: guarded.reason },
      })
    }
  }

  /** The answer to a client request other than tools/call: results policy; tools/list renames. */
  async function answer(entry: Pending, message: Message): Promise<void> {
    const guarded = await guard.guardMessage('results', { ...message, id: entry.id })
    if (guarded.kind === 'refused') {
      note(`guard: ${guarded.reason}`)
      return replyError(
        entry.id,
        ErrorCode.InternalError,
        `${entry.method} failed: ${guarded.reason}`,
      )
    }
    if (entry.method === 'tools/list') routeRenamedTools(message, guarded.message)
    await toClient(guarded.message)
  }

  /**
   * A tool name the policy rewrote in tools/list stays callable: the client calls the name it
   * was shown, the child gets its own. Names that end up alike get `#2`, `#3`… (like keys).
   */
  function routeRenamedTools(raw: Message, guarded: unknown) {
    const rawTools = isObject(raw.result) && Array.isArray(raw.result.tools) ? raw.result.tools : []
    const out = isObject(guarded) && isObject(guarded.result) ? guarded.result.tools : undefined
    if (!Array.isArray(out) || out.length !== rawTools.length) return
    const same = (i: number) => {
      const tool = rawTools[i]
      const shown = out[i]
      return isObject(tool) && isObject(shown) && tool.name === shown.name
    }
    const taken = new Set<unknown>(out.filter((_, i) => same(i)).map((tool) => tool.name))
    rawTools.forEach((tool, i) => {
      const shown = out[i]
      if (!isObject(tool) || !isObject(shown) || typeof tool.name !== 'string') return
      schemas.set(tool.name, tool.inputSchema)
      if (same(i) || typeof shown.name !== 'string') return
      let name = shown.name
      for (let n = 2; taken.has(name); n++) name = `${shown.name}#${n}`
      taken.add(name)
      shown.name = name
      if (renamed.size >= MAX_RENAMED_TOOLS) renamed.clear()
      renamed.set(name, tool.name)
    })
    if (schemas.size > MAX_RENAMED_TOOLS) schemas.clear()
  }

  /**
   * The child's answer to a guarded call, through the result policy (which keeps only the
   * members it reads and withholds anything that is no tool result). Errors keep their code;
   * message and data go through the policy.
   */
  async function guardAnswer(entry: Pending, call: GuardedCall, message: Message) {
    const { guardToolCallResponse } = await messages()
    const id = entry.id
    if ('error' in message) {
      const error = isObject(message.error) ? message.error : {}
      return guardToolCallResponse(call, {
        jsonrpc: '2.0',
        id,
        error: {
          code: typeof error.code === 'number' ? error.code : ErrorCode.InternalError,
          message:
            typeof error.message === 'string' ? error.message : 'the server sent an invalid error',
          ...(error.data !== undefined ? { data: error.data } : {}),
        },
      })
    }
    // The shared guard keeps only the members its policy reads and withholds a result that is
    // no CallToolResult at all (shared/mcp/result-members.ts).
    return guardToolCallResponse(call, {
      jsonrpc: '2.0',
      id,
      result: message.result as JSONRPCResultResponse['result'],
    })
  }

  /** Answers a pending request that will never get the child's answer. */
  function abandon(entry: Pending, why: string, detail: string) {
    forget(entry)
    if (entry.call) {
      entry.call.fail(detail)
      reply({
        jsonrpc: '2.0',
        id: entry.id,
        result: errorResult(`the tool ${entry.tool} failed: ${why}`),
      })
    } else {
      replyError(entry.id, ErrorCode.InternalError, `${entry.method} failed: ${why}`)
    }
  }

  // ── lines ───────────────────────────────────────────────────────────────────────────────────

  return {
    get pending() {
      return pending.size
    },
    fromClient(line) {
      return enqueue('client', async () => {
        if (line.trim() === '') return
        const parsed = parse(line)
        if (!parsed.ok) {
          note(`guard: the client sent a line that is not JSON (${line.length} characters)`)
          return replyError(
            null,
            ErrorCode.ParseError,
            'Parse error: the message is not valid JSON',
          )
        }
        // JSON-RPC batches (removed from MCP in 2025-06-18) are split so each call is guarded.
        for (const message of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
          await handleClient(message)
        }
      })
    },
    fromChild(line) {
      return enqueue('child', async () => {
        if (line.trim() === '') return
        const parsed = parse(line)
        if (!parsed.ok) {
          const preview = safe(JSON.stringify(line.slice(0, 200)))
          note(`guard: dropped a line from the server's stdout that is not JSON: ${preview}`)
          return
        }
        for (const message of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
          await handleChild(message)
        }
      })
    },
    clientLineTooLong(line) {
      return enqueue('client', async () => {
        const id = recoverId(line.head, line.tail)
        note(`guard: dropped a client message of ${line.bytes} bytes (over the line limit)`)
        replyError(
          id ?? null,
          ErrorCode.InvalidRequest,
          'Invalid request: the message is larger than the guard accepts (16 MiB)',
        )
      })
    },
    childLineTooLong(line) {
      return enqueue('child', async () => {
        const id = recoverId(line.head, line.tail)
        const entry = id === undefined ? undefined : pending.get(keyOf(id))
        note(
          `guard: dropped a message of ${line.bytes} bytes from the server (over the line limit)${entry ? `: the answer to ${entry.method} ${quote(entry.id)}` : ''}`,
        )
        if (entry)
          abandon(
            entry,
            'its answer was larger than the guard accepts (16 MiB)',
            'result_too_large',
          )
      })
    },
    childGone(reason) {
      return enqueue('child', async () => {
        for (const entry of [...pending.values()]) {
          abandon(entry, `the server ${reason} before answering`, 'server_exited')
        }
      })
    },
  }
}
