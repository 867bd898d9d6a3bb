// OAuth2 server throughput over HTTP: token issuance and GET /hello of the built bundle
// (dist/oauth2.mjs: Hono on @hono/node-server, jose, audit log to a file) against the speed limit,
// a bare node:http server signing and verifying the same JWTs with node:crypto HMAC
// (bench/oauth2-raw-server.mjs). Each server and the load generator (bench/http-load.mjs) run in
// their own processes; rounds alternate between the servers and the median is reported.
// Run: npm run bench -- oauth2      (targets: /hello ≥ 0.8×, token issuance ≥ 0.6×)
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/support/ports.ts'
import { report } from './report.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'bench-oauth2-secret-0123456789abcdefghij'
const AUDIENCE = 'http://localhost:8080/mcp'
const BASIC = `Basic ${Buffer.from('mcp-client:secret').toString('base64')}`
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)

async function start(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  for (let i = 0; !ready.test(err); i++) {
    if (child.exitCode !== null || i > 200) throw new Error(`server did not start:\n${err}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return child
}

interface Load {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

interface Sample {
  /** successful requests per wall-clock second */
  rps: number
  /** successful requests per CPU-second of the server process: insensitive to other load */
  perCpuSecond: number
}

/** Runs the load generator in its own process against `server`; measures throughput and server CPU. */
async function measureServer(server: ChildProcess, spec: Load): Promise<Sample> {
  const before = cpuSeconds(server.pid!)
  const { rps, all } = await load(spec)
  const used = cpuSeconds(server.pid!) - before
  return { rps, perCpuSecond: all / used }
}

/** Runs the load generator in its own process; resolves with its result. */
function load(spec: Load): Promise<{ rps: number; all: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bench/http-load.mjs'),
        JSON.stringify({
          ...spec,
          connections: CONNECTIONS,
          warmupMs: 500,
          durationMs: DURATION_MS,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (${code})`))
      const result = JSON.parse(out) as { ok: number; all: number; failed: number; rps: number }
      if (result.failed > 0)
        return reject(new Error(`${result.failed} requests failed against ${spec.url}`))
      resolve(result)
    })
  })
}

async function tokenOf(base: string): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: BASIC },
    body: 'grant_type=client_credentials&scope=mcp.access',
  })
  if (res.status !== 200) throw new Error(`token request to ${base} failed: ${res.status}`)
  return ((await res.json()) as { access_token: string }).access_token
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

if (!existsSync(join(root, 'dist/oauth2.mjs'))) {
  // @ts-expect-error: plain ESM build script without type declarations
  const { buildAll } = await import('../scripts/build.mjs')
  await buildAll({ quiet: true })
}

const dir = mkdtempSync(join(tmpdir(), 'oauth2-bench-'))
const [oursPort, rawPort] = [await freePort(), await freePort()]
const ours = `http://127.0.0.1:${oursPort}`
const raw = `http://127.0.0.1:${rawPort}`
const servers = [
  await start(
    [join(root, 'dist/oauth2.mjs')],
    {
      MCP_DOCKER_ENV: 'development',
      PORT: String(oursPort),
      OAUTH2_ISSUER: ours,
      JWT_SECRET: SECRET,
      AUDIT_LOG_FILE: join(dir, 'audit.jsonl'),
      MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
    },
    /listening on/,
  ),
  await start(
    [
      join(root, 'bench/oauth2-raw-server.mjs'),
      JSON.stringify({
        port: rawPort,
        secret: SECRET,
        issuer: raw,
        audience: AUDIENCE,
        clientId: 'mcp-client',
        clientSecret: 'secret',
      }),
    ],
    {},
    /raw listening/,
  ),
]

try {
  const tokenLoad = (base: string): Load => ({
    url: `${base}/oauth2/token`,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: BASIC },
    body: 'grant_type=client_credentials&scope=mcp.access',
  })
  const helloLoad = (base: string, token: string): Load => ({
    url: `${base}/hello`,
    method: 'GET',
    headers: { Authorization: `Bearer ${token}` },
  })
  const [oursToken, rawToken] = [await tokenOf(ours), await tokenOf(raw)]
  const [oursServer, rawServer] = servers as [ChildProcess, ChildProcess]
  const cases = [
    {
      label: 'POST /oauth2/token (client_secret_basic)',
      target: '≥ 0.6×',
      ours: tokenLoad(ours),
      raw: tokenLoad(raw),
    },
    {
      label: 'GET /hello (Bearer, verified-token cache)',
      target: '≥ 0.8×',
      ours: helloLoad(ours, oursToken),
      raw: helloLoad(raw, rawToken),
    },
  ]
  const samples = cases.map(() => ({ ours: [] as Sample[], raw: [] as Sample[] }))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) {
      samples[i]!.ours.push(await measureServer(oursServer, c.ours))
      samples[i]!.raw.push(await measureServer(rawServer, c.raw))
    }
  }
  const limit = 'raw node:http + node:crypto HMAC'
  console.log(
    `${CONNECTIONS} keep-alive connections, ${ROUNDS} alternating rounds of ${DURATION_MS} ms, medians`,
  )
  for (const [i, c] of cases.entries()) {
    const { ours: o, raw: r } = samples[i]!
    const pick = (list: Sample[], key: keyof Sample) => median(list.map((s) => s[key]))
    report(c.label, pick(o, 'rps'), pick(r, 'rps'), 'req/s', limit, c.target)
    // The same work per CPU-second of each server process: unaffected by other load on the machine.
    report(
      `  per server CPU-second`,
      pick(o, 'perCpuSecond'),
      pick(r, 'perCpuSecond'),
      'req/CPU-s',
      limit,
    )
  }
} finally {
  for (const server of servers) server.kill('SIGTERM')
}
