// Who is calling a tool: the OAuth identity on HTTP (the SDK's AuthInfo), nobody on stdio.
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'

/**
 * The caller of a tool, as far as the transport knows it. On stdio (a local process started by
 * the client) every field is undefined. Never holds the token itself (LOG-1, MCP-A8).
 */
export interface Identity {
  /** OAuth client id of the access token (`client_id` claim); undefined on stdio. */
  readonly clientId?: string
  /** Id of the access token (`jti` claim), for the audit log; undefined on stdio. */
  readonly jti?: string
  /** Scopes granted to the token; undefined on stdio. */
  readonly scopes?: readonly string[]
}

/** The identity of a local stdio client: unknown, nothing to record. */
export const ANONYMOUS: Identity = Object.freeze({})

/**
 * The identity carried by the SDK's `extra.authInfo` (set by the gateway's bearer middleware and
 * passed to `WebStandardStreamableHTTPServerTransport.handleRequest`). The token string is
 * dropped; `jti` comes from `authInfo.extra.jti` when it is a string.
 */
export function identityFromAuthInfo(authInfo: AuthInfo | undefined): Identity {
  if (!authInfo) return ANONYMOUS
  const jti = authInfo.extra?.jti
  return Object.freeze({
    clientId: authInfo.clientId || undefined,
    jti: typeof jti === 'string' && jti !== '' ? jti : undefined,
    scopes: Object.freeze([...authInfo.scopes]),
  })
}
