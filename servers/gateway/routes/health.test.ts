// GET /health: liveness, no store, nothing else.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { healthRoute } from './health.ts'

test('GET /health answers 200 {"status":"ok"} and is not cached', async () => {
  const res = await healthRoute().request('/health')
  assert.is(res.status, 200)
  assert.equal(await res.json(), { status: 'ok' })
  assert.is(res.headers.get('cache-control'), 'no-store')
})

test.run()
