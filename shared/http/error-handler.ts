// App-wide fallbacks: OAuth errors and refused bodies to their wire form, anything else to a bare 500.
import type { ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { RequestBodyError } from './body.ts'
import { bodyErrorToOAuth } from './form.ts'
import { noStoreJson, OAuthError, oauthErrorResponse } from './oauth-error.ts'

/** Options of `jsonErrorHandler`. */
export interface ErrorHandlerOptions {
  /**
   * Called with an unexpected error (the 500 case) so the entry can log it; the response never
   * carries its message or stack. Default: none.
   */
  onUnexpected?: (error: unknown) => void
}

/**
 * Hono `onError`: OAuthError → RFC 6749 §5.2 response; RequestBodyError → its 400/413/415 as
 * `invalid_request`; Hono's HTTPException → its status with a generic body; everything else →
 * 500 `{"error":"server_error"}` with no detail and no stack trace.
 */
export function jsonErrorHandler(options: ErrorHandlerOptions = {}): ErrorHandler {
  return function jsonError(error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error)
    if (error instanceof RequestBodyError) return oauthErrorResponse(bodyErrorToOAuth(error))
    if (error instanceof HTTPException && error.status < 500) {
      return noStoreJson({ error: 'invalid_request' }, error.status)
    }
    options.onUnexpected?.(error)
    return noStoreJson({ error: 'server_error', error_description: 'internal server error' }, 500)
  }
}

/** Hono `notFound`: a JSON 404 instead of Hono's text body. */
export const jsonNotFound: NotFoundHandler = () => noStoreJson({ error: 'not_found' }, 404)

/** A 405 with `Allow` (RFC 9110 §15.5.6) and an OAuth-style body (e.g. GET on the token endpoint, OA-1). */
export function methodNotAllowed(allow: readonly string[]): Response {
  return noStoreJson(
    { error: 'invalid_request', error_description: `method not allowed; use ${allow.join(', ')}` },
    405,
    { Allow: allow.join(', ') },
  )
}
