// The oauth2-tools server: status, test token, flow guide and setup validation for the OAuth2
// server at OAUTH2_URL, over an injected Web-standard fetch.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createToolServer, type ToolServerDeps } from '../../shared/mcp/server.ts'
import type { Tool } from '../../shared/mcp/tool.ts'
import { createOAuth2Client, type Fetch } from './client.ts'
import type { OAuth2ToolsConfig } from './config.ts'
import type { OAuth2ToolsContext } from './context.ts'
import { OAUTH2_TOOLS_INFO } from './info.ts'
import { createTestTokenTool } from './tools/create-test-token.ts'
import { flowGuideTool } from './tools/flow-guide.ts'
import { serverStatusTool } from './tools/server-status.ts'
import { validateSetupTool } from './tools/validate-setup.ts'

export { readOAuth2ToolsConfig } from './config.ts'

export interface OAuth2ToolsDeps extends ToolServerDeps {
  /** Which server and client (`readOAuth2ToolsConfig`). */
  oauth2: OAuth2ToolsConfig
  /** Every request to the OAuth2 server goes through it. Default: `globalThis.fetch`. */
  fetch?: Fetch
  /** Wall clock in ms since the epoch (expiry times). Default: `Date.now`. */
  clock?: () => number
  /** Monotonic clock in ms (latencies). Default: `performance.now`. */
  now?: () => number
}

/** Every tool of this server, built for one configuration. */
export function oauth2Tools(deps: Omit<OAuth2ToolsDeps, keyof ToolServerDeps>): Tool[] {
  const context: OAuth2ToolsContext = {
    config: deps.oauth2,
    client: createOAuth2Client({
      config: deps.oauth2,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    }),
    clock: deps.clock ?? (() => Date.now()),
  }
  return [
    serverStatusTool(context),
    createTestTokenTool(context),
    flowGuideTool(context),
    validateSetupTool(context),
  ]
}

/** A new oauth2-tools server; `deps.guard` applies the security policy and writes the audit log. */
export function createServer(deps: OAuth2ToolsDeps): Server {
  return createToolServer(OAUTH2_TOOLS_INFO, oauth2Tools(deps), deps)
}
