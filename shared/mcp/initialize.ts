// The InitializeResult of a tool server as plain data (no SDK import), so a stdio entry can answer
// `initialize` while the SDK is still loading (shared/node/stdio-early.ts; MCP lifecycle).

/** What the server tells clients about itself in `initialize`. */
export interface ServerInfo {
  /** Programmatic name, e.g. `example`. */
  name: string
  /** Version of the server, e.g. the package version. */
  version: string
  /** Human-readable name for UIs. Default: none. */
  title?: string
  /** How to use the server's tools, for the model (`InitializeResult.instructions`). Default: none. */
  instructions?: string
}

/** Capabilities of every tool server: tools (the list never changes) and logging. */
export const TOOL_SERVER_CAPABILITIES = Object.freeze({
  tools: Object.freeze({ listChanged: false }),
  logging: Object.freeze({}),
})

/**
 * The protocol revisions the SDK's Server accepts, newest first: a mirror of
 * `SUPPORTED_PROTOCOL_VERSIONS` of @modelcontextprotocol/sdk 1.32 (MCP-V2), kept equal
 * to it by initialize.test.ts.
 */
export const PROTOCOL_VERSIONS: readonly string[] = Object.freeze([
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
  '2024-10-07',
])

/**
 * The result the SDK's Server gives an `initialize` request for `requestedVersion`: the same
 * version when supported, else the latest (MCP-T6, lifecycle "Version Negotiation").
 */
export function initializeResult(
  info: ServerInfo,
  requestedVersion: unknown,
): Record<string, unknown> {
  const { name, version, title, instructions } = info
  return {
    protocolVersion:
      typeof requestedVersion === 'string' && PROTOCOL_VERSIONS.includes(requestedVersion)
        ? requestedVersion
        : PROTOCOL_VERSIONS[0],
    capabilities: TOOL_SERVER_CAPABILITIES,
    serverInfo: { name, version, ...(title !== undefined ? { title } : {}) },
    ...(instructions ? { instructions } : {}),
  }
}
