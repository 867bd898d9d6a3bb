// MCP protocol revisions at the gateway: the one `initialize` negotiates (MCP lifecycle,
// "Version Negotiation": the requested revision when supported, else the latest) and whether a
// session's revision allows JSON-RPC batches (2025-03-26 and older; removed in 2025-06-18, whose
// Streamable HTTP transport says the POST body MUST be a single JSON-RPC message).
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js'

/** Every revision the gateway negotiates (the MCP SDK's list), newest first. */
export const PROTOCOL_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS

/** The first revision without JSON-RPC batching (2025-06-18 changelog, "Major changes" 1). */
export const BATCHING_REMOVED_IN = '2025-06-18'

/** The revision `initialize` settles on for `requested` (what the SDK's server answers). */
export function negotiatedVersion(requested: unknown): string {
  return typeof requested === 'string' && PROTOCOL_VERSIONS.includes(requested)
    ? requested
    : LATEST_PROTOCOL_VERSION
}

/** May a session at `version` send a JSON-RPC batch (an array) in one POST? */
export function acceptsBatches(version: string): boolean {
  // Revisions are dates (YYYY-MM-DD): string order is time order.
  return version < BATCHING_REMOVED_IN
}
