// GET /health: liveness only (the process answers HTTP); nothing about upstreams or secrets.
import { Hono } from 'hono'

export function healthRoute(): Hono {
  const app = new Hono()
  app.get('/health', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }))
  return app
}
