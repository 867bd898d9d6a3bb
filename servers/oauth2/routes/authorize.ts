// /oauth2/authorize: exists only so strict metadata parsers are satisfied (MD-4); refuses everything.
import { Hono } from 'hono'
import { noStoreJson } from '../../../shared/http/oauth-error.ts'

export const AUTHORIZE_PATH = '/oauth2/authorize'

/**
 * RFC 6749 §4.1.2.1: no client has a registered redirection URI here, so errors are shown to the
 * user agent and never redirected. The metadata lists no response type (MD-4), so every
 * `response_type` is `unsupported_response_type`.
 */
export function authorizeRoute(): Hono {
  const app = new Hono()
  app.on(['GET', 'POST'], AUTHORIZE_PATH, () =>
    noStoreJson(
      {
        error: 'unsupported_response_type',
        error_description:
          'this server only issues tokens with the client_credentials grant at /oauth2/token',
      },
      400,
    ),
  )
  return app
}
