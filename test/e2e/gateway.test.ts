// E2E: `node dist/gateway.mjs` (a copy beside only the bundles it starts, no node_modules) and
// `node dist/oauth2.mjs` on free ports in development mode, sharing the generated key: a token
// from the AS, the SDK client through the gateway, introspection-based revocation, the audit
// file, graceful SIGTERM with the children stopped, start-up refusal with one line per problem;
// the audit tools behind audit.read, a revoked token's open stream and session ended, RFC 9728
// discovery, no-store answers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { readAuditRecords } from '../../shared/audit/read.ts'
import { hashClientSecret } from '../../shared/clients/secret.ts'
import { textOf } from '../../shared/mcp/result.ts'
import { writeClientRegistryFile } from '../../shared/node/clients-file.ts'
import { bundlePath } from '../support/bundle.ts'
import { freePort } from '../support/ports.ts'
import { eventually } from '../support/events.ts'
import { FORM, startOAuth2, type RunningOAuth2 } from './oauth2-harness.ts'

interface RunningGateway {
  url: string
  child: ChildProcess
  stderr(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Copies the gateway bundle and the child bundles it starts into an empty folder. */
async function isolatedApp(dir: string): Promise<string> {
  const app = join(dir, 'app')
  mkdirSync(app)
  for (const name of ['gateway', 'sequential-thinking', 'context7'])
    copyFileSync(await bundlePath(name), join(app, `${name}.mjs`))
  return join(app, 'gateway.mjs')
}

function spawnGateway(path: string, env: Record<string, string>, cwd: string): RunningGateway {
  const child = spawn(process.execPath, [path], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return { url: `http://127.0.0.1:${env.PORT}`, child, stderr: () => stderr, exited }
}

async function waitFor(gateway: RunningGateway, pattern: RegExp, ms = 30_000) {
  const deadline = Date.now() + ms
  while (!pattern.test(gateway.stderr())) {
    if (gateway.child.exitCode !== null) throw new Error(`gateway exited:\n${gateway.stderr()}`)
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${gateway.stderr()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const e2e = suite('dist/gateway.mjs with dist/oauth2.mjs')
const state: { dir?: string; as?: RunningOAuth2; gateway?: RunningGateway; path?: string } = {}

e2e.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-e2e-'))
  const port = await freePort()
  const devDir = join(dir, '.dev')
  state.dir = dir
  // An operator client (audit.read) besides the development demo client, as docs/gateway.md says.
  const clients = join(dir, 'clients.json')
  writeClientRegistryFile(clients, [
    {
      clientId: 'operator',
      secretHash: await hashClientSecret('operator-secret'),
      scopes: ['mcp.access', 'audit.read'],
      audiences: [],
    },
  ])
  state.as = await startOAuth2({
    env: {
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: devDir,
      OAUTH2_DEFAULT_RESOURCE: `http://localhost:${port}/mcp`,
      OAUTH2_CLIENTS_FILE: clients,
    },
  })
  state.path = await isolatedApp(dir)
  const config = join(dir, 'gateway.json')
  writeFileSync(config, JSON.stringify({ limits: { revocationCacheSeconds: 0 } }))
  state.gateway = spawnGateway(
    state.path,
    {
      MCP_DOCKER_ENV: 'development',
      PORT: String(port),
      OAUTH2_ISSUER: state.as.url,
      MCP_DOCKER_DEV_DIR: devDir,
      AUDIT_LOG_FILE: join(dir, 'gateway-audit.jsonl'),
      GATEWAY_CONFIG_FILE: config,
    },
    dir,
  )
  await waitFor(state.gateway, /listening on /)
})

e2e.after(async () => {
  if (state.gateway && state.gateway.child.exitCode === null) state.gateway.child.kill('SIGKILL')
  await state.as?.stop()
})

async function token(
  client = 'mcp-client',
  secret = 'secret',
  scope = 'mcp.access',
): Promise<string> {
  const res = await fetch(`${state.as!.url}/oauth2/token`, {
    method: 'POST',
    headers: FORM,
    body: `grant_type=client_credentials&client_id=${client}&client_secret=${secret}&scope=${encodeURIComponent(scope)}`,
  })
  assert.is(res.status, 200)
  return ((await res.json()) as { access_token: string }).access_token
}

async function connect(bearer: string): Promise<Client> {
  const client = new Client({ name: 'e2e', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${state.gateway!.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
    }),
  )
  return client
}

e2e('start-up: every default server connected, the shared development key, ready', async () => {
  const stderr = state.gateway!.stderr()
  assert.match(stderr, /development token key: reusing .*oauth2-jwt-secret/)
  assert.match(
    stderr,
    /15 tools: security=ready oauth2=ready example=ready sequential-thinking=ready context7=ready/,
  )
  const ready = await fetch(`${state.gateway!.url}/ready`)
  assert.is(ready.status, 200)
  const metadata = (await (
    await fetch(`${state.gateway!.url}/.well-known/oauth-protected-resource/mcp`)
  ).json()) as { authorization_servers: string[]; resource: string }
  assert.equal(metadata.authorization_servers, [state.as!.url])
  assert.match(metadata.resource, /^http:\/\/localhost:\d+\/mcp$/)
})

e2e('a token from the AS; the SDK client lists and calls tools through the gateway', async () => {
  const bearer = await token()
  const client = await connect(bearer)
  const names = (await client.listTools()).tools.map((t) => t.name)
  for (const name of [
    'test_pii_detection',
    'validate_oauth2_setup',
    'echo',
    'sequentialthinking',
    'resolve-library-id',
  ])
    assert.ok(names.includes(name), name)
  const echo = await client.callTool({ name: 'echo', arguments: { text: 'mail kim@example.com' } })
  assert.is(textOf(echo as never), 'mail k***@example.com')
  const thought = await client.callTool({
    name: 'sequentialthinking',
    arguments: { thought: 'first', thoughtNumber: 1, totalThoughts: 1, nextThoughtNeeded: false },
  })
  assert.not.ok(thought.isError, textOf(thought as never))
  await client.close()
  // The gateway writes records off the request path: wait for the second one to land.
  const records = await eventually('two tool_call records in the audit file', () => {
    const lines = readFileSync(join(state.dir!, 'gateway-audit.jsonl'), 'utf8')
    const calls = readAuditRecords(lines).filter((r) => r.event === 'tool_call')
    return calls.length >= 2 ? calls : undefined
  })
  const jti = JSON.parse(Buffer.from(bearer.split('.')[1]!, 'base64url').toString()).jti
  assert.equal(
    records.map((r) => [r.tool, r.client_id, r.jti]),
    [
      ['echo', 'mcp-client', jti],
      ['sequentialthinking', 'mcp-client', jti],
    ],
  )
  const lines = readFileSync(join(state.dir!, 'gateway-audit.jsonl'), 'utf8')
  assert.not.ok(lines.includes('kim@example.com'))
  assert.not.ok(lines.includes(bearer))
})

e2e('a token revoked at the AS is refused at once (introspection, cache 0 s)', async () => {
  const bearer = await token()
  const client = await connect(bearer)
  await client.listTools()
  const revoke = await fetch(`${state.as!.url}/oauth2/revoke`, {
    method: 'POST',
    headers: { ...FORM, Authorization: `Basic ${btoa('mcp-client:secret')}` },
    body: `token=${bearer}`,
  })
  assert.is(revoke.status, 200)
  const res = await fetch(`${state.gateway!.url}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${bearer}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  })
  assert.is(res.status, 401)
  assert.match(
    res.headers.get('www-authenticate')!,
    /error="invalid_token", error_description="the access token was revoked"/,
  )
  await client.close().catch(() => {})
})

e2e(
  'the audit tools need audit.read: hidden from the demo client, served to an operator client',
  async () => {
    const audit = ['get_security_audit_log', 'generate_security_report']
    const agent = await connect(await token())
    const names = (await agent.listTools()).tools.map((t) => t.name)
    assert.ok(names.includes('test_pii_detection'))
    for (const name of audit) assert.not.ok(names.includes(name), name)
    const refused = await agent.callTool({ name: 'get_security_audit_log', arguments: {} }).then(
      () => 'answered',
      (error: Error) => error.message,
    )
    assert.match(refused, /403|insufficient_scope/)
    await agent.close()
    const operator = await connect(
      await token('operator', 'operator-secret', 'mcp.access audit.read'),
    )
    const all = (await operator.listTools()).tools.map((t) => t.name)
    for (const name of audit) assert.ok(all.includes(name), name)
    const log = await operator.callTool({ name: 'get_security_audit_log', arguments: { limit: 3 } })
    assert.not.ok(log.isError, textOf(log as never))
    await operator.close()
  },
)

e2e(
  "a revoked token's open GET stream ends and its session is gone, with no further request",
  async () => {
    const bearer = await token()
    const url = `${state.gateway!.url}/mcp`
    const headers = {
      Authorization: `Bearer ${bearer}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    }
    const init = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'e2e', version: '1' },
        },
      }),
    })
    assert.is(init.status, 200)
    const session = {
      'Mcp-Session-Id': init.headers.get('mcp-session-id')!,
      'MCP-Protocol-Version': '2025-11-25',
    }
    await init.body?.cancel()
    const stream = await fetch(url, {
      headers: { Authorization: `Bearer ${bearer}`, Accept: 'text/event-stream', ...session },
    })
    assert.is(stream.status, 200)
    assert.match(stream.headers.get('cache-control')!, /no-store/)
    const revoke = await fetch(`${state.as!.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { ...FORM, Authorization: `Basic ${btoa('mcp-client:secret')}` },
      body: `token=${bearer}`,
    })
    assert.is(revoke.status, 200)
    // The tokens of open streams are re-checked (every 5 s here): the stream ends by itself.
    const reader = stream.body!.getReader()
    const started = Date.now()
    while (!(await reader.read()).done);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`)
    const gone = await fetch(url, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${await token()}`, ...session },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    })
    assert.is(gone.status, 404)
    assert.is(gone.headers.get('cache-control'), 'no-store')
  },
)

e2e('RFC 9728: the challenge names the path-inserted document; no root document', async () => {
  const res = await fetch(`${state.gateway!.url}/mcp`, { method: 'POST' })
  assert.is(res.status, 401)
  const url = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate')!)![1]!
  assert.match(url, /\/\.well-known\/oauth-protected-resource\/mcp$/)
  const root = await fetch(`${state.gateway!.url}/.well-known/oauth-protected-resource`)
  assert.is(root.status, 404)
})

e2e(
  'SIGTERM with a client connected (open SSE stream): exits 0 promptly, children stopped',
  async () => {
    const gateway = state.gateway!
    const client = await connect(await token())
    await client.listTools()
    const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(gateway.child.pid)], {
      encoding: 'utf8',
    })
      .stdout.trim()
      .split('\n')
      .filter(Boolean)
    assert.is(children.length, 2, 'sequential-thinking and context7')
    const started = Date.now()
    gateway.child.kill('SIGTERM')
    const { code } = await gateway.exited
    assert.is(code, 0)
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
    await client.close().catch(() => {})
    for (const pid of children) {
      const alive = spawnSync('ps', ['-p', pid.trim()], { encoding: 'utf8' }).status === 0
      assert.not.ok(alive, `child ${pid} still running`)
    }
    assert.match(gateway.stderr(), /SIGTERM: stopping/)
  },
)

e2e('production without configuration: exit 1, one line per problem, nothing secret', async () => {
  const gateway = spawnGateway(
    state.path!,
    { MCP_DOCKER_ENV: 'production', PORT: String(await freePort()), JWT_SECRET: 'short' },
    state.dir!,
  )
  const { code } = await gateway.exited
  assert.is(code, 1)
  const lines = gateway.stderr().trim().split('\n')
  assert.is(lines[0], 'gateway: cannot start, invalid configuration:')
  assert.ok(
    lines.slice(1).every((l) => l.startsWith('  - ')),
    gateway.stderr(),
  )
  assert.ok(lines.some((l) => /JWT_SECRET must be at least 32 bytes/.test(l)))
  assert.ok(lines.some((l) => /GATEWAY_CLIENT_ID/.test(l)))
})

e2e.run()
