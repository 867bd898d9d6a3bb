// The OAuth2 authorization server as a Web-standard Hono app: createApp(config, deps), no globals.
import { Hono, type MiddlewareHandler } from 'hono'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { requestId } from 'hono/request-id'
import {
  jsonErrorHandler,
  jsonNotFound,
  methodNotAllowed as methodNotAllowedResponse,
} from '../../shared/http/error-handler.ts'
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
 * Every response carries the request's `X-Request-Id` (the one its audit records hold), and a
 * known path asked with a method it does not serve is a JSON 405 with `Allow`.
 *
 * Request bodies are limited by `readForm` (shared/http/body.ts), not by `hono/body-limit`: see
 * the note on `readBodyBytes` for why.
 */
export function createApp(config: AppConfig, deps: AppDeps): Hono {
  const ctx = createContext(config, deps)
  const app = new Hono()
  app.onError(jsonErrorHandler({ onUnexpected: ctx.onUnexpectedError }))
  // RFC 9110 §15.5.6: a path this app serves, asked with another method, is a 405 whose Allow
  // lists the methods registered for it (HEAD with GET: Hono answers HEAD through the GET
  // route), e.g. OA-1 (token endpoint: POST only), IN-2 (no GET introspection), RFC 7009 §2.1.
  // hono/method-not-allowed runs where no route matched, not as a layer around every request
  // (as app-wide middleware it cost ~4 % of a /hello's CPU, bench/oauth2.bench.ts).
  const allowedMethods = methodNotAllowed({
    app,
    onMethodNotAllowed: (_c, methods) => methodNotAllowedResponse(methods),
  })
  app.notFound(async (c) => {
    c.res = await jsonNotFound(c)
    await allowedMethods(c, async () => undefined)
    return c.res
  })
  // LOG-4 correlation: the caller's X-Request-Id when it is 1..128 of [A-Za-z0-9_=-] (safe in a
  // header and a log line), else a fresh UUID; audit.ts records it, echoRequestId returns it.
  app.use(requestId({ limitLength: REQUEST_ID_MAX }))
  app.use(echoRequestId)
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

/** Longest caller-supplied X-Request-Id kept (hono/request-id defaults to 255). */
const REQUEST_ID_MAX = 128

/** Sets `X-Request-Id` on every response, also the ones a route built as a plain `Response`. */
const echoRequestId: MiddlewareHandler = async function echoRequestId(c, next) {
  await next()
  // On the final response's own headers: `c.header()` after the handler would rebuild the
  // Response around its body stream, taking @hono/node-server off its fast path (2× the CPU
  // of a /hello, measured with bench/oauth2.bench.ts).
  c.res.headers.set('X-Request-Id', c.get('requestId'))
}
