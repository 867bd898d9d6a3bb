// RFC 9728 protected resource metadata of the gateway (MCP-A1..A3), through app.request(), with
// the §3.3 check a strict client makes (oauth4webapi's processResourceDiscoveryResponse): the
// document at the URL formed from a resource identifier names exactly that identifier.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeHarness } from '../testing/harness.ts'
import { resourceMetadataUrl } from './metadata.ts'

const DOCUMENT = {
  resource: 'http://localhost:8080/mcp',
  authorization_servers: ['http://localhost:8081'],
  scopes_supported: ['mcp.access'],
  bearer_methods_supported: ['header'],
  resource_name: 'mcp-docker gateway',
}

test('RFC 9728 §3.1: the document of <origin>/mcp at the path-inserted URL; GET only', async () => {
  const h = await makeHarness()
  try {
    const res = await h.request('/.well-known/oauth-protected-resource/mcp')
    assert.is(res.status, 200)
    assert.match(res.headers.get('content-type')!, /application\/json/)
    assert.equal(await res.json(), DOCUMENT)
    const post = await h.request('/.well-known/oauth-protected-resource/mcp', { method: 'POST' })
    assert.is(post.status, 405)
    assert.is(post.headers.get('allow'), 'GET')
  } finally {
    await h.close()
  }
})

test('RFC 9728 §3.3: no root document (the origin is not a resource the gateway protects)', async () => {
  const h = await makeHarness()
  try {
    const root = await h.request('/.well-known/oauth-protected-resource')
    assert.is(root.status, 404)
    // The challenge names the path-inserted document, whose resource is the endpoint itself.
    const challenge = (await h.request('/mcp', { method: 'POST' })).headers.get('www-authenticate')!
    const url = /resource_metadata="([^"]+)"/.exec(challenge)![1]!
    assert.is(url, 'http://localhost:8080/.well-known/oauth-protected-resource/mcp')
    const document = (await (await h.request(new URL(url).pathname)).json()) as { resource: string }
    assert.is(document.resource, `${new URL(url).origin}/mcp`)
  } finally {
    await h.close()
  }
})

test('resourceMetadataUrl inserts the suffix before the path (RFC 9728 §3.1)', () => {
  assert.is(
    resourceMetadataUrl('https://gw.example/mcp'),
    'https://gw.example/.well-known/oauth-protected-resource/mcp',
  )
  assert.is(
    resourceMetadataUrl('https://gw.example/'),
    'https://gw.example/.well-known/oauth-protected-resource',
  )
})

test.run()
