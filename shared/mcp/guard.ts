// The guard pipeline around every tool call (DESIGN §2): identity → PII scan of the arguments →
// policy → handler → PII scan of the result → policy → one audit record (STANDARDS LOG-1..4).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { AuditEvent } from '../audit/record.ts'
import { ConfigError } from '../config/errors.ts'
import { PiiError } from '../pii/errors.ts'
import { createScrubber } from '../pii/mask-scrubber.ts'
import { PiiPolicyError, PiiRejectedError } from '../pii/policy-errors.ts'
import { createPolicyEngine, type PolicyEngine } from '../pii/policy.ts'
import type { Detector, TextEncryptor } from '../pii/types.ts'
import { mapStrings } from '../pii/walk.ts'
import { newErrorId } from './errors.ts'
import { detailOf, joinWords, piiFields, type CallSides } from './guard-audit.ts'
import { guardResultContent, type ScanSummary } from './guard-result.ts'
import type { Identity } from './identity.ts'
import {
  DEFAULT_SECURITY_POLICY,
  resolvePiiPolicy,
  rulesUsing,
  type PolicyDirection,
  type SecurityPolicy,
} from './policy-config.ts'
import { errorResult } from './result.ts'

/** Where audit records go: `AuditLog` from shared/audit satisfies it. */
export interface AuditRecorder {
  record(event: AuditEvent): Promise<unknown>
}

export interface GuardOptions {
  /** Finds PII and secrets in arguments and results. */
  detector: Detector
  /** The security policy. Default: `DEFAULT_SECURITY_POLICY` (arguments allow, results mask). */
  policy?: SecurityPolicy
  /** Makes `encrypt` tokens (a `FernetKeyRing`). Required when the policy uses `encrypt`. */
  encryptor?: TextEncryptor
  /** Receives one `tool_call` record per call. */
  audit: AuditRecorder
  /** Monotonic clock in ms for `duration_ms`. Default: `performance.now`. */
  now?: () => number
  /**
   * Told about failures hidden from callers (a record the audit log refused, a value the guard
   * could not scan) with the error id quoted to the caller; the text is PII-masked. Default: one
   * `console.error` line (stderr, safe on stdio).
   */
  onError?: (message: string) => void
}

/** One `tools/call` entering the guard. */
export interface ToolCallStart {
  /** Tool name as the client called it: used for per-tool rules and the audit record. */
  tool: string
  /** Arguments as received (`params.arguments`); undefined counts as `{}`. */
  arguments: Record<string, unknown> | undefined
  /** The caller (empty on stdio). */
  identity: Identity
  /** JSON-RPC id, recorded to correlate with other logs (LOG-4). */
  requestId?: string | number
}

/** The `error` member of a JSON-RPC error response. */
export interface JsonRpcErrorBody {
  code: number
  message: string
  data?: unknown
}

/** A call between the argument policy and the result policy. */
export interface GuardedCall {
  readonly tool: string
  /** The arguments after the argument policy: hand these to the tool, never the originals. */
  readonly arguments: Record<string, unknown>
  /**
   * Set when the call must not run (the argument policy rejected it, or the arguments could not
   * be scanned): send it to the client as the call's result. Its audit record is written.
   */
  readonly rejection?: CallToolResult
  /**
   * Applies the result policy to the tool's result (structured content and text blocks, also of
   * `isError` results), writes the call's audit record and returns what the client may see.
   * `detail` says why an `isError` result failed (`tool_error`, `internal_error error_id=…`).
   * Calling it again guards again but records nothing more: one record per call.
   */
  complete(result: CallToolResult, detail?: string): Promise<CallToolResult>
  /**
   * For proxies: the tool answered with a JSON-RPC error instead of a result. Applies the result
   * policy to its `message` and `data`, writes the audit record (outcome `error`, detail
   * `jsonrpc_error code=…`) and returns the error the client may see.
   */
  completeError(error: JsonRpcErrorBody): Promise<JsonRpcErrorBody>
  /**
   * Ends the call without a result (cancelled, timed out, child crashed) and writes its audit
   * record with outcome `error` and this `detail`.
   */
  fail(detail: string): void
}

/** The guard pipeline, shared by every tool call of a process (stdio and HTTP alike). */
export interface Guard {
  /** Scans the arguments, applies the argument policy and starts timing the call. Never throws. */
  begin(call: ToolCallStart): Promise<GuardedCall>
  /** Replaces every PII or secret value in `text` by its label (`[EMAIL]`): for logs (LOG-2). */
  scrub(text: string): string
  /** `scrub` on every string of a JSON value. Throws on cycles or non-JSON objects. */
  scrubValue<T>(value: T): T
  /** The policy in force. */
  readonly policy: SecurityPolicy
}

/**
 * Builds the guard. The policy of every direction and of every tool it names is checked against
 * the detector now, so a bad policy fails at start-up and not at the first call.
 * @throws ConfigError for an entity type the detector does not know, or `encrypt` without an
 *   encryptor
 */
export function createGuard(options: GuardOptions): Guard {
  const { detector, encryptor, audit } = options
  const policy = options.policy ?? DEFAULT_SECURITY_POLICY
  const now = options.now ?? (() => performance.now())
  const onError = options.onError ?? ((message: string) => console.error(message))
  const scrub = createScrubber(detector)
  const engineFor = buildEngines(policy, detector, encryptor)

  /** Logs a hidden failure for the operator and returns the id quoted to the caller. */
  const report = (what: string, error: unknown): string => {
    const errorId = newErrorId()
    let reason =
      error instanceof Error ? `${error.name}: ${error.message}` : 'a non-error was thrown'
    try {
      reason = scrub(reason)
    } catch {
      reason = 'unprintable error'
    }
    onError(`${what} (error id ${errorId}): ${reason}`)
    return errorId
  }
  const write = (event: AuditEvent) => {
    audit.record(event).catch((error: unknown) => void report('audit: record refused', error))
  }

  async function begin(start: ToolCallStart): Promise<GuardedCall> {
    const started = now()
    const { tool, identity } = start
    const original = start.arguments ?? {}
    const sides: CallSides = {}
    let recorded = false
    const finish = (outcome: AuditEvent['outcome'], reason?: string) => {
      if (recorded) return
      recorded = true
      write({
        event: 'tool_call',
        outcome,
        tool,
        client_id: identity.clientId,
        jti: identity.jti,
        ...piiFields(sides),
        duration_ms: Math.max(0, Math.round(now() - started)),
        param_count: isObject(original) ? Object.keys(original).length : 0,
        request_id: start.requestId === undefined ? undefined : String(start.requestId),
        detail: detailOf(reason, sides),
      })
    }
    const refuse = (result: CallToolResult): GuardedCall => ({
      tool,
      arguments: original,
      rejection: result,
      complete: async () => result,
      completeError: async (error) => error,
      fail: () => undefined,
    })

    // Arguments: scan, then allow / mask / redact / encrypt, or refuse the call.
    let args: Record<string, unknown>
    try {
      const out = await engineFor(tool, 'arguments').applyToValue(original)
      args = out.value
      sides.in = { findings: out.findings, action: out.action }
    } catch (error) {
      if (error instanceof PiiRejectedError) {
        sides.in = { findings: error.findings, action: 'reject' }
        finish('rejected', 'pii_rejected')
        return refuse(rejectionResult('arguments', error))
      }
      const errorId = report(`guard: cannot scan the arguments of ${tool}`, error)
      finish('error', `guard_error error_id=${errorId}`)
      const why = error instanceof PiiError ? `: ${error.message}` : ''
      return refuse(
        errorResult(
          `tool call refused: the arguments could not be checked for personal data${why} (error id ${errorId})`,
        ),
      )
    }

    const results = engineFor(tool, 'results')
    return {
      tool,
      arguments: args,
      // A second complete/completeError still applies the policy; only the record is once.
      async complete(result, detail) {
        const guarded = await guardResultContent(results, result)
        if (guarded.kind === 'ok') {
          sides.out = guarded.summary
          finish(result.isError ? 'error' : 'ok', detail)
          return guarded.result
        }
        if (guarded.kind === 'rejected') {
          sides.out = guarded.summary
          finish('rejected', joinWords('pii_rejected', detail))
          return rejectionResult('results', guarded)
        }
        const errorId = report(`guard: cannot scan the result of ${tool}`, guarded.error)
        finish('error', `guard_error error_id=${errorId}`)
        return errorResult(
          `the result of ${tool} was withheld: it could not be checked for personal data (error id ${errorId})`,
        )
      },
      async completeError(error) {
        const reason = `jsonrpc_error code=${Number.isSafeInteger(error.code) ? error.code : 'invalid'}`
        const guarded = await guardResultContent(results, {
          content: [{ type: 'text', text: String(error.message) }],
          ...(error.data !== undefined ? { structuredContent: { data: error.data } } : {}),
        })
        if (guarded.kind === 'ok') {
          sides.out = guarded.summary
          finish('error', reason)
          const [message] = guarded.result.content
          const data = guarded.result.structuredContent?.data
          return {
            code: error.code,
            message: message?.type === 'text' ? message.text : '',
            ...(data !== undefined ? { data } : {}),
          }
        }
        if (guarded.kind === 'rejected') {
          sides.out = guarded.summary
          finish('error', joinWords(reason, 'pii_rejected'))
          return {
            code: error.code,
            message: `the error message of ${tool} was withheld by the PII policy: it contains ${guarded.types.join(', ')}`,
          }
        }
        const errorId = report(`guard: cannot scan an error of ${tool}`, guarded.error)
        finish('error', joinWords(reason, `guard_error error_id=${errorId}`))
        return {
          code: error.code,
          message: `the error message of ${tool} was withheld: it could not be checked for personal data (error id ${errorId})`,
        }
      },
      fail(detail) {
        finish('error', detail)
      },
    }
  }

  return {
    policy,
    begin,
    scrub,
    scrubValue: <T>(value: T): T => mapStrings(value, scrub),
  }
}

/**
 * The policy engine of each (tool, direction): tools without rules of their own share the global
 * engine of the direction. Every engine is built and checked here, at start-up.
 */
function buildEngines(
  policy: SecurityPolicy,
  detector: Detector,
  encryptor: TextEncryptor | undefined,
): (tool: string, direction: PolicyDirection) => PolicyEngine {
  const encrypting = rulesUsing(policy, 'encrypt')
  if (encrypting.length > 0 && !encryptor) {
    throw new ConfigError([
      `the security policy encrypts (${encrypting.join(', ')}) but no Fernet key is configured: set FERNET_KEY or FERNET_KEY_FILE`,
    ])
  }
  const secretTypes = detector.types.filter((type) => detector.categoryOf(type) === 'secret')
  const engines = new Map<string, PolicyEngine>()
  const problems: string[] = []
  for (const direction of ['arguments', 'results'] as const) {
    for (const tool of [undefined, ...Object.keys(policy.tools)]) {
      if (tool !== undefined && !policy.tools[tool]?.[direction]) continue
      const resolved = resolvePiiPolicy(policy, tool, direction, secretTypes)
      try {
        engines.set(
          `${direction}:${tool ?? ''}`,
          createPolicyEngine(resolved, { detector, encryptor }),
        )
      } catch (error) {
        if (!(error instanceof PiiPolicyError)) throw error
        const where = tool === undefined ? direction : `tools.${tool}.${direction}`
        problems.push(...error.problems.map((problem) => `security policy ${where}: ${problem}`))
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return (tool, direction) => engines.get(`${direction}:${tool}`) ?? engines.get(`${direction}:`)!
}

/** The `isError` result of a rejection: it names the types found, never a value. */
function rejectionResult(
  side: 'arguments' | 'results',
  found: { types: readonly string[]; rejectedTypes: readonly string[] },
): CallToolResult {
  const types = found.types.join(', ')
  const rejected = found.rejectedTypes.join(', ')
  return errorResult(
    side === 'arguments'
      ? `tool call rejected by the PII policy: the arguments contain ${types} (rejected: ${rejected})`
      : `tool result withheld by the PII policy: it contains ${types} (rejected: ${rejected})`,
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export type { ScanSummary }
