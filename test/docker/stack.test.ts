// The container path on the real engine (issue 6): a private compose stack brought up with
// `up -d --build`, checked from the host and from inside, and torn down with `down -v` at the end,
// also when a test fails. Needs Docker: without a working engine every test here fails, saying why.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { SignJWT } from 'jose'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  entryForStack,
  entryTarget,
  readCursorEntries,
  SAMPLE_CALLS,
} from '../support/docker/cursor.ts'
import { BASE_IMAGE, docker, root, run } from '../support/docker/engine.ts'
import { isImageFile, REQUIRED_BUNDLES } from '../support/docker/image.ts'
import { bundleProcesses, containerProcesses, waitNoBundleProcess } from './processes.ts'
import {
  SERVICES,
  startStack,
  TEST_IMAGE,
  type ServiceName,
  type Stack,
} from '../support/docker/stack.ts'

const it = suite('docker stack')
let stack: Stack | undefined
let startError: unknown

/** The running stack, or the reason it could not start (so every later test fails clearly). */
function need(): Stack {
  if (stack) return stack
  throw new Error(`the stack did not start: ${(startError as Error)?.message ?? 'not attempted'}`)
}

/** Runs a Node script inside a container (`docker exec … node -e`) and parses its JSON output. */
async function nodeIn<T>(container: string, script: string): Promise<T> {
  const { stdout } = await docker(['exec', container, '/nodejs/bin/node', '-e', script])
  return JSON.parse(stdout) as T
}

const clientEnv = () => ({
  ...getDefaultEnvironment(),
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
})

it.after(async () => {
  await stack?.down()
})

it('compose up -d --build: every service becomes healthy', async () => {
  const started = performance.now()
  try {
    stack = await startStack()
  } catch (error) {
    startError = error
    throw error
  }
  console.log(`  stack healthy in ${((performance.now() - started) / 1000).toFixed(1)} s`)
})

it('image: OCI labels, node entrypoint, user 65532, only the bundles, a few MB over the base', async () => {
  const s = need()
  const [image] = JSON.parse((await docker(['image', 'inspect', TEST_IMAGE])).stdout)
  const [base] = JSON.parse((await docker(['image', 'inspect', BASE_IMAGE])).stdout)
  const labels = image.Config.Labels as Record<string, string>
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  assert.is(labels['org.opencontainers.image.version'], pkg.version, 'version label = package.json')
  assert.is(labels['org.opencontainers.image.licenses'], 'MIT')
  assert.ok(/^https?:\/\//.test(labels['org.opencontainers.image.source'] ?? ''), 'source label')
  assert.ok(
    labels['org.opencontainers.image.title'] && labels['org.opencontainers.image.description'],
  )
  assert.equal(image.Config.Entrypoint, ['/nodejs/bin/node'])
  assert.is(image.Config.User, '65532:65532')
  const app = await nodeIn<{ name: string; size: number; uid: number; mode: number }[]>(
    s.containers.oauth2,
    `const fs = require('fs'); console.log(JSON.stringify(fs.readdirSync('/app').map((name) => {
       const st = fs.statSync('/app/' + name); return { name, size: st.size, uid: st.uid, mode: st.mode & 0o777 } })))`,
  )
  const names = app.map((f) => f.name)
  for (const bundle of REQUIRED_BUNDLES) assert.ok(names.includes(`${bundle}.mjs`), bundle)
  assert.equal(
    names.filter((n) => !isImageFile(n)),
    [],
    'only .mjs and .LEGAL.txt in /app',
  )
  assert.ok(
    app.every((f) => f.uid === 0 && (f.mode & 0o022) === 0),
    'bundles owned by root, not writable by 65532',
  )
  const bundles = app.reduce((sum, f) => sum + f.size, 0)
  const added = image.Size - base.Size
  console.log(
    `  image ${(image.Size / 1e6).toFixed(1)} MB = base ${(base.Size / 1e6).toFixed(1)} MB + ${(added / 1e6).toFixed(2)} MB (bundles ${(bundles / 1e6).toFixed(2)} MB)`,
  )
  assert.ok(
    added <= bundles + 256 * 1024,
    `the image adds ${added} bytes for ${bundles} of bundles`,
  )
})

it('containers run as uid 65532 with no shell and no package manager', async () => {
  const s = need()
  for (const service of SERVICES) {
    const c = s.containers[service]
    const uids = new Set((await containerProcesses(c)).map((p) => p.uid))
    assert.equal([...uids], [65532], `${service}: every process runs as 65532`)
    const ids = await nodeIn<number[]>(
      c,
      'console.log(JSON.stringify([process.getuid(), process.getgid()]))',
    )
    assert.equal(ids, [65532, 65532], `${service}: uid and gid`)
    const sh = await docker(['exec', c, '/bin/sh', '-c', 'true'], { allowFail: true })
    assert.is.not(sh.code, 0, `${service}: /bin/sh must not run`)
    const present = await nodeIn<string[]>(
      c,
      `const fs = require('fs'); console.log(JSON.stringify(['/bin/sh', '/bin/bash', '/bin/dash', '/bin/busybox',
        '/usr/bin/apt', '/usr/bin/apt-get', '/usr/bin/dpkg', '/sbin/apk', '/usr/bin/npm'].filter((p) => fs.existsSync(p))))`,
    )
    assert.equal(present, [], `${service}: no shell or package manager`)
  }
})

it('hardening: read-only root, tmpfs /tmp, no capabilities, no-new-privileges, limits, init, restart', async () => {
  const s = need()
  for (const service of SERVICES) {
    const c = s.containers[service]
    const [info] = JSON.parse((await docker(['inspect', c])).stdout)
    const h = info.HostConfig
    assert.ok(h.ReadonlyRootfs, `${service}: read_only`)
    assert.ok(Object.keys(h.Tmpfs ?? {}).includes('/tmp'), `${service}: tmpfs /tmp`)
    assert.equal(h.CapDrop, ['ALL'], `${service}: cap_drop ALL`)
    assert.ok(
      (h.SecurityOpt ?? []).includes('no-new-privileges:true'),
      `${service}: no-new-privileges`,
    )
    assert.ok(h.Memory > 0 && h.Memory <= 1024 ** 3, `${service}: memory limit ${h.Memory}`)
    assert.ok(h.PidsLimit > 0 && h.PidsLimit <= 512, `${service}: pids limit ${h.PidsLimit}`)
    assert.ok(h.Init, `${service}: init`)
    assert.is(h.RestartPolicy.Name, 'unless-stopped', `${service}: restart policy`)
    assert.ok(info.Config.Healthcheck?.Test?.[0] === 'CMD', `${service}: shell-less health check`)
    const status = await nodeIn<{ capEff: string; noNewPrivs: string }>(
      c,
      `const t = require('fs').readFileSync('/proc/self/status', 'utf8');
       const f = (k) => new RegExp('^' + k + ':\\\\s*(\\\\S+)', 'm').exec(t)[1];
       console.log(JSON.stringify({ capEff: f('CapEff'), noNewPrivs: f('NoNewPrivs') }))`,
    )
    assert.equal(status, { capEff: '0000000000000000', noNewPrivs: '1' }, `${service}: kernel view`)
  }
  for (const [service, port] of [
    ['oauth2', 8081],
    ['gateway', 8080],
  ] as const) {
    const published = JSON.parse((await docker(['inspect', s.containers[service]])).stdout)[0]
      .HostConfig.PortBindings[`${port}/tcp`]
    assert.equal(
      published,
      [{ HostIp: '127.0.0.1', HostPort: String(s.ports[service]) }],
      `${service}: loopback only`,
    )
  }
})

it('writes: only /tmp and the volumes (audit logs; the OAuth2 state) are writable', async () => {
  const s = need()
  const probe = (paths: string[]) => `const fs = require('fs'); const out = {};
    for (const p of ${JSON.stringify(paths)}) {
      try { fs.writeFileSync(p, 'x'); fs.unlinkSync(p); out[p] = 'ok' } catch (e) { out[p] = e.code }
    }
    console.log(JSON.stringify(out))`
  const elsewhere = [
    '/probe',
    '/app/probe',
    '/app/oauth2.mjs',
    '/etc/probe',
    '/home/nonroot/probe',
    '/nodejs/bin/probe',
    '/var/probe',
    '/run/secrets/probe',
  ]
  const volumes = ['/var/log/mcp-docker', '/var/lib/mcp-docker']
  const writable: Record<ServiceName, string[]> = {
    oauth2: volumes,
    gateway: ['/var/log/mcp-docker'],
    'third-party': [],
  }
  for (const service of SERVICES) {
    const result = await nodeIn<Record<string, string>>(
      s.containers[service],
      probe(['/tmp/probe', ...volumes.map((v) => `${v}/probe`), ...elsewhere]),
    )
    assert.is(result['/tmp/probe'], 'ok', `${service}: /tmp`)
    for (const volume of volumes) {
      const code = result[`${volume}/probe`]
      assert.is(
        code === 'ok',
        writable[service].includes(volume),
        `${service}: ${volume} (${code})`,
      )
    }
    for (const path of elsewhere) {
      assert.ok(
        ['EROFS', 'EACCES', 'ENOENT'].includes(result[path]!),
        `${service}: ${path} ${result[path]}`,
      )
    }
  }
})

it('secrets: read-only files at /run/secrets readable by 65532, only the AS holds the signing key', async () => {
  const s = need()
  const key = readFileSync(join(s.secretsDir, 'jwt_private_key.json'), 'utf8').trim()
  const privatePart = (JSON.parse(key) as { d: string }).d
  const clientSecret = readFileSync(join(s.secretsDir, 'gateway_client_secret'), 'utf8').trim()
  const seen = await nodeIn<{ same: boolean }>(
    s.containers.oauth2,
    `const v = require('fs').readFileSync('/run/secrets/jwt_private_key', 'utf8').trim();
     console.log(JSON.stringify({ same: v === ${JSON.stringify(key)} }))`,
  )
  assert.equal(seen, { same: true })
  // ES256 (JW-5): the gateway verifies with the AS's public JWKS and has no key to mint tokens.
  const gateway = await nodeIn<string[]>(
    s.containers.gateway,
    `console.log(JSON.stringify(require('fs').readdirSync('/run/secrets').sort()))`,
  )
  assert.equal(
    gateway,
    ['audit_key', 'audit_signing_key', 'fernet_keys', 'gateway_client_secret'],
    'the gateway gets only its own (its audit keys included)',
  )
  const oauth2 = await nodeIn<string[]>(
    s.containers.oauth2,
    `console.log(JSON.stringify(require('fs').readdirSync('/run/secrets').sort()))`,
  )
  assert.equal(oauth2, ['audit_key', 'audit_signing_key', 'jwt_private_key', 'oauth2_clients'])
  // Each writer its own audit key: the gateway's is not the AS's.
  const auditKeys = await Promise.all(
    (['gateway', 'oauth2'] as const).map((service) =>
      nodeIn<string>(
        s.containers[service],
        `console.log(JSON.stringify(require('fs').readFileSync('/run/secrets/audit_key', 'utf8')))`,
      ),
    ),
  )
  assert.is(auditKeys[0], readFileSync(join(s.secretsDir, 'gateway_audit_key'), 'utf8'))
  assert.is(auditKeys[1], readFileSync(join(s.secretsDir, 'oauth2_audit_key'), 'utf8'))
  const jwks = (await (await fetch(`${s.oauth2Url}/.well-known/jwks.json`)).json()) as {
    keys: Record<string, string>[]
  }
  assert.is(jwks.keys.length, 1)
  assert.is(jwks.keys[0]!.d, undefined, 'the JWKS carries the public key only')
  const thirdParty = await nodeIn<boolean>(
    s.containers['third-party'],
    `console.log(JSON.stringify(require('fs').existsSync('/run/secrets')))`,
  )
  assert.is(thirdParty, false, 'third-party containers get no secrets')
  const config = await s.compose(['config'])
  assert.not.ok(
    config.includes(privatePart) || config.includes(clientSecret),
    'no secret in compose config',
  )
  const inspected = (await docker(['inspect', ...SERVICES.map((x) => s.containers[x])])).stdout
  assert.not.ok(
    inspected.includes(privatePart) || inspected.includes(clientSecret),
    'no secret in env',
  )
})

it('OAuth2 from the host: metadata, token and /hello (seed flows, RS-1)', async () => {
  const s = need()
  const metadata = (await (
    await fetch(`${s.oauth2Url}/.well-known/openid-configuration`)
  ).json()) as Record<string, string>
  assert.is(metadata.issuer, s.oauth2Url)
  assert.is(metadata.token_endpoint, `${s.oauth2Url}/oauth2/token`)
  const secret = readFileSync(join(s.secretsDir, 'agent_client_secret'), 'utf8').trim()
  const response = await fetch(`${s.oauth2Url}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`mcp-agent:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=mcp.access',
  })
  assert.is(response.status, 200)
  const token = (await response.json()) as Record<string, string>
  assert.is(token.token_type, 'Bearer')
  const hello = await fetch(`${s.oauth2Url}/hello`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  })
  assert.is(hello.status, 200)
  assert.is(((await hello.json()) as Record<string, string>).authenticated_client, 'mcp-agent')
  const anonymous = await fetch(`${s.oauth2Url}/hello`)
  assert.is(anonymous.status, 401)
  assert.ok(anonymous.headers.get('www-authenticate')?.startsWith('Bearer'))
  const demo = await fetch(`${s.oauth2Url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=mcp-client&client_secret=secret',
  })
  assert.is(demo.status, 401, 'production mode: the demo client does not exist')
})

const agentSecret = (s: Stack) =>
  readFileSync(join(s.secretsDir, 'agent_client_secret'), 'utf8').trim()

/** A client-credentials token of `mcp-agent` for the gateway's resource (RFC 8707). */
async function gatewayToken(s: Stack): Promise<string> {
  const response = await fetch(`${s.oauth2Url}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`mcp-agent:${agentSecret(s)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=client_credentials&resource=${encodeURIComponent(`${s.gatewayUrl}/mcp`)}`,
  })
  assert.is(response.status, 200, 'token for the gateway')
  return ((await response.json()) as { access_token: string }).access_token
}

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, string>

/** An SDK client over Streamable HTTP to the gateway's published port with `token`. */
async function gatewayClient(s: Stack, token: string): Promise<Client> {
  const client = new Client({ name: 'docker-test-agent', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${s.gatewayUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  )
  return client
}

const toolText = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')

/** The gateway's token of the HTTP test (its audit records are checked afterwards). */
let httpToken: string | undefined

it("gateway over HTTP from the host: 401 with resource_metadata, every server's tools, a call, PII masked (RS-3, MCP-A4, PII-4)", async () => {
  const s = need()
  const resource = `${s.gatewayUrl}/mcp`
  const metadata = (await (
    await fetch(`${s.gatewayUrl}/.well-known/oauth-protected-resource/mcp`)
  ).json()) as { resource: string; authorization_servers: string[] }
  assert.is(metadata.resource, resource, 'RFC 9728 resource = the published URL + /mcp')
  assert.equal(metadata.authorization_servers, [s.oauth2Url], 'the issuer the host reaches')

  const anonymous = await fetch(resource, { method: 'POST' })
  assert.is(anonymous.status, 401)
  const challenge = anonymous.headers.get('www-authenticate') ?? ''
  assert.ok(
    challenge.includes(
      `resource_metadata="${s.gatewayUrl}/.well-known/oauth-protected-resource/mcp"`,
    ),
    challenge,
  )
  assert.not.ok(challenge.includes('error='), 'no error code without credentials (RS-3)')

  // A token with the right claims signed HS256 with a key of our own: the gateway verifies ES256
  // with the AS's public key only (JW-6), so nothing but the AS can mint its tokens.
  const now = Math.floor(Date.now() / 1000)
  const forged = await new SignJWT({ client_id: 'mcp-agent', scope: 'mcp.access', jti: 'forged' })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(s.oauth2Url)
    .setAudience(resource)
    .setSubject('mcp-agent')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(crypto.getRandomValues(new Uint8Array(32)))
  const refused = await fetch(resource, {
    method: 'POST',
    headers: { authorization: `Bearer ${forged}` },
  })
  assert.is(refused.status, 401)
  assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/)

  const health = await fetch(`${s.gatewayUrl}/health`)
  assert.equal([health.status, await health.json()], [200, { status: 'ok' }])

  httpToken = await gatewayToken(s)
  const client = await gatewayClient(s, httpToken)
  try {
    const { tools } = await client.listTools()
    const names = tools.map((t) => t.name)
    // One tool of each server: security, oauth2, example (in-process), the two children.
    for (const name of [
      'test_pii_detection',
      'validate_oauth2_setup',
      'add',
      'sequentialthinking',
      'resolve-library-id',
    ]) {
      assert.ok(names.includes(name), `${name} listed (${names.join(', ')})`)
    }
    const sum = (await client.callTool({
      name: 'add',
      arguments: { a: 2, b: 3 },
    })) as CallToolResult
    assert.equal([sum.isError, sum.structuredContent], [undefined, { sum: 5 }])
    const pii = (await client.callTool({
      name: 'test_pii_detection',
      arguments: { text: 'write to kim@example.com' },
    })) as CallToolResult
    assert.not.ok(pii.isError, toolText(pii))
    assert.ok(Number(pii.structuredContent?.totalDetections) >= 1, 'the e-mail address detected')
    assert.not.ok(JSON.stringify(pii).includes('kim@example.com'), 'and masked in the result')
    const echo = (await client.callTool({
      name: 'echo',
      arguments: { text: 'mail kim@example.com' },
    })) as CallToolResult
    assert.is(toolText(echo), 'mail k***@example.com', 'the result policy masks (PII-4)')
    // Context7 only with invalid arguments: refused by its own validation, nothing sent out.
    const context7 = (await client.callTool({
      name: 'resolve-library-id',
      arguments: {},
    })) as CallToolResult
    assert.ok(context7.isError && /valid|required/i.test(toolText(context7)), toolText(context7))
  } finally {
    await client.close()
  }

  // The gateway container with its two children running and a session served stays well
  // inside its memory limit (room for the exec'd sessions next to it).
  const [info] = JSON.parse((await docker(['inspect', s.containers.gateway])).stdout)
  const stats = await docker([
    'stats',
    '--no-stream',
    '--format',
    '{{.MemUsage}}',
    s.containers.gateway,
  ])
  const used = /^([\d.]+)MiB/.exec(stats.stdout.trim())
  const limitMiB = info.HostConfig.Memory / 2 ** 20
  console.log(`  gateway container memory ${stats.stdout.trim()} (limit ${limitMiB} MiB)`)
  assert.ok(used && Number(used[1]) < limitMiB / 2, `memory ${stats.stdout.trim()}`)
})

/**
 * Copies an audit log out of its volume (`docker cp`) and verifies it with the CLI, with its
 * writer's audit key and checkpoint public key from the stack's secrets (`<writer>_audit_*`).
 */
async function auditCopy(container: string, file: string, dir: string, name: string) {
  const path = join(dir, name)
  await docker(['cp', `${container}:/var/log/mcp-docker/${file}`, path])
  const writer = file.replace(/\.jsonl$/, '')
  const secrets = need().secretsDir
  const verify = await run(
    process.execPath,
    [
      join(root, 'dist/cli.mjs'),
      'audit',
      'verify',
      path,
      '--no-rotated',
      '--key',
      join(secrets, `${writer}_audit_key`),
      '--public-key',
      join(secrets, `${writer}_audit_signing_key.pub.jwk`),
    ],
    { allowFail: true },
  )
  const text = readFileSync(path, 'utf8')
  const records = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  return { text, records, verify }
}

it('gateway audit log: one record per call with client_id and jti, no raw values, chain intact (LOG-3)', async () => {
  const s = need()
  assert.ok(httpToken, 'the HTTP test ran')
  const dir = mkdtempSync(join(tmpdir(), 'mcp-docker-audit-'))
  try {
    const log = await auditCopy(s.containers.gateway, 'gateway.jsonl', dir, 'gateway.jsonl')
    assert.is(log.verify.code, 0, log.verify.stdout + log.verify.stderr)
    const jti = claims(httpToken!).jti
    const calls = log.records.filter((r) => r.event === 'tool_call' && r.jti === jti)
    assert.equal(
      calls.map((r) => [r.tool, r.client_id]),
      [
        ['add', 'mcp-agent'],
        ['test_pii_detection', 'mcp-agent'],
        ['echo', 'mcp-agent'],
        ['resolve-library-id', 'mcp-agent'],
      ],
    )
    const echo = calls.find((r) => r.tool === 'echo')!
    assert.equal([echo.action, echo.pii], ['mask', { email: 2 }], 'PII types and counts only')
    assert.not.ok(log.text.includes('kim@example.com'), 'no raw PII')
    assert.not.ok(log.text.includes(httpToken!), 'no token')
    assert.not.ok(log.text.includes(agentSecret(s)), 'no secret')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** Starts a `.cursor/mcp.json` entry as Cursor would (aimed at the stack) and connects a client. */
async function cursorSession(s: Stack, name: string) {
  const entry = readCursorEntries().find((e) => e.name === name)!
  const { command, args, env, cwd } = entryForStack(entry, s)
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: { ...clientEnv(), ...env },
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk) => (stderr += chunk))
  const client = new Client({ name: 'cursor-as-tested', version: '1.0.0' })
  await client.connect(transport)
  return { client, stderr: () => stderr }
}

it("Cursor's exec'd servers audit into the gateway's chain (collector); get_security_audit_log in that session lists its own calls; verify with the keys passes", async () => {
  const s = need()
  // The collector's socket: a tmpfs only uid 65532 may enter, the socket itself 0600.
  const sock = await nodeIn<{ dir: string; sock: string }>(
    s.containers.gateway,
    `const fs = require('fs'); const d = fs.statSync('/run/mcp-docker'), k = fs.statSync('/run/mcp-docker/audit.sock');
     console.log(JSON.stringify({ dir: (d.mode & 0o777).toString(8) + ' ' + d.uid, sock: (k.mode & 0o777).toString(8) + ' ' + k.uid + ' ' + k.isSocket() }))`,
  )
  assert.equal(sock, { dir: '700 65532', sock: '600 65532 true' })
  const dir = mkdtempSync(join(tmpdir(), 'mcp-docker-audit-'))
  try {
    const before = await auditCopy(s.containers.gateway, 'gateway.jsonl', dir, 'before.jsonl')
    const lastSeq = Number(before.records.at(-1)!.seq)
    const example = await cursorSession(s, 'example')
    const security = await cursorSession(s, 'security-tools')
    let listed: CallToolResult
    try {
      const sum = (await example.client.callTool({
        name: 'add',
        arguments: { a: 20, b: 22 },
      })) as CallToolResult
      assert.equal(sum.structuredContent, { sum: 42 })
      const pii = (await security.client.callTool({
        name: 'test_pii_detection',
        arguments: { text: 'write to kim@example.com' },
      })) as CallToolResult
      assert.not.ok(pii.isError, toolText(pii))
      listed = (await security.client.callTool({
        name: 'get_security_audit_log',
        arguments: { event_type: 'tool_call', limit: 20 },
      })) as CallToolResult
    } finally {
      await example.client.close()
      await security.client.close()
    }
    const content = listed.structuredContent as {
      available: boolean
      file: string
      records: { seq: number; tool?: string; pii?: Record<string, number> }[]
    }
    assert.is(content.file, '/var/log/mcp-docker/gateway.jsonl', toolText(listed))
    const own = content.records.filter((r) => r.seq > lastSeq).map((r) => [r.tool, r.pii])
    // This session's own call, listed in the same session (the other session's too: one chain).
    assert.ok(
      own.some(
        ([tool, pii]) => tool === 'test_pii_detection' && JSON.stringify(pii) === '{"email":1}',
      ),
      `own call listed: ${JSON.stringify(own)}`,
    )
    assert.ok(
      own.some(([tool]) => tool === 'add'),
      `the example session's call: ${JSON.stringify(own)}`,
    )
    for (const session of [example, security])
      assert.not.match(session.stderr(), /audit_fallback|"event":"tool_call"/, 'not on stderr')
    await waitNoBundleProcess(s.containers.gateway, 'security-tools')
    await waitNoBundleProcess(s.containers.gateway, 'example')
    // In the gateway's file, chained with the gateway's own records; keyed, checkpoints signed.
    const after = await auditCopy(s.containers.gateway, 'gateway.jsonl', dir, 'after.jsonl')
    assert.is(after.verify.code, 0, after.verify.stdout + after.verify.stderr)
    assert.match(after.verify.stdout, /macs checked/)
    assert.match(after.verify.stdout, /signatures checked/)
    const tools = after.records
      .filter((r) => Number(r.seq) > lastSeq && r.event === 'tool_call')
      .map((r) => r.tool)
    for (const tool of ['add', 'test_pii_detection', 'get_security_audit_log'])
      assert.ok(tools.includes(tool), `${tool} in gateway.jsonl: ${tools.join(', ')}`)
    assert.ok(
      before.records.some((r) => r.event === 'server_start' && /^gateway/.test(String(r.detail))),
      "the gateway's own records in the same file",
    )
    assert.ok(
      after.records.every((r) => typeof r.mac === 'string'),
      'every record keyed',
    )
    assert.not.ok(after.text.includes('kim@example.com'), 'no raw PII')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('.cursor/mcp.json: every entry, started as Cursor would, initializes, lists and calls a tool', async () => {
  const s = need()
  const entries = readCursorEntries()
  assert.ok(entries.length >= 3)
  for (const entry of entries) {
    const sample = SAMPLE_CALLS[entry.name]
    if (!sample)
      throw new Error(`no sample call for entry "${entry.name}" in test/support/docker/cursor.ts`)
    const target = entryTarget(entry)
    assert.ok(existsSync(join(root, 'dist', `${target.bundle}.mjs`)), `dist/${target.bundle}.mjs`)
    // Host entries (connect): the same command, args and env, with the stack's gateway port and
    // secrets folder; they reach the gateway's published port like Cursor on the host.
    const { command, args, env, cwd } = entryForStack(entry, s)
    const transport = new StdioClientTransport({
      command,
      args,
      cwd,
      env: { ...clientEnv(), ...env },
      stderr: 'pipe',
    })
    let stderr = ''
    transport.stderr?.on('data', (chunk) => (stderr += chunk))
    const client = new Client({ name: 'cursor-as-tested', version: '1.0.0' })
    const started = performance.now()
    try {
      await client.connect(transport)
      const initMs = performance.now() - started
      const { tools } = await client.listTools()
      assert.ok(
        tools.some((t) => t.name === sample.tool),
        `${entry.name} lists ${sample.tool}`,
      )
      const result = await client.callTool({ name: sample.tool, arguments: sample.arguments })
      sample.check(result as never)
      console.log(`  ${entry.name}: initialize in ${initMs.toFixed(0)} ms, ${tools.length} tools`)
    } catch (error) {
      throw new Error(`${entry.name}: ${(error as Error).message}\nstderr: ${stderr.slice(-1000)}`)
    } finally {
      await client.close()
    }
    if (target.kind === 'exec')
      await waitNoBundleProcess(s.containers[target.service], target.bundle)
  }
})

it('killing the docker exec client leaves no process in the container within 5 s', async () => {
  const s = need()
  for (const entry of readCursorEntries()) {
    const target = entryTarget(entry)
    // A host entry (connect) starts nothing in a container; its exit is tested in test/e2e.
    if (target.kind !== 'exec') continue
    const { service, bundle } = target
    const { command, args } = entryForStack(entry, s)
    const child = spawn(command, args, { env: clientEnv(), stdio: ['pipe', 'pipe', 'ignore'] })
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${entry.name}: no initialize result`)),
        20_000,
      )
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (chunk.includes('"id":1')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'kill-test', version: '1' } } })}\n`,
    )
    await answered
    // Through the guard: the guard and its child both name the bundle on their command line.
    const expected = args.includes('/app/guard.mjs') ? 2 : 1
    const running = bundleProcesses(await containerProcesses(s.containers[service]), bundle)
    assert.is(running.length, expected, `${entry.name}: server processes while connected`)
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    const ms = await waitNoBundleProcess(s.containers[service], bundle, 5000)
    console.log(`  ${entry.name}: gone ${ms.toFixed(0)} ms after the client was killed`)
  }
})

it('run_mcp_server_with_logging.sh serves a bundle and appends its stderr to a log file', async () => {
  const s = need()
  const logDir = mkdtempSync(join(tmpdir(), 'mcp-docker-logs-'))
  try {
    const transport = new StdioClientTransport({
      command: 'bash',
      args: [
        join(root, 'scripts/run_mcp_server_with_logging.sh'),
        s.containers['third-party'],
        'sequential-thinking',
      ],
      env: { ...clientEnv(), MCP_LOG_DIR: logDir },
      stderr: 'pipe',
    })
    const client = new Client({ name: 'logging-wrapper', version: '1.0.0' })
    await client.connect(transport)
    const { tools } = await client.listTools()
    assert.ok(tools.length > 0)
    await client.close()
    await waitNoBundleProcess(s.containers['third-party'], 'sequential-thinking')
    const log = readFileSync(join(logDir, 'sequential-thinking.log'), 'utf8')
    assert.match(
      log,
      new RegExp(`^=== \\S+ ${s.containers['third-party']} /app/sequential-thinking.mjs`),
    )
    assert.match(log, /Sequential Thinking MCP Server running on stdio/)

    // security-tools next to the gateway: its audit tools read the gateway's log, and its own
    // record lands there too (the collector), not in the log file.
    const security = new Client({ name: 'logging-wrapper', version: '1.0.0' })
    await security.connect(
      new StdioClientTransport({
        command: 'bash',
        args: [
          join(root, 'scripts/run_mcp_server_with_logging.sh'),
          s.containers.gateway,
          'security-tools',
        ],
        env: { ...clientEnv(), MCP_LOG_DIR: logDir },
        stderr: 'pipe',
      }),
    )
    const result = (await security.callTool({
      name: 'get_security_audit_log',
      arguments: { limit: 1 },
    })) as CallToolResult
    await security.close()
    await waitNoBundleProcess(s.containers.gateway, 'security-tools')
    assert.equal(
      [result.structuredContent?.available, result.structuredContent?.file],
      [true, '/var/log/mcp-docker/gateway.jsonl'],
      toolText(result),
    )
    assert.not.match(
      readFileSync(join(logDir, 'security-tools.log'), 'utf8'),
      /"tool":"get_security_audit_log"|audit_fallback/,
    )
    const chain = await auditCopy(s.containers.gateway, 'gateway.jsonl', logDir, 'gateway.jsonl')
    assert.ok(chain.records.some((r) => r.tool === 'get_security_audit_log'))
  } finally {
    rmSync(logDir, { recursive: true, force: true })
  }
})

it('health_check.sh: every check passes against the stack', async () => {
  const s = need()
  const result = await run('bash', ['scripts/health_check.sh'], {
    env: {
      MCP_CONTAINER_PREFIX: s.project,
      MCP_OAUTH2_PORT: String(s.ports.oauth2),
      MCP_GATEWAY_PORT: String(s.ports.gateway),
      MCP_SECRETS_DIR: s.secretsDir,
    },
    allowFail: true,
    timeoutMs: 60_000,
  })
  assert.is(result.code, 0, result.stdout + result.stderr)
  assert.match(result.stdout, /all checks passed/)
  assert.not.match(result.stdout, /FAIL/)
  for (const row of [
    'gateway /health',
    'gateway 401 without a token',
    'tool call add (HTTP gateway)',
    '  exec call in gateway.jsonl',
    'audit chain gateway.jsonl',
  ])
    assert.match(result.stdout, new RegExp(`^${row.replace(/[()/]/g, '\\$&')} +ok `, 'm'), row)
})

async function issueToken(s: Stack): Promise<void> {
  const secret = readFileSync(join(s.secretsDir, 'agent_client_secret'), 'utf8').trim()
  const response = await fetch(`${s.oauth2Url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=mcp-agent&client_secret=${encodeURIComponent(secret)}`,
  })
  assert.is(response.status, 200)
}

/** One gateway tool call with a new token (and so a new session). */
async function gatewayCall(s: Stack): Promise<void> {
  const client = await gatewayClient(s, await gatewayToken(s))
  try {
    const result = (await client.callTool({
      name: 'add',
      arguments: { a: 1, b: 1 },
    })) as CallToolResult
    assert.equal(result.structuredContent, { sum: 2 })
  } finally {
    await client.close()
  }
}

it('stop and start keep both audit logs with intact hash chains, and revocations (LOG-5, RV-5)', async () => {
  const s = need()
  const dir = mkdtempSync(join(tmpdir(), 'mcp-docker-audit-'))
  const logs = [
    [s.containers.oauth2, 'oauth2.jsonl'],
    [s.containers.gateway, 'gateway.jsonl'],
  ] as const
  try {
    await issueToken(s)
    await gatewayCall(s)
    // A token revoked before the restart (never shown to the gateway, so nothing is cached there).
    const revoked = await gatewayToken(s)
    const revocation = await fetch(`${s.oauth2Url}/oauth2/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`mcp-agent:${agentSecret(s)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `token=${revoked}`,
    })
    assert.is(revocation.status, 200)
    const before = await Promise.all(
      logs.map(([container, file]) => auditCopy(container, file, dir, `before-${file}`)),
    )
    for (const log of before) assert.is(log.verify.code, 0, log.verify.stdout)
    await s.compose(['stop', '-t', '10'])
    await s.compose(['start'])
    await s.waitHealthy()
    await issueToken(s)
    await gatewayCall(s)
    // The revocation survived the restart (OAUTH2_REVOCATION_FILE on the state volume, RV-5): the
    // gateway asks the new OAuth2 process, which still refuses the token.
    const refused = await fetch(`${s.gatewayUrl}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${revoked}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'revoked', version: '1' },
        },
      }),
    })
    assert.is(refused.status, 401, 'the revoked token stays refused after the restart')
    assert.match(refused.headers.get('www-authenticate') ?? '', /revoked/)
    for (const [i, [container, file]] of logs.entries()) {
      const after = await auditCopy(container, file, dir, `after-${file}`)
      assert.is(after.verify.code, 0, `${file}: ${after.verify.stdout}`)
      assert.ok(after.text.startsWith(before[i]!.text), `${file}: the records before are unchanged`)
      assert.is(
        after.records.filter((r) => r.event === 'server_start').length,
        2,
        `${file}: two server starts`,
      )
      assert.ok(after.records.length > before[i]!.records.length + 1, `${file}: new records`)
      assert.match(after.verify.stdout, /^OK \d+ record\(s\) in 1 file\(s\), chain intact/)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('down -v removes the containers and the volumes', async () => {
  const s = need()
  await s.down()
  const filter = `label=com.docker.compose.project=${s.project}`
  const left = await docker(['ps', '-aq', '--filter', filter])
  assert.is(left.stdout.trim(), '', 'no container left')
  const volumes = await docker(['volume', 'ls', '-q', '--filter', filter])
  assert.is(volumes.stdout.trim(), '', 'no volume left')
})

it.run()
