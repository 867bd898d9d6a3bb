// Entry of dist/security-tools.mjs: the security tools over stdio, configured from the environment
// (SECURITY_POLICY_FILE, FERNET_KEY/FERNET_KEY_FILE, AUDIT_LOG_FILE; see docs/mcp-servers.md).
import { readVar } from '../../../shared/node/env.ts'
import { runStdioToolServer } from '../../../shared/node/stdio-tool-server.ts'
import { SECURITY_TOOLS_INFO } from '../info.ts'

// The server module (and with it the MCP SDK) is imported only after `initialize` was answered.
await runStdioToolServer(SECURITY_TOOLS_INFO, async () => {
  const [{ createServer }, { createAuditFileReader }] = await Promise.all([
    import('../server.ts'),
    import('./audit-file-reader.ts'),
  ])
  // The same AUDIT_LOG_FILE the runtime writes to: the tools read the server's own log, after
  // flushing the records still on their way to it.
  const auditFile = readVar(process.env, 'AUDIT_LOG_FILE')
  return (deps, runtime) =>
    createServer({
      ...deps,
      detector: async () => (await runtime.load()).detector,
      ...(runtime.encryptor ? { keyRing: runtime.encryptor } : {}),
      auditReader: createAuditFileReader(auditFile, { flush: () => runtime.audit.flush() }),
    })
})
