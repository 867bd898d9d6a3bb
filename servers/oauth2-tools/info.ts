// What the oauth2-tools server says about itself in `initialize` (plain data: the stdio entry
// answers `initialize` from it before the MCP SDK is loaded).
import type { ServerInfo } from '../../shared/mcp/initialize.ts'

export const OAUTH2_TOOLS_INFO: ServerInfo = {
  name: 'oauth2-tools',
  version: '0.1.0',
  title: 'OAuth2 tools',
  instructions:
    "Tools for this deployment's OAuth2 server: check its status and metadata, issue a test token (claims shown, token masked), explain the client credentials flow with curl commands, and validate the whole setup step by step.",
}
