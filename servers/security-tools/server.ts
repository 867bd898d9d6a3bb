// The security-tools server: PII detection and encryption demonstrations, the audit log reader,
// breach simulation and the security report, every call through the guard pipeline.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createToolServer } from '../../shared/mcp/server.ts'
import type { Tool } from '../../shared/mcp/tool.ts'
import type { SecurityToolsDeps } from './deps.ts'
import { SECURITY_TOOLS_INFO } from './info.ts'
import { generateSecurityReport } from './tools/generate-security-report.ts'
import { getSecurityAuditLog } from './tools/get-security-audit-log.ts'
import { simulateDataBreachDetection } from './tools/simulate-data-breach-detection.ts'
import { testEncryption } from './tools/test-encryption.ts'
import { testPiiDetection } from './tools/test-pii-detection.ts'

export type { SecurityToolsDeps } from './deps.ts'
export { NO_AUDIT_FILE, type AuditReader } from './audit-reader.ts'
export { AUDIT_READ_SCOPE, SECURITY_TOOL_SCOPES } from './scopes.ts'

/** Every tool of this server, in `tools/list` order, bound to `deps`. */
export function securityTools(deps: SecurityToolsDeps): Tool[] {
  return [
    testPiiDetection(deps),
    testEncryption(deps),
    getSecurityAuditLog(deps),
    simulateDataBreachDetection(deps),
    generateSecurityReport(deps),
  ]
}

const cache = new WeakMap<SecurityToolsDeps, Tool[]>()

/**
 * The tools bound to `deps`, made once per deps object: a server per HTTP session reuses them
 * (and the JSON Schemas they cache) as long as it passes the same deps object.
 */
export function toolsFor(deps: SecurityToolsDeps): Tool[] {
  let tools = cache.get(deps)
  if (!tools) cache.set(deps, (tools = securityTools(deps)))
  return tools
}

/**
 * A new security-tools server (one per connection). `deps.guard` applies the security policy
 * and writes the audit log; the detector, key ring and audit reader are what the tools show.
 */
export function createServer(deps: SecurityToolsDeps): Server {
  return createToolServer(SECURITY_TOOLS_INFO, toolsFor(deps), deps)
}
