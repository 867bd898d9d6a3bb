// Errors of the OAuth2 tools: why a request to the OAuth2 server failed, with stable codes and
// messages written for the caller (they become `isError` results and validation step reasons).

/** Why talking to the OAuth2 server failed. */
export type OAuth2ToolsErrorCode =
  /** No connection: refused, host not found, reset (the server is down or OAUTH2_URL is wrong). */
  | 'ERR_UNREACHABLE'
  /** No answer within the configured timeout (OAUTH2_TIMEOUT_MS). */
  | 'ERR_TIMEOUT'
  /** The server answered with a redirect; the tools never follow one (credentials travel along). */
  | 'ERR_REDIRECT'
  /** The body was not the JSON expected, or larger than the tools read (1 MiB). */
  | 'ERR_INVALID_RESPONSE'
  /** The server refused the request (an HTTP error status, an OAuth error body). */
  | 'ERR_REFUSED'
  /** The step needs client credentials and none are configured. */
  | 'ERR_NO_CREDENTIALS'

/** A failed exchange with the OAuth2 server. The message names the URL and the reason, never a secret. */
export class OAuth2ToolsError extends Error {
  readonly code: OAuth2ToolsErrorCode
  /** HTTP status of the answer, when there was one. */
  readonly status?: number
  /** Time spent before the failure, in ms. */
  readonly ms: number

  constructor(code: OAuth2ToolsErrorCode, message: string, ms = 0, status?: number) {
    super(message)
    this.name = 'OAuth2ToolsError'
    this.code = code
    this.ms = ms
    if (status !== undefined) this.status = status
  }
}
