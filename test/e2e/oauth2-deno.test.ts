// The Deno entry (servers/oauth2/entry/deno.ts, Deno.serve) runs the same app from its TypeScript
// sources with the `deno` npm package's binary: discovery, token round trip, /hello, SIGTERM.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { root } from '../support/bundle.ts'
import { FORM, startOAuth2 } from './oauth2-harness.ts'

test('Deno.serve entry: token round trip with Basic auth, /hello, graceful stop', async () => {
  assert.ok(
    existsSync(`${root}node_modules/.bin/deno`),
    'node_modules/.bin/deno missing: run npm ci',
  )
  const dir = mkdtempSync(join(tmpdir(), 'oauth2-deno-'))
  const server = await startOAuth2({
    runtime: 'deno',
    env: { MCP_DOCKER_ENV: 'development', MCP_DOCKER_DEV_DIR: join(dir, '.dev') },
    timeoutMs: 60_000,
  })
  try {
    assert.match(server.stderr(), /Deno\)/)
    const meta = (await (
      await fetch(`${server.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, string>
    assert.is(meta.issuer, server.url)
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, Authorization: `Basic ${btoa('mcp-client:secret')}` },
      body: 'grant_type=client_credentials&scope=mcp.access',
    })
    assert.is(res.status, 200)
    assert.is(res.headers.get('cache-control'), 'no-store')
    const { access_token } = (await res.json()) as { access_token: string }
    const hello = await fetch(`${server.url}/hello`, {
      headers: { Authorization: `Bearer ${access_token}` },
    })
    assert.is(hello.status, 200)
    assert.is(
      ((await hello.json()) as { authenticated_client: string }).authenticated_client,
      'mcp-client',
    )
    const bad = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, Authorization: `Basic ${btoa('mcp-client:wrong')}` },
      body: 'grant_type=client_credentials',
    })
    assert.is(bad.status, 401)
  } finally {
    assert.is(await server.stop('SIGTERM'), 0, server.stderr())
  }
})

test.run()
