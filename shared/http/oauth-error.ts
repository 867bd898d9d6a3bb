// OAuth errors and their one wire form: RFC 6749 §5.2 JSON bodies with no-store headers.

/**
 * Error codes we send. RFC 6749 §5.2 (token endpoint), RFC 8707 §2 (`invalid_target`),
 * RFC 7009 §2.2.1 (`unsupported_token_type`), RFC 6749 §4.1.2.1 (`unsupported_response_type`,
 * authorization endpoint) and `server_error` for the generic 500.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'

/** Options of an OAuthError beyond its code and description. */
export interface OAuthErrorOptions {
  /** HTTP status; default 400 (RFC 6749 §5.2), 401 for `invalid_client`, 500 for `server_error`. */
  status?: number
  /** Extra response headers, e.g. `WWW-Authenticate` (OA-17) or `Retry-After` (OA-10). */
  headers?: Record<string, string>
}

/**
 * RFC 6749 §5.2 / RFC 6750 §3: `error` and `error_description` are limited to %x20-21 / %x23-5B /
 * %x5D-7E (OA-16); this matches every other character (global: for `replace`).
 */
export const DESCRIPTION_CHARS = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g

/** Makes `text` a legal `error_description`: disallowed characters become `?` (OA-16). */
export function safeDescription(text: string): string {
  return text.replace(DESCRIPTION_CHARS, '?')
}

const defaultStatus = (code: OAuthErrorCode): number =>
  code === 'invalid_client'
    ? 401
    : code === 'server_error'
      ? 500
      : code === 'temporarily_unavailable'
        ? 503
        : 400

/**
 * An OAuth protocol error. The description is written by us (never raw user input) and is
 * sanitised again on output; `oauthErrorResponse` is the one place that turns it into a Response.
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode
  readonly status: number
  readonly headers: Readonly<Record<string, string>>

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(description)
    this.name = 'OAuthError'
    this.code = code
    this.status = options.status ?? defaultStatus(code)
    this.headers = options.headers ?? {}
  }
}

/** RFC 6749 §5.1/§5.2 and OA-14: every token-endpoint-style response carries both headers. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
}

/** A JSON response with the no-store headers (OA-14, OA-15). */
export function noStoreJson(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...NO_STORE_HEADERS, ...headers },
  })
}

/** The RFC 6749 §5.2 response for `error`: `{"error", "error_description"}` + no-store headers. */
export function oauthErrorResponse(error: OAuthError): Response {
  const body: { error: OAuthErrorCode; error_description?: string } = { error: error.code }
  if (error.message) body.error_description = safeDescription(error.message)
  return noStoreJson(body, error.status, { ...error.headers })
}
