// Test helpers for tool servers: a real SDK Client connected in memory, and an audit log whose
// records can be read back. Used by the tests of every server; not part of any bundle.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { createAuditLog, type AuditLog } from '../audit/log.ts'
import { createMemorySink } from '../audit/memory-sink.ts'
import { readAuditRecords } from '../audit/read.ts'
import type { AuditRecord } from '../audit/record.ts'
import { createFakeDetector } from '../pii/policy-fake-detector.ts'
import type { Detector, TextEncryptor } from '../pii/types.ts'
import { createGuard } from './guard/guard.ts'
import { parseSecurityPolicy } from './policy-config.ts'
import type { ToolServerDeps } from './server.ts'

export interface InMemoryConnection {
  client: Client
  /** Closes both ends. */
  close(): Promise<void>
}

/**
 * Connects a real SDK `Client` to `server` over `InMemoryTransport` and initializes it.
 * @param authInfo when given, attached to every message the client sends, as the gateway's
 *   transport does for a verified bearer token (so handlers see `extra.authInfo`)
 */
export async function connectInMemory(
  server: Server,
  options: { authInfo?: AuthInfo; capabilities?: Record<string, unknown> } = {},
): Promise<InMemoryConnection> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  if (options.authInfo) {
    const authInfo = options.authInfo
    const send = clientSide.send.bind(clientSide)
    // InMemoryTransport delivers `authInfo` from send options to the other side's onmessage.
    clientSide.send = (message: JSONRPCMessage, sendOptions) =>
      send(message, { ...sendOptions, authInfo })
  }
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: options.capabilities ?? {} },
  )
  await server.connect(serverSide)
  await client.connect(clientSide)
  return {
    client,
    async close() {
      await client.close()
      await server.close()
    },
  }
}

/** An audit log writing to memory, and its records parsed back. */
export interface TestAudit {
  log: AuditLog
  /** Every line written so far (after waiting for pending records). */
  text(): Promise<string>
  /** Every record written so far, parsed (after waiting for pending records). */
  records(): Promise<AuditRecord[]>
}

/** A real audit log (hash chain and all) over an in-memory sink. */
export function createTestAudit(scrub?: (text: string) => string): TestAudit {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink], ...(scrub ? { scrub } : {}) })
  return {
    log,
    async text() {
      await log.flush()
      return sink.text()
    },
    async records() {
      await log.flush()
      return readAuditRecords(sink.text())
    },
  }
}

export interface TestDepsOptions {
  /** Security policy as it would be written in SECURITY_POLICY_FILE. Default: `{}` (defaults). */
  policy?: unknown
  /** Default: the PII library's small regex test detector (email, phone, ssn, aws_access_key_id). */
  detector?: Detector
  /** Needed when the policy encrypts (a `FernetKeyRing`). */
  encryptor?: TextEncryptor
}

export interface TestDeps {
  /** Pass to a server's `createServer(deps)`. */
  deps: ToolServerDeps
  /** The audit log behind `deps.guard`. */
  audit: TestAudit
  /** Lines the server wrote to its operator log (internal errors). */
  operator: string[]
}

/** Tool server deps for tests: a real guard and audit log, an in-memory operator log. */
export function createTestDeps(options: TestDepsOptions = {}): TestDeps {
  const detector = options.detector ?? createFakeDetector()
  const audit = createTestAudit()
  const operator: string[] = []
  const onError = (line: string) => void operator.push(line)
  const policy = parseSecurityPolicy(options.policy ?? {}, {
    knownTypes: detector.types,
    categoryOf: (type) => detector.categoryOf(type),
  })
  const guard = createGuard({
    detector,
    policy,
    audit: audit.log,
    ...(options.encryptor ? { encryptor: options.encryptor } : {}),
    onError,
  })
  return { deps: { guard, onError }, audit, operator }
}
