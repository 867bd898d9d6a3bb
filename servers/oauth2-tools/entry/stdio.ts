// Entry of dist/oauth2-tools.mjs: the OAuth2 tools over stdio, configured from the environment
// (OAUTH2_URL, OAUTH2_ISSUER, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET[_FILE], OAUTH2_TIMEOUT_MS,
// MCP_DOCKER_ENV; the guard's SECURITY_POLICY_FILE, FERNET_KEY[_FILE], AUDIT_LOG_FILE).
import { ConfigError } from '../../../shared/config/errors.ts'
import { readSecret } from '../../../shared/node/env.ts'
import { runStdioToolServer } from '../../../shared/node/stdio-tool-server.ts'
import { readOAuth2ToolsConfig, type OAuth2ToolsConfig } from '../config.ts'
import { OAUTH2_TOOLS_INFO } from '../info.ts'

let oauth2: OAuth2ToolsConfig
try {
  oauth2 = readOAuth2ToolsConfig(process.env, readSecret)
} catch (error) {
  const text = error instanceof ConfigError ? error.message : String(error)
  process.stderr.write(`${OAUTH2_TOOLS_INFO.name}: ${text}\n`)
  process.exit(1)
}

// The server module (and with it the MCP SDK) is imported only after `initialize` was answered.
await runStdioToolServer(OAUTH2_TOOLS_INFO, async () => {
  const { createServer } = await import('../server.ts')
  return (deps) => createServer({ ...deps, oauth2 })
})
