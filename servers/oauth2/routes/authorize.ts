// /oauth2/authorize: exists only so strict metadata parsers are satisfied (MD-4); refuses everything.
import { Hono } from 'hono'
import { noStoreJson } from '../../../shared/http/oauth-error.ts'

export const AUTHORIZE_PATH = '/oauth2/authorize'

/**
 * RFC 6749 §4.1.2.1: no client has a registered redirection URI here, so errors are shown to the
 * user agent and never redirected. `response_type=none` (the one type the metadata lists) is
 * `unauthorized_client`: no client may use this endpoint; any other is `unsupported_response_type`.
 */
export function authorizeRoute(): Hono {
  const app = new Hono()
  app.on(['GET', 'POST'], AUTHORIZE_PATH, (c) => {
    const none = c.req.query('response_type') === 'none'
    return noStoreJson(
      {
        error: none ? 'unauthorized_client' : 'unsupported_response_type',
        error_description:
          'this server only issues tokens with the client_credentials grant at /oauth2/token',
      },
      400,
    )
  })
  return app
}
