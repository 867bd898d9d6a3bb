// GET /.well-known/jwks.json: the ES256 public key (RFC 7517 §5); absent with HS256 (no public key).
import { Hono } from 'hono'
import { jwksOf } from '../../../shared/jwt/keys.ts'
import type { OAuth2Context } from '../context.ts'

export const JWKS_PATH = '/.well-known/jwks.json'

export function jwksRoute(ctx: OAuth2Context): Hono {
  const app = new Hono()
  if (ctx.key.alg !== 'ES256') return app // HS256: nothing to publish, the path is a 404
  const body = JSON.stringify(jwksOf(ctx.key))
  app.get(
    JWKS_PATH,
    () =>
      new Response(body, {
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' },
      }),
  )
  return app
}
