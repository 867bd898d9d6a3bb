// Gateway overhead: tools/call round trips through dist/gateway.mjs (bearer auth with the
// verified-token cache and introspection cache, Origin/Host checks, session, guard both ways,
// audit record to a file, the in-process example server) over HTTP on loopback, driven by a load
// generator in its own process (bench/gateway-load.mjs: the SDK client, and a raw HTTP client), against the same tool called in-process
// without the gateway (SDK Client over InMemoryTransport to the example server with the same
// guard and file audit log), in the same run. Then the gateway's RSS before and after 10,000 calls.
// Run: npm run bench -- gateway      (targets: p50 overhead < 2 ms, throughput ≥ 0.5× direct)
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { connectInMemory } from '../shared/mcp/testing.ts'
import { createToolRuntime } from '../shared/node/tool-runtime.ts'
import { createServer as createExampleServer } from '../servers/example/server.ts'
import { freePort } from '../test/support/ports.ts'
import { report } from './report.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'bench-gateway-secret-0123456789abcdefghij'
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000)
const CONCURRENCY = Number(process.env.BENCH_CLIENTS ?? 8)
const MEMORY_CALLS = Number(process.env.BENCH_MEMORY_CALLS ?? 10_000)
const TOOL = 'echo'
const ARGS = { text: 'contact kim@example.com about order 42' }

interface Result {
  calls: number
  errors: number
  seconds: number
  rps: number
  p50: number
  p99: number
}

async function start(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  for (let i = 0; !/listening on/.test(err); i++) {
    if (child.exitCode !== null || i > 400) throw new Error(`server did not start:\n${err}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return child
}

/** Runs the load generator in its own process. */
function load(spec: Record<string, unknown>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'bench/gateway-load.mjs'), JSON.stringify(spec)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (${code})`))
      const result = JSON.parse(out) as Result
      if (result.errors > 0)
        return reject(new Error(`${result.errors} calls failed through the gateway`))
      resolve(result)
    })
  })
}

/** The same closed loop in this process, over `clients` in-memory SDK clients. */
async function direct(clients: Client[], durationMs: number, warmupMs = 500): Promise<Result> {
  const latencies: number[] = []
  let errors = 0
  const warmupEnd = performance.now() + warmupMs
  const end = warmupEnd + durationMs
  await Promise.all(
    clients.map(async (client) => {
      for (;;) {
        const t0 = performance.now()
        if (t0 >= end) break
        const result = await client.callTool({ name: TOOL, arguments: ARGS })
        const t1 = performance.now()
        if (t0 >= warmupEnd) {
          latencies.push(t1 - t0)
          if (result.isError) errors++
        }
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!
  const seconds = durationMs / 1000
  return {
    calls: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  }
}

/** Resident set size of a process in MiB, from /proc (Linux). */
const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
/** CPU seconds (user + system) a process has used, from /proc (USER_HZ = 100). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

if (!existsSync(join(root, 'dist/gateway.mjs')) || !existsSync(join(root, 'dist/oauth2.mjs'))) {
  // @ts-expect-error: plain ESM build script without type declarations
  const { buildAll } = await import('../scripts/build.mjs')
  await buildAll({ quiet: true })
}

const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-'))
const [asPort, gwPort] = [await freePort(), await freePort()]
const asUrl = `http://127.0.0.1:${asPort}`
const resource = `http://localhost:${gwPort}/mcp`
const configFile = join(dir, 'gateway.json')
writeFileSync(
  configFile,
  JSON.stringify({
    defaultServers: false,
    servers: { example: { enabled: true } },
    limits: { requestsPerMinute: 0, maxSessionsPerClient: 1000 },
  }),
)
const common = {
  MCP_DOCKER_ENV: 'development',
  JWT_SECRET: SECRET,
  MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
}
const as = await start([join(root, 'dist/oauth2.mjs')], {
  ...common,
  PORT: String(asPort),
  OAUTH2_ISSUER: asUrl,
  OAUTH2_DEFAULT_RESOURCE: resource,
  AUDIT_LOG_FILE: join(dir, 'oauth2-audit.jsonl'),
})
const gateway = await start([join(root, 'dist/gateway.mjs')], {
  ...common,
  PORT: String(gwPort),
  OAUTH2_ISSUER: asUrl,
  GATEWAY_CONFIG_FILE: configFile,
  AUDIT_LOG_FILE: join(dir, 'gateway-audit.jsonl'),
})

// The direct baseline: the same server, guard, detector and file audit log, no gateway.
const runtime = await createToolRuntime({
  env: { AUDIT_LOG_FILE: join(dir, 'direct-audit.jsonl') },
})
const connections = await Promise.all(
  Array.from({ length: CONCURRENCY }, () => connectInMemory(createExampleServer(runtime.deps))),
)

try {
  const tokenResponse = await fetch(`${asUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${btoa('mcp-client:secret')}`,
    },
    body: 'grant_type=client_credentials&scope=mcp.access',
  })
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string }
  const spec = { url: `http://127.0.0.1:${gwPort}/mcp`, token, tool: TOOL, arguments: ARGS }

  // Latency: one call in flight. The SDK client (what agents run) and a raw HTTP client (the
  // gateway's own share, without the client library's parsing).
  const sdkSequential = await load({ ...spec, client: 'sdk', clients: 1, durationMs: DURATION_MS })
  const rawSequential = await load({ ...spec, client: 'raw', clients: 1, durationMs: DURATION_MS })
  const directSequential = await direct(
    connections.slice(0, 1).map((c) => c.client),
    DURATION_MS,
  )
  // Throughput: CONCURRENCY sessions, one call in flight each.
  const cpuBefore = cpuSeconds(gateway.pid!)
  const rawParallel = await load({
    ...spec,
    client: 'raw',
    clients: CONCURRENCY,
    durationMs: DURATION_MS,
  })
  const gwCpu = cpuSeconds(gateway.pid!) - cpuBefore
  const sdkParallel = await load({
    ...spec,
    client: 'sdk',
    clients: CONCURRENCY,
    durationMs: DURATION_MS,
  })
  const directParallel = await direct(
    connections.map((c) => c.client),
    DURATION_MS,
  )

  const baseline = 'direct: in-process SDK client → example server, same guard + audit file'
  console.log(
    `tool ${TOOL} ${JSON.stringify(ARGS)}; ${DURATION_MS} ms per run after 500 ms warm-up`,
  )
  report(
    'p50 latency, 1 session, SDK client over HTTP',
    sdkSequential.p50,
    directSequential.p50,
    'ms',
    baseline,
  )
  report(
    'p99 latency, 1 session, SDK client over HTTP',
    sdkSequential.p99,
    directSequential.p99,
    'ms',
    baseline,
  )
  report(
    'p50 latency, 1 session, raw HTTP client',
    rawSequential.p50,
    directSequential.p50,
    'ms',
    baseline,
  )
  const overhead = sdkSequential.p50 - directSequential.p50
  console.log(
    `  p50 overhead of the gateway (SDK client): ${overhead.toFixed(3)} ms [target < 2 ms: ${overhead < 2 ? 'met' : 'NOT met'}]; raw client: ${(rawSequential.p50 - directSequential.p50).toFixed(3)} ms`,
  )
  const ratio = report(
    `throughput, ${CONCURRENCY} sessions, raw HTTP client`,
    rawParallel.rps,
    directParallel.rps,
    'calls/s',
    baseline,
    '≥ 0.5×',
  )
  console.log(
    `  ${ratio >= 0.5 ? 'met' : 'NOT met'}; p50/p99 ${rawParallel.p50.toFixed(2)}/${rawParallel.p99.toFixed(2)} ms`,
  )
  report(
    `throughput, ${CONCURRENCY} sessions, SDK client`,
    sdkParallel.rps,
    directParallel.rps,
    'calls/s',
    baseline,
  )
  report(
    'throughput, 1 session, raw HTTP client',
    rawSequential.rps,
    directSequential.rps,
    'calls/s',
    baseline,
  )
  console.log(
    `  gateway CPU per call: ${((gwCpu / rawParallel.calls) * 1e6).toFixed(0)} µs (${(rawParallel.calls / gwCpu).toFixed(0)} calls per gateway CPU-second; direct: ${((1 / directParallel.rps) * 1e6).toFixed(0)} µs wall per call, client included)`,
  )

  // Memory: RSS of the gateway process around MEMORY_CALLS calls (new sessions, then closed).
  const before = rssMiB(gateway.pid!)
  const memoryRun = await load({
    ...spec,
    client: 'raw',
    clients: CONCURRENCY,
    calls: MEMORY_CALLS,
  })
  await new Promise((r) => setTimeout(r, 1000))
  const after = rssMiB(gateway.pid!)
  const second = await load({ ...spec, client: 'raw', clients: CONCURRENCY, calls: MEMORY_CALLS })
  await new Promise((r) => setTimeout(r, 1000))
  const again = rssMiB(gateway.pid!)
  report(`gateway RSS after ${memoryRun.calls} calls`, after, before, 'MiB', 'RSS before them')
  report(
    `gateway RSS after ${second.calls} more calls`,
    again,
    after,
    'MiB',
    'RSS before them',
    '≈ 1× (flat)',
  )
} finally {
  await Promise.all(connections.map((c) => c.close()))
  await runtime.close()
  gateway.kill('SIGTERM')
  as.kill('SIGTERM')
}
