// GET /health: liveness, with nothing secret in it.
import { Hono } from 'hono'

export function healthRoute(): Hono {
  const app = new Hono()
  app.get(
    '/health',
    () =>
      new Response('{"status":"ok"}', {
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      }),
  )
  return app
}
