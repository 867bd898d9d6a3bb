// End to end: dist/oauth2-tools.mjs over stdio (run from an empty folder) against the real
// dist/oauth2.mjs on a free port: every tool, the flow guide's curl commands run in bash, an
// unreachable server, configuration errors, exit on stdin close.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { readAuditRecords } from '../../shared/audit/read.ts'
import {
  connectBundle,
  freePort,
  initializeRequest,
  isolatedBundle,
  spawnRaw,
  within,
  type StdioSession,
} from './helpers.ts'
import { startOAuth2, type RunningOAuth2 } from './oauth2-harness.ts'

const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/
const dir = mkdtempSync(join(tmpdir(), 'oauth2-tools-e2e-'))
const text = (result: unknown) =>
  ((result as CallToolResult).content ?? [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('\n')

/** The OAuth2 bundle in development mode, issuer on `localhost` (an IP would be masked as PII). */
async function startServer(): Promise<RunningOAuth2 & { base: string }> {
  const port = await freePort()
  const base = `http://localhost:${port}`
  const server = await startOAuth2({
    env: {
      PORT: String(port),
      OAUTH2_ISSUER: base,
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: join(dir, `.dev-${port}`),
    },
  })
  return Object.assign(server, { base })
}

async function tools(env: Record<string, string>): Promise<StdioSession> {
  return connectBundle('oauth2-tools', { isolated: true, env })
}

const call = async (session: StdioSession, name: string, args: Record<string, unknown> = {}) =>
  (await session.client.callTool({ name, arguments: args })) as CallToolResult

test('every tool against the real OAuth2 bundle; no token in results or logs', async () => {
  const server = await startServer()
  const session = await tools({ OAUTH2_URL: server.base })
  try {
    const status = await call(session, 'get_oauth2_server_status')
    const s = status.structuredContent as Record<string, any>
    assert.is(s.healthy, true, text(status))
    assert.is(s.issuer, server.base)
    assert.equal(s.problems, [])
    assert.equal(s.grant_types, ['client_credentials'])

    const token = await call(session, 'create_oauth2_test_token', { scope: 'mcp.access' })
    const t = token.structuredContent as Record<string, any>
    assert.not.ok(token.isError, text(token))
    assert.is(t.access_token, 'eyJ***')
    assert.is(t.claims.verified, false)
    assert.is(t.claims.header.typ, 'at+jwt')
    assert.is(t.claims.payload.iss, server.base)
    assert.is(t.claims.payload.client_id, 'mcp-client')
    assert.is(t.scope, 'mcp.access')
    assert.ok(Date.parse(t.expires_at) > Date.now())

    const guide = await call(session, 'get_oauth2_flow_guide')
    assert.match(text(guide), new RegExp(`curl -s ${server.base}/health`))

    const validation = await call(session, 'validate_oauth2_setup')
    const v = validation.structuredContent as { ok: boolean; steps: Array<{ status: string }> }
    assert.is(v.ok, true, text(validation))
    assert.equal(
      v.steps.map((step) => step.status),
      ['pass', 'pass', 'pass', 'pass', 'pass'],
    )
    for (const result of [status, token, guide, validation]) {
      assert.not.match(JSON.stringify(result), JWT)
    }
  } finally {
    await session.close()
    await server.stop()
  }
  const records = readAuditRecords(session.stderr())
  assert.equal(
    records.map((r) => [r.tool, r.outcome]),
    [
      ['get_oauth2_server_status', 'ok'],
      ['create_oauth2_test_token', 'ok'],
      ['get_oauth2_flow_guide', 'ok'],
      ['validate_oauth2_setup', 'ok'],
    ],
  )
  assert.not.match(session.stderr(), JWT)
  // The OAuth2 server saw the test tokens issued, used at /hello, introspected and revoked.
  assert.match(server.stderr(), /"event":"token_revoked"/)
})

test('the flow guide works as written: its curl commands run in bash against the server', async () => {
  const missing = ['bash', 'curl', 'jq'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  )
  if (missing.length > 0) {
    console.log(`  (skipped: ${missing.join(', ')} not installed)`)
    return
  }
  const server = await startServer()
  const session = await tools({ OAUTH2_URL: server.base })
  let steps: Array<{ title: string; command: string }>
  try {
    steps = (
      (await call(session, 'get_oauth2_flow_guide')).structuredContent as { steps: typeof steps }
    ).steps
  } finally {
    await session.close()
  }
  try {
    // Step 1 reads the secret interactively; the demo client's secret comes from the environment.
    const script = [
      'set -e',
      ...steps.slice(1).map((step, i) => `echo "--- ${i + 2}"; ${step.command}; echo`),
      // After the revocation, introspection says inactive.
      `echo "--- after"; ${steps.find((s) => s.title === 'Introspect the token')!.command}`,
    ].join('\n')
    const run = spawnSync('bash', ['-c', script], {
      env: { PATH: process.env.PATH ?? '', OAUTH2_CLIENT_SECRET: 'secret' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    assert.is(run.status, 0, run.stderr)
    const out = Object.fromEntries(
      run.stdout
        .split('--- ')
        .slice(1)
        .map((part) => [
          part.slice(0, part.indexOf('\n')),
          part.slice(part.indexOf('\n') + 1).trim(),
        ]),
    )
    assert.is(out['2'], '{"status":"ok"}')
    assert.is(JSON.parse(out['3']!).issuer, server.base)
    assert.match(out['4']!, /^eyJ[A-Za-z0-9_-]{9}…$/)
    assert.is(JSON.parse(out['5']!).authenticated_client, 'mcp-client')
    assert.is(JSON.parse(out['6']!).active, true)
    assert.is(out['7'], '200')
    assert.equal(JSON.parse(out.after!), { active: false })
  } finally {
    await server.stop()
  }
})

test('unreachable server: status says so, the token call fails cleanly, validation reports it', async () => {
  const port = await freePort() // nothing listens there
  const session = await tools({ OAUTH2_URL: `http://localhost:${port}`, OAUTH2_TIMEOUT_MS: '2000' })
  try {
    const started = performance.now()
    const status = await call(session, 'get_oauth2_server_status')
    const s = status.structuredContent as Record<string, any>
    assert.not.ok(status.isError)
    assert.is(s.reachable, false)
    assert.match(s.health.error, /cannot reach the OAuth2 server at http:\/\/localhost:\d+\/health/)
    const token = await call(session, 'create_oauth2_test_token')
    assert.is(token.isError, true)
    assert.match(text(token), /cannot reach the OAuth2 server/)
    const validation = await call(session, 'validate_oauth2_setup')
    assert.is((validation.structuredContent as { ok: boolean }).ok, false)
    assert.ok(performance.now() - started < 10_000, 'bounded by the timeout')
  } finally {
    await session.close()
  }
})

test('an IP address in OAUTH2_URL is masked by the default result policy unless the policy allows ipv4', async () => {
  const server = await startServer()
  const ip = `http://127.0.0.1:${server.port}`
  const policy = join(dir, 'allow-ipv4.json')
  writeFileSync(
    policy,
    JSON.stringify({
      tools: { get_oauth2_server_status: { results: { types: { ipv4: 'allow' } } } },
    }),
  )
  const masked = await tools({ OAUTH2_URL: ip, OAUTH2_ISSUER: server.base })
  const allowed = await tools({
    OAUTH2_URL: ip,
    OAUTH2_ISSUER: server.base,
    SECURITY_POLICY_FILE: policy,
  })
  try {
    const a = (await call(masked, 'get_oauth2_server_status')).structuredContent as Record<
      string,
      any
    >
    assert.is(a.healthy, true)
    assert.is.not(a.url, ip)
    assert.not.ok(a.url.includes('127.0.0.1'))
    const b = (await call(allowed, 'get_oauth2_server_status')).structuredContent as Record<
      string,
      any
    >
    assert.is(b.url, ip)
  } finally {
    await masked.close()
    await allowed.close()
    await server.stop()
  }
})

test('production without a client: status works, the token tool says what to set', async () => {
  const server = await startServer()
  const session = await tools({ OAUTH2_URL: server.base, MCP_DOCKER_ENV: 'production' })
  try {
    const status = await call(session, 'get_oauth2_server_status')
    assert.is((status.structuredContent as { healthy: boolean }).healthy, true)
    const token = await call(session, 'create_oauth2_test_token')
    assert.is(token.isError, true)
    assert.match(
      text(token),
      /no OAuth2 client is configured: set OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET/,
    )
  } finally {
    await session.close()
    await server.stop()
  }
})

test('OAUTH2_CLIENT_SECRET_FILE: the secret comes from the file, the guide names the file only', async () => {
  const server = await startServer()
  const secretFile = join(dir, 'client-secret')
  writeFileSync(secretFile, 'secret\n')
  const session = await tools({
    OAUTH2_URL: server.base,
    MCP_DOCKER_ENV: 'production',
    OAUTH2_CLIENT_ID: 'mcp-client',
    OAUTH2_CLIENT_SECRET_FILE: secretFile,
  })
  try {
    const token = await call(session, 'create_oauth2_test_token')
    assert.not.ok(token.isError, text(token))
    const guide = await call(session, 'get_oauth2_flow_guide')
    assert.match(text(guide), new RegExp(`OAUTH2_CLIENT_SECRET="\\$\\(cat ${secretFile}\\)"`))
  } finally {
    await session.close()
    await server.stop()
  }
})

test('configuration errors: every problem on stderr, exit 1, nothing on stdout', async () => {
  const server = spawnRaw(await isolatedBundle('oauth2-tools'), [], {
    OAUTH2_URL: 'ftp://example',
    OAUTH2_CLIENT_SECRET: 'hunter2',
  })
  const exit = await within(server.exited, 10_000, 'exit on a bad configuration')
  assert.is(exit.code, 1)
  assert.match(server.stderr(), /oauth2-tools: invalid configuration:/)
  assert.match(server.stderr(), /OAUTH2_URL must be an http\(s\) URL/)
  assert.match(server.stderr(), /OAUTH2_CLIENT_SECRET is set but OAUTH2_CLIENT_ID is not/)
  assert.not.ok(server.stderr().includes('hunter2'))
  assert.equal(server.junk, [])
})

test('closing stdin ends the process within a second, exit 0', async () => {
  const server = spawnRaw(await isolatedBundle('oauth2-tools'))
  server.send(initializeRequest())
  const response = (await server.next()) as unknown as { result: { serverInfo: { name: string } } }
  assert.is(response.result.serverInfo.name, 'oauth2-tools')
  server.closeStdin()
  const exit = await within(server.exited, 5_000, 'exit after stdin closed')
  assert.is(exit.code, 0)
  assert.ok(exit.ms < 1_000, `exited ${Math.round(exit.ms)} ms after stdin closed`)
  assert.equal(server.junk, [])
})

test.run()
