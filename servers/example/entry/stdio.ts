// Entry of dist/example.mjs: the example tool server over stdio, configured from the environment
// (SECURITY_POLICY_FILE, FERNET_KEY/FERNET_KEY_FILE, AUDIT_LOG_FILE; see docs/mcp-servers.md).
import { runStdioToolServer } from '../../../shared/node/stdio-tool-server.ts'
import { EXAMPLE_INFO } from '../info.ts'

// The server module (and with it the MCP SDK) is imported only after `initialize` was answered.
await runStdioToolServer(EXAMPLE_INFO, async () => (await import('../server.ts')).createServer)
