// Entry of dist/security-tools.mjs: the security tools over stdio, configured from the environment
// (SECURITY_POLICY_FILE, FERNET_KEY/FERNET_KEY_FILE, AUDIT_LOG_FILE, AUDIT_LOG_SOURCE_FILE;
// see docs/mcp-servers.md).
import { readVar } from '../../../shared/node/env.ts'
import { runStdioToolServer } from '../../../shared/node/stdio-tool-server.ts'
import { SECURITY_TOOLS_INFO } from '../info.ts'

// The server module (and with it the MCP SDK) is imported only after `initialize` was answered.
await runStdioToolServer(SECURITY_TOOLS_INFO, async () => {
  const [{ createServer }, { createAuditFileReader }] = await Promise.all([
    import('../server.ts'),
    import('../../../shared/node/audit/file-reader.ts'),
  ])
  // What the audit tools read: AUDIT_LOG_SOURCE_FILE when set (e.g. the gateway's log, read by
  // a security-tools started with `docker exec`, which sends its own records to the gateway's
  // audit collector, AUDIT_COLLECTOR_SOCKET: one writer per chain), else the AUDIT_LOG_FILE this
  // server writes to. Either way the records still on their way to the file are flushed first
  // (through the collector: until it confirms they are written), so a session sees its own calls.
  const ownFile = readVar(process.env, 'AUDIT_LOG_FILE')
  const sourceFile = readVar(process.env, 'AUDIT_LOG_SOURCE_FILE') ?? ownFile
  const viaCollector = !ownFile && Boolean(readVar(process.env, 'AUDIT_COLLECTOR_SOCKET'))
  return (deps, runtime) =>
    createServer({
      ...deps,
      detector: async () => (await runtime.load()).detector,
      ...(runtime.encryptor ? { keyRing: runtime.encryptor } : {}),
      auditReader: createAuditFileReader(
        sourceFile,
        sourceFile === ownFile || viaCollector ? { flush: () => runtime.audit.flush() } : {},
      ),
    })
})
