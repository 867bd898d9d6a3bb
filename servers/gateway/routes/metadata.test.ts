// RFC 9728 protected resource metadata of the gateway (MCP-A1..A3), through app.request().
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeHarness } from '../testing/harness.ts'

test('RFC 9728 metadata at the path form and the root form (MCP-A1..A3); GET only', async () => {
  const h = await makeHarness()
  try {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const res = await h.request(path)
      assert.is(res.status, 200)
      assert.match(res.headers.get('content-type')!, /application\/json/)
      assert.equal(await res.json(), {
        resource: 'http://localhost:8080/mcp',
        authorization_servers: ['http://localhost:8081'],
        scopes_supported: ['mcp.access'],
        bearer_methods_supported: ['header'],
        resource_name: 'mcp-docker gateway',
      })
    }
    const post = await h.request('/.well-known/oauth-protected-resource/mcp', { method: 'POST' })
    assert.is(post.status, 405)
    assert.is(post.headers.get('allow'), 'GET')
  } finally {
    await h.close()
  }
})

test.run()
