// What every OAuth2 tool is built from: the configuration, the HTTP client and a wall clock.
import type { OAuth2Client } from './client.ts'
import type { OAuth2ToolsConfig } from './config.ts'

export interface OAuth2ToolsContext {
  config: OAuth2ToolsConfig
  client: OAuth2Client
  /** Wall clock in ms since the epoch (token expiry times). */
  clock: () => number
}
