// Test helpers of security-tools: a server with a real guard, audit log and (shared) detector,
// connected to a real SDK client in memory. Used by the tests beside the tools; not bundled.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { AuditEvent } from '../../shared/audit/record.ts'
import { connectInMemory, createTestDeps, type TestAudit } from '../../shared/mcp/testing.ts'
import { openAuditFileLog } from '../../shared/node/audit/file-log.ts'
import { createDetector } from '../../shared/pii/detect.ts'
import type { Detector } from '../../shared/pii/types.ts'
import type { AuditReader } from './audit-reader.ts'
import type { KeyRing } from './deps.ts'
import { createServer } from './server.ts'

let shared: Detector | undefined
/** The built-in detector, compiled once per test process. */
export function realDetector(): Detector {
  return (shared ??= createDetector())
}

export interface SecurityToolsTestOptions {
  /** Security policy as in SECURITY_POLICY_FILE. Default: `{}`. */
  policy?: unknown
  /** Fernet keys for the tools and the guard. Default: none. */
  keyRing?: KeyRing
  /** Default: none (the audit log goes to stderr). */
  auditReader?: AuditReader
  /** Default: `realDetector()`. */
  detector?: Detector
}

export interface SecurityToolsSession {
  /** Calls a tool and returns its result. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>
  /** The guard's audit log (in memory). */
  audit: TestAudit
  /** Operator log lines (internal errors). */
  operator: string[]
  close(): Promise<void>
}

/** A security-tools server behind a real guard, and a connected SDK client. */
export async function connectSecurityTools(
  options: SecurityToolsTestOptions = {},
): Promise<SecurityToolsSession> {
  const detector = options.detector ?? realDetector()
  const { deps, audit, operator } = createTestDeps({
    detector,
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
    ...(options.keyRing ? { encryptor: options.keyRing } : {}),
  })
  const server = createServer({
    ...deps,
    detector: () => detector,
    ...(options.keyRing ? { keyRing: options.keyRing } : {}),
    ...(options.auditReader ? { auditReader: options.auditReader } : {}),
  })
  const { client, close } = await connectInMemory(server)
  return {
    call: async (name, args = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    audit,
    operator,
    close,
  }
}

/** Calls one tool on a fresh server and closes it. */
export async function callOnce(
  name: string,
  args: Record<string, unknown>,
  options: SecurityToolsTestOptions = {},
): Promise<{ result: CallToolResult; session: SecurityToolsSession }> {
  const session = await connectSecurityTools(options)
  try {
    return { result: await session.call(name, args), session }
  } finally {
    await session.close()
  }
}

/** Start of the fixture's clock: record i is written at FIXTURE_START + i minutes. */
export const FIXTURE_START = Date.UTC(2025, 0, 1)

/**
 * Events of several types, outcomes, clients and PII counts (as the guard and the OAuth2 server
 * write them), in the order they are written: seq 1 … 8, one minute apart.
 */
export const FIXTURE_EVENTS: readonly AuditEvent[] = [
  { event: 'server_start', outcome: 'ok' },
  { event: 'token_issued', outcome: 'ok', client_id: 'agent-1', jti: 'j-1' },
  {
    event: 'tool_call',
    tool: 'test_pii_detection',
    client_id: 'agent-1',
    jti: 'j-1',
    direction: 'in',
    pii: { email: 1, phone: 1 },
    action: 'mask',
    outcome: 'ok',
    duration_ms: 3,
    param_count: 1,
    request_id: '7',
    detail: 'in=allow(email:1,phone:1) out=mask()',
  },
  {
    event: 'tool_call',
    tool: 'echo',
    client_id: 'agent-2',
    direction: 'in',
    pii: { ssn: 1 },
    action: 'reject',
    outcome: 'rejected',
    detail: 'pii_rejected in=reject(ssn:1)',
  },
  { event: 'token_rejected', outcome: 'denied', client_id: 'agent-3', detail: 'invalid_token' },
  { event: 'tool_call', tool: 'test_encryption', action: 'allow', outcome: 'ok' },
  {
    event: 'tool_call',
    tool: 'simulate_data_breach_detection',
    client_id: 'agent-1',
    outcome: 'error',
    detail: 'tool_error',
  },
  {
    event: 'tool_call',
    tool: 'get_security_audit_log',
    client_id: 'agent-1',
    direction: 'out',
    pii: { email: 2 },
    action: 'mask',
    outcome: 'ok',
  },
]

/**
 * Writes `events` (default FIXTURE_EVENTS) to the audit log file `path` with the real file log
 * (hash chain, rotation at `maxBytes`), one minute apart from `start`.
 */
export async function writeAuditFixture(
  path: string,
  options: { events?: readonly AuditEvent[]; maxBytes?: number; start?: number } = {},
): Promise<void> {
  const { events = FIXTURE_EVENTS, maxBytes, start = FIXTURE_START } = options
  let minute = 0
  const log = await openAuditFileLog({
    path,
    ...(maxBytes !== undefined ? { maxBytes, maxFiles: 100 } : {}),
    clock: () => new Date(start + 60_000 * minute++),
  })
  for (const event of events) await log.record(event)
  await log.close()
}
