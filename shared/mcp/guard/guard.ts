// The guard pipeline around every tool call: identity → PII scan of the arguments →
// policy → handler → PII scan of the result → policy → one audit record (LOG-1..4);
// and the guard of every other message a proxy relays (`guardMessage`), both ways.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { AuditEvent } from '../../audit/record.ts'
import { ConfigError } from '../../config/errors.ts'
import { PiiError } from '../../pii/errors.ts'
import { createScrubber } from '../../pii/mask-scrubber.ts'
import { PiiPolicyError, PiiRejectedError } from '../../pii/policy-errors.ts'
import { createPolicyEngine, type PolicyEngine, type ScanOptions } from '../../pii/policy.ts'
import type { Detector, TextEncryptor } from '../../pii/types.ts'
import { mapStrings } from '../../pii/walk.ts'
import { PiiScanBudgetError } from '../../pii/walk-errors.ts'
import { newErrorId } from '../errors.ts'
import { detailOf, joinWords, piiFields, strongest, type CallSides } from './audit.ts'
import { schemaLimitProblem } from './limits.ts'
import { guardResultContent, type ScanSummary } from './result.ts'
import { DEFAULT_SCAN_BUDGET, isBinaryMember, textLength } from './scan.ts'
import { uriAwareDetector } from './uri.ts'
import type { Identity } from '../identity.ts'
import {
  DEFAULT_SECURITY_POLICY,
  resolvePiiPolicy,
  rulesUsing,
  type PolicyDirection,
  type SecurityPolicy,
} from '../policy-config.ts'
import { errorResult } from '../result.ts'

/** Where audit records go: `AuditLog` from shared/audit satisfies it. */
export type AuditRecorder = import('../../audit/recorder.ts').AuditRecorder

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
  /**
   * Most characters of text (strings and object keys, UTF-16 code units; binary payloads not
   * counted) one message may hold: the arguments of a call, its result, any other relayed
   * message. Counted before scanning; over it the message is refused, never passed unscanned.
   * Default: 2 MiB (`DEFAULT_SCAN_BUDGET`).
   */
  scanBudget?: number
  /** Awaited between slices of a long scan (shared/pii/scan-slices.ts). Default: a macrotask. */
  pause?: ScanOptions['pause']
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
  /**
   * The tool's `inputSchema` as its server listed it, when known: arguments over its
   * `maxLength` / `maxItems` are refused before they are scanned (limits.ts).
   */
  inputSchema?: unknown
}

/** What the guard made of one relayed message that is not a tools/call (`guardMessage`). */
export type GuardedMessage =
  /** Pass `message` on (a copy, rewritten by the policy); `findings`: entity type → count. */
  | { kind: 'ok'; message: unknown; findings: Record<string, number> }
  /**
   * The message must not pass: `reason` says why (the types found, or the error id of a scan
   * that failed; never a value). Answer the sender with it, or drop a notification.
   */
  | { kind: 'refused'; reason: string }

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
  /**
   * Applies the global policy of `direction` (`arguments`: client → server, `results`: server
   * → client) to a whole JSON-RPC message or any JSON value: every string, object keys
   * included; binary payloads (base64 image/audio `data`, resource `blob`) left as they are;
   * the scan budget applies. A message whose `jsonrpc`, `id` or `method` the policy would
   * rewrite is refused (it could no longer be routed). Never throws; writes no audit record.
   */
  guardMessage(direction: PolicyDirection, message: unknown): Promise<GuardedMessage>
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
  const budget = options.scanBudget ?? DEFAULT_SCAN_BUDGET
  if (!Number.isSafeInteger(budget) || budget < 1)
    throw new ConfigError([`scanBudget must be a positive integer, got ${budget}`])
  const scan: ScanOptions = {
    opaque: isBinaryMember,
    budget,
    ...(options.pause ? { pause: options.pause } : {}),
  }
  const resultScan = {
    budget,
    maxDepth: policy.maxDepth,
    ...(options.pause ? { pause: options.pause } : {}),
  }
  const secretTypes = detector.types.filter((type) => detector.categoryOf(type) === 'secret')
  /** A direction whose global rules allow every type needs no scan of its other messages. */
  const allowsAll = (direction: PolicyDirection) => {
    const resolved = resolvePiiPolicy(policy, undefined, direction, secretTypes)
    return (
      (resolved.default ?? 'allow') === 'allow' &&
      Object.values(resolved.types ?? {}).every((action) => action === 'allow')
    )
  }
  const passes = { arguments: allowsAll('arguments'), results: allowsAll('results') }

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

    // The tool's own limits first: an argument it would refuse anyway costs no scan.
    const limit = schemaLimitProblem(start.inputSchema, original)
    if (limit !== undefined) {
      finish('rejected', 'schema_limit')
      return refuse(
        errorResult(`tool call refused: the arguments break the tool's input schema: ${limit}`),
      )
    }
    // Arguments: scan (keys too), then allow / mask / redact / encrypt, or refuse the call.
    let args: Record<string, unknown>
    try {
      const out = await engineFor(tool, 'arguments').applyToValue(original, scan)
      args = out.value
      sides.in = { findings: out.findings, action: out.action }
    } catch (error) {
      if (error instanceof PiiRejectedError) {
        sides.in = { findings: error.findings, action: 'reject' }
        finish('rejected', 'pii_rejected')
        return refuse(rejectionResult('arguments', error))
      }
      if (error instanceof PiiScanBudgetError) {
        finish('rejected', 'scan_budget')
        return refuse(
          errorResult(
            `tool call refused: the arguments hold more than ${budget} characters of text, over the guard's scan budget; nothing was scanned or sent to the tool`,
          ),
        )
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
        const guarded = await guardResultContent(results, result, resultScan)
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
        if (guarded.error instanceof PiiScanBudgetError) {
          finish('error', 'scan_budget')
          return errorResult(
            `the result of ${tool} was withheld: it holds more than ${budget} characters of text, over the guard's scan budget`,
          )
        }
        const errorId = report(`guard: cannot scan the result of ${tool}`, guarded.error)
        finish('error', `guard_error error_id=${errorId}`)
        return errorResult(
          `the result of ${tool} was withheld: it could not be checked for personal data (error id ${errorId})`,
        )
      },
      async completeError(error) {
        const reason = `jsonrpc_error code=${Number.isSafeInteger(error.code) ? error.code : 'invalid'}`
        try {
          // As for results: `data` is taken to detail the message, so a type counts max(both).
          const message = String(error.message)
          const total =
            textLength(message, policy.maxDepth) + textLength(error.data, policy.maxDepth)
          if (total > budget) throw new PiiScanBudgetError(total, budget)
          const unbounded = { ...scan, budget: undefined }
          const text = await results.applyToValue(message, unbounded)
          const data =
            error.data === undefined ? undefined : await results.applyToValue(error.data, unbounded)
          const findings: Record<string, number> = { ...text.findings }
          for (const [type, count] of Object.entries(data?.findings ?? {}))
            findings[type] = Math.max(findings[type] ?? 0, count)
          sides.out = { findings, action: data ? strongest(text.action, data.action) : text.action }
          finish('error', reason)
          return { code: error.code, message: text.value, ...(data ? { data: data.value } : {}) }
        } catch (failure) {
          if (failure instanceof PiiRejectedError) {
            sides.out = { findings: failure.findings, action: 'reject' }
            finish('error', joinWords(reason, 'pii_rejected'))
            return {
              code: error.code,
              message: `the error message of ${tool} was withheld by the PII policy: it contains ${failure.types.join(', ')}`,
            }
          }
          const errorId = report(`guard: cannot scan an error of ${tool}`, failure)
          finish('error', joinWords(reason, `guard_error error_id=${errorId}`))
          return {
            code: error.code,
            message: `the error message of ${tool} was withheld: it could not be checked for personal data (error id ${errorId})`,
          }
        }
      },
      fail(detail) {
        finish('error', detail)
      },
    }
  }

  async function guardMessage(
    direction: PolicyDirection,
    message: unknown,
  ): Promise<GuardedMessage> {
    if (passes[direction]) return { kind: 'ok', message, findings: {} }
    const side = direction === 'arguments' ? 'client message' : 'server message'
    try {
      const out = await engineFor('', direction).applyToValue(message, scan)
      const value = out.value
      if (isObject(message) && isObject(value)) {
        const moved = ['jsonrpc', 'id', 'method'].filter((m) => value[m] !== message[m])
        if (moved.length > 0)
          return {
            kind: 'refused',
            reason: `the ${side} was withheld: its ${moved.join(' and ')} holds ${Object.keys(out.findings).join(', ')}, which the PII policy rewrites`,
          }
      }
      return { kind: 'ok', message: value, findings: out.findings }
    } catch (error) {
      if (error instanceof PiiRejectedError)
        return {
          kind: 'refused',
          reason: `the ${side} was withheld by the PII policy: it contains ${error.types.join(', ')} (rejected: ${error.rejectedTypes.join(', ')})`,
        }
      if (error instanceof PiiScanBudgetError)
        return {
          kind: 'refused',
          reason: `the ${side} was withheld: it holds more than ${budget} characters of text, over the guard's scan budget`,
        }
      const errorId = report(`guard: cannot scan a ${side}`, error)
      const why = error instanceof PiiError ? `: ${error.message}` : ''
      return {
        kind: 'refused',
        reason: `the ${side} was withheld: it could not be checked for personal data${why} (error id ${errorId})`,
      }
    }
  }

  return {
    policy,
    begin,
    guardMessage,
    scrub,
    scrubValue: <T>(value: T): T => mapStrings(value, scrub, { keys: true }),
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
  // Strings that are URIs are read as their parts (uri.ts).
  const uris = uriAwareDetector(detector)
  for (const direction of ['arguments', 'results'] as const) {
    for (const tool of [undefined, ...Object.keys(policy.tools)]) {
      if (tool !== undefined && !policy.tools[tool]?.[direction]) continue
      const resolved = resolvePiiPolicy(policy, tool, direction, secretTypes)
      try {
        engines.set(
          `${direction}:${tool ?? ''}`,
          createPolicyEngine(resolved, { detector: uris, encryptor }),
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
