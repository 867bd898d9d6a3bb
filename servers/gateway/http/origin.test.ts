// MCP-T2: Origin and Host validation.
import { Hono } from 'hono'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { originCheck } from './origin.ts'

const app = new Hono()
app.use(
  '*',
  originCheck({
    allowedOrigins: ['http://localhost:8080', 'https://App.example'],
    allowedHosts: ['localhost:8080', 'gateway:8080'],
  }),
)
app.get('/mcp', (c) => c.text('ok'))
const get = (headers: Record<string, string>, url = 'http://localhost:8080/mcp') =>
  app.request(url, { headers })

test('no Origin passes; an allowed Origin passes whatever its case', async () => {
  assert.is((await get({})).status, 200)
  assert.is((await get({ Origin: 'http://localhost:8080' })).status, 200)
  assert.is((await get({ Origin: 'https://app.EXAMPLE' })).status, 200)
})

test('a foreign or opaque Origin → 403 JSON-RPC error without id', async () => {
  for (const origin of ['https://evil.example', 'null', 'http://localhost:8081']) {
    const res = await get({ Origin: origin })
    assert.is(res.status, 403, origin)
    assert.equal(await res.json(), {
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Forbidden: Origin not allowed' },
      id: null,
    })
  }
})

test('Host must be allowed (DNS rebinding): the header, or the URL when there is none', async () => {
  assert.is((await get({ Host: 'gateway:8080' })).status, 200)
  assert.is((await get({ Host: 'rebound.example:8080' })).status, 403)
  assert.is((await get({}, 'http://127.0.0.1:8080/mcp')).status, 403)
  assert.throws(() => originCheck({ allowedOrigins: [], allowedHosts: [] }), /allowedHosts/)
})

test.run()
