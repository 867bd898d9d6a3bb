// Errors of the connect bridge: why discovery, the token request or the relay to the gateway
// failed, with stable codes and messages written for the person reading Cursor's MCP log.

/** Why connect could not do what it was asked. */
export type ConnectErrorCode =
  /** Bad command line or environment (exit status 2 before anything runs). */
  | 'ERR_USAGE'
  /** No connection to the gateway: refused, host not found, reset. */
  | 'ERR_GATEWAY_UNREACHABLE'
  /** No connection to the authorization server. */
  | 'ERR_AS_UNREACHABLE'
  /** No answer within `--timeout`. */
  | 'ERR_TIMEOUT'
  /** RFC 9728 / RFC 8414 metadata missing, malformed or inconsistent. */
  | 'ERR_DISCOVERY'
  /**
   * The gateway names an authorization server connect does not trust with the client secret: not
   * the pinned `--issuer`, or (no pin) on another origin than the gateway.
   */
  | 'ERR_UNTRUSTED_ISSUER'
  /** The authorization server refused the client credentials (`invalid_client`, RFC 6749 §5.2). */
  | 'ERR_INVALID_CLIENT'
  /** The authorization server refused the token request for another reason (scope, resource…). */
  | 'ERR_TOKEN_REFUSED'
  /** The token endpoint's answer was not a usable RFC 6749 §5.1 token response. */
  | 'ERR_TOKEN_RESPONSE'
  /** The gateway refused a fresh token (401 after one refresh) or its scope (403). */
  | 'ERR_UNAUTHORIZED'
  /** The gateway answered an HTTP error to a message (after the one retry connect makes). */
  | 'ERR_GATEWAY_REFUSED'
  /** The bridge is shutting down. */
  | 'ERR_CLOSED'

/** Codes worth another attempt at the next message: the other side may come back. */
const TRANSIENT: ReadonlySet<ConnectErrorCode> = new Set([
  'ERR_GATEWAY_UNREACHABLE',
  'ERR_AS_UNREACHABLE',
  'ERR_TIMEOUT',
])

/** A failure of the bridge. Messages name URLs and reasons, never a secret or a token (LOG-1). */
export class ConnectError extends Error {
  readonly code: ConnectErrorCode
  /** HTTP status of the answer, when there was one. */
  readonly status?: number

  constructor(code: ConnectErrorCode, message: string, status?: number) {
    super(message)
    this.name = 'ConnectError'
    this.code = code
    if (status !== undefined) this.status = status
  }

  /** True when trying again later may succeed (network, timeout); false for refusals. */
  get transient(): boolean {
    return TRANSIENT.has(this.code) || (this.status !== undefined && this.status >= 500)
  }
}

/**
 * JSON-RPC error code connect answers a request with when it cannot deliver it: JSON-RPC 2.0 §5.1
 * reserves -32000 to -32099 for implementation-defined server errors. `data.code` carries the
 * ConnectErrorCode.
 */
export const RELAY_ERROR_CODE = -32000

/** Turns anything thrown into a ConnectError (unknown errors keep only their name and message). */
export function asConnectError(error: unknown, fallback: ConnectErrorCode): ConnectError {
  if (error instanceof ConnectError) return error
  const text = error instanceof Error ? error.message : String(error)
  return new ConnectError(fallback, text)
}
