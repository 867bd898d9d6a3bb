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
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { entryForStack, entryTarget, readCursorEntries, SAMPLE_CALLS } from './cursor.ts'
import { BASE_IMAGE, docker, root, run } from './engine.ts'
import { isImageFile, REQUIRED_BUNDLES } from './image.ts'
import { bundleProcesses, containerProcesses, waitNoBundleProcess } from './processes.ts'
import { SERVICES, startStack, TEST_IMAGE, type ServiceName, type Stack } from './stack.ts'

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
  const published = JSON.parse((await docker(['inspect', s.containers.oauth2])).stdout)[0]
    .HostConfig.PortBindings['8081/tcp']
  assert.equal(
    published,
    [{ HostIp: '127.0.0.1', HostPort: String(s.ports.oauth2) }],
    'loopback only',
  )
})

it('writes: only /tmp and the audit log volume are writable', async () => {
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
  const withVolume: Record<ServiceName, boolean> = {
    oauth2: true,
    gateway: true,
    'third-party': false,
  }
  for (const service of SERVICES) {
    const result = await nodeIn<Record<string, string>>(
      s.containers[service],
      probe(['/tmp/probe', '/var/log/mcp-docker/probe', ...elsewhere]),
    )
    assert.is(result['/tmp/probe'], 'ok', `${service}: /tmp`)
    assert.is(
      result['/var/log/mcp-docker/probe'] === 'ok',
      withVolume[service],
      `${service}: the log volume (${result['/var/log/mcp-docker/probe']})`,
    )
    for (const path of elsewhere) {
      assert.ok(
        ['EROFS', 'EACCES', 'ENOENT'].includes(result[path]!),
        `${service}: ${path} ${result[path]}`,
      )
    }
  }
})

it('secrets: read-only files at /run/secrets readable by 65532, absent from the compose config', async () => {
  const s = need()
  const jwt = readFileSync(join(s.secretsDir, 'jwt_secret'), 'utf8').trim()
  const clientSecret = readFileSync(join(s.secretsDir, 'gateway_client_secret'), 'utf8').trim()
  const seen = await nodeIn<{ length: number; same: boolean }>(
    s.containers.oauth2,
    `const v = require('fs').readFileSync('/run/secrets/jwt_secret', 'utf8').trim();
     console.log(JSON.stringify({ length: v.length, same: v === ${JSON.stringify(jwt)} }))`,
  )
  assert.equal(seen, { length: jwt.length, same: true })
  assert.ok(jwt.length >= 32)
  const gateway = await nodeIn<string[]>(
    s.containers.gateway,
    `console.log(JSON.stringify(require('fs').readdirSync('/run/secrets').sort()))`,
  )
  assert.equal(gateway, ['fernet_keys', 'gateway_client_secret'], 'the gateway gets only its own')
  const thirdParty = await nodeIn<boolean>(
    s.containers['third-party'],
    `console.log(JSON.stringify(require('fs').existsSync('/run/secrets')))`,
  )
  assert.is(thirdParty, false, 'third-party containers get no secrets')
  const config = await s.compose(['config'])
  assert.not.ok(
    config.includes(jwt) || config.includes(clientSecret),
    'no secret in compose config',
  )
  const inspected = (await docker(['inspect', ...SERVICES.map((x) => s.containers[x])])).stdout
  assert.not.ok(inspected.includes(jwt) || inspected.includes(clientSecret), 'no secret in env')
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

it('.cursor/mcp.json: every entry, started as Cursor would, initializes, lists and calls a tool', async () => {
  const s = need()
  const entries = readCursorEntries()
  assert.ok(entries.length >= 3)
  for (const entry of entries) {
    const sample = SAMPLE_CALLS[entry.name]
    if (!sample)
      throw new Error(`no sample call for entry "${entry.name}" in test/docker/cursor.ts`)
    const { service, bundle } = entryTarget(entry)
    assert.ok(existsSync(join(root, 'dist', `${bundle}.mjs`)), `dist/${bundle}.mjs exists`)
    const { command, args } = entryForStack(entry, s)
    const transport = new StdioClientTransport({
      command,
      args,
      env: { ...clientEnv(), ...entry.env },
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
    await waitNoBundleProcess(s.containers[service], bundle)
  }
})

it('killing the docker exec client leaves no process in the container within 5 s', async () => {
  const s = need()
  for (const entry of readCursorEntries()) {
    const { service, bundle } = entryTarget(entry)
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
      MCP_SECRETS_DIR: s.secretsDir,
    },
    allowFail: true,
    timeoutMs: 60_000,
  })
  assert.is(result.code, 0, result.stdout + result.stderr)
  assert.match(result.stdout, /all checks passed/)
  assert.not.match(result.stdout, /FAIL/)
})

/** Copies the OAuth2 audit log out of its volume (`docker cp`) and verifies it with the CLI. */
async function auditCopy(s: Stack, dir: string, name: string) {
  const path = join(dir, name)
  await docker(['cp', `${s.containers.oauth2}:/var/log/mcp-docker/oauth2.jsonl`, path])
  const verify = await run(
    process.execPath,
    [join(root, 'dist/cli.mjs'), 'audit', 'verify', path, '--no-rotated'],
    {
      allowFail: true,
    },
  )
  return { text: readFileSync(path, 'utf8'), verify }
}

async function issueToken(s: Stack): Promise<void> {
  const secret = readFileSync(join(s.secretsDir, 'agent_client_secret'), 'utf8').trim()
  const response = await fetch(`${s.oauth2Url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=mcp-agent&client_secret=${encodeURIComponent(secret)}`,
  })
  assert.is(response.status, 200)
}

it('stop and start keep the audit log in its volume with an intact hash chain', async () => {
  const s = need()
  const dir = mkdtempSync(join(tmpdir(), 'mcp-docker-audit-'))
  try {
    await issueToken(s)
    const before = await auditCopy(s, dir, 'before.jsonl')
    assert.is(before.verify.code, 0, before.verify.stdout)
    await s.compose(['stop', '-t', '10'])
    await s.compose(['start'])
    await s.waitHealthy()
    await issueToken(s)
    const after = await auditCopy(s, dir, 'after.jsonl')
    assert.is(after.verify.code, 0, after.verify.stdout)
    assert.ok(after.text.startsWith(before.text), 'the records before the restart are unchanged')
    const records = after.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    assert.is(records.filter((r) => r.event === 'server_start').length, 2, 'two server starts')
    assert.ok(records.length > before.text.trim().split('\n').length + 1)
    assert.match(after.verify.stdout, /^OK \d+ record\(s\) in 1 file\(s\), chain intact/)
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
