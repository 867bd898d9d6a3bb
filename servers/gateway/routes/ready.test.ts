// /health and /ready of the gateway through app.request(): liveness, upstream states, the AS.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeHarness, type HarnessOptions } from '../testing/harness.ts'

const listTools = { jsonrpc: '2.0', id: 2, method: 'tools/list' }

async function withHarness(
  options: HarnessOptions,
  run: (h: Awaited<ReturnType<typeof makeHarness>>) => Promise<void>,
) {
  const h = await makeHarness(options)
  try {
    await run(h)
  } finally {
    await h.close()
  }
}

test('AS unreachable: an unseen token → 503 Retry-After (fail closed); /ready says so', async () => {
  let down = false
  let asApp: ((r: Request) => Promise<Response>) | undefined
  await withHarness(
    {
      fetch: async (request) => {
        if (down) throw new TypeError('fetch failed')
        return asApp!(request)
      },
    },
    async (h) => {
      asApp = async (request) => h.as.app.request(request)
      const seen = await h.token()
      assert.is((await h.post(listTools, seen)).status, 400, 'checked once while the AS is up')
      const ready = await h.request('/ready')
      assert.is(ready.status, 200)
      assert.equal(await ready.json(), {
        status: 'ready',
        upstreams: { alpha: 'ready', beta: 'ready' },
        authorization_server: 'reachable',
      })
      down = true
      h.as.clock.now += 31_000
      const unseen = await h.token()
      const refused = await h.post(listTools, unseen)
      assert.is(refused.status, 503)
      assert.is(refused.headers.get('retry-after'), '5')
      assert.is(((await refused.json()) as any).error, 'temporarily_unavailable')
      assert.is(
        (await h.post(listTools, seen)).status,
        400,
        'a token seen active keeps its last answer',
      )
      h.as.clock.now += 6_000
      const notReady = await h.request('/ready')
      assert.is(notReady.status, 503)
      assert.is(((await notReady.json()) as any).authorization_server, 'unreachable')
      assert.ok(
        h.operator.some((l) => /revocation check: the authorization server did not answer/.test(l)),
      )
    },
  )
})

test('/health is 200; /ready is 503 while an upstream is down; unknown paths are JSON 404', async () => {
  await withHarness({}, async (h) => {
    const health = await h.request('/health')
    assert.is(health.status, 200)
    assert.equal(await health.json(), { status: 'ok' })
    await h.gateway.upstreams[0]!.close()
    const ready = await h.request('/ready')
    assert.is(ready.status, 503)
    assert.equal(((await ready.json()) as any).upstreams.alpha, 'stopped')
    const missing = await h.request('/nope')
    assert.is(missing.status, 404)
    assert.equal(await missing.json(), { error: 'not_found' })
  })
})

test.run()
