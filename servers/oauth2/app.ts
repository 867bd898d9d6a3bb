// The OAuth2 authorization server as a Web-standard Hono app: createApp(config, deps), no globals.
import { Hono } from 'hono'
import { jsonErrorHandler, jsonNotFound } from '../../shared/http/error-handler.ts'
import { createContext, type AppConfig, type AppDeps } from './context.ts'
import { authorizeRoute } from './routes/authorize.ts'
import { healthRoute } from './routes/health.ts'
import { helloRoute } from './routes/hello.ts'
import { introspectRoute } from './routes/introspect.ts'
import { jwksRoute } from './routes/jwks.ts'
import { metadataRoute } from './routes/metadata.ts'
import { revokeRoute } from './routes/revoke.ts'
import { tokenRoute } from './routes/token.ts'

export type { AppConfig, AppDeps, Limits } from './context.ts'

/**
 * Builds the app: token, introspection and revocation endpoints, RFC 8414 metadata (and the
 * OpenID discovery path), JWKS (ES256), the protected /hello, /health. Errors are mapped in one
 * place: OAuth errors to RFC 6749 §5.2 JSON, anything unexpected to a bare 500 with no detail.
 */
export function createApp(config: AppConfig, deps: AppDeps): Hono {
  const ctx = createContext(config, deps)
  const app = new Hono()
  app.onError(jsonErrorHandler({ onUnexpected: ctx.onUnexpectedError }))
  app.notFound(jsonNotFound)
  app.route('/', tokenRoute(ctx))
  app.route('/', introspectRoute(ctx))
  app.route('/', revokeRoute(ctx))
  app.route('/', metadataRoute(ctx))
  app.route('/', jwksRoute(ctx))
  app.route('/', authorizeRoute())
  app.route('/', helloRoute(ctx))
  app.route('/', healthRoute())
  return app
}
