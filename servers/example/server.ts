// The example tool server: the smallest complete server, written to be copied (docs/mcp-servers.md).
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createToolServer, type ToolServerDeps } from '../../shared/mcp/server.ts'
import { EXAMPLE_INFO } from './info.ts'
import { add } from './tools/add.ts'
import { currentTime } from './tools/current-time.ts'
import { echo } from './tools/echo.ts'

/** Every tool of this server. */
export const EXAMPLE_TOOLS = [echo, add, currentTime]

/** A new example server; `deps.guard` applies the security policy and writes the audit log. */
export function createServer(deps: ToolServerDeps): Server {
  return createToolServer(EXAMPLE_INFO, EXAMPLE_TOOLS, deps)
}
