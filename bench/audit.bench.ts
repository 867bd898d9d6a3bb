// Audit log cost on tools/call: no audit vs the plain SHA-256 chain vs the keyed chain
// (HMAC-SHA-256 mac per record) with Ed25519 checkpoints every 1000 records, each to a real file,
// same run, interleaved. (1) A real SDK Client calls `echo` on the example server through the
// guard (PII scan in and out, one audit record per call, written without waiting) over
// InMemoryTransport: the gateway's tools/call minus HTTP. (2) A bare request loop (parse, scan,
// serialise) with a record per request: the worst case, where the audit is a large share.
// (3) The latency of one awaited record(). (4) A tools/call through the HTTP gateway
// (dist/gateway.mjs, raw HTTP load from bench/gateway-load.mjs in its own process) with the
// stack's auditing (keyed file chain, checkpoints every 1000 records, collector socket) against
// the same gateway with its records on stderr sent to /dev/null (the least the gateway does: there
// is no switch that turns auditing off), interleaved rounds. Target (issue 12 "Speed"): (1) and
// (4) ≥ 0.9× unaudited. Run: npx tsx bench/audit.bench.ts   (BENCH_AUDIT_HTTP=0 skips (4))
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateCheckpointKey, importCheckpointSigner } from '../shared/audit/checkpoint.ts'
import type { AuditLog } from '../shared/audit/log.ts'
import type { AuditRecord } from '../shared/audit/record.ts'
import { createGuard } from '../shared/mcp/guard/guard.ts'
import { connectInMemory } from '../shared/mcp/testing.ts'
import { openAuditFileLog } from '../shared/node/audit/file-log.ts'
import { nodeAuditKey } from '../shared/node/audit/key.ts'
import { createDetector } from '../shared/pii/detect.ts'
import { createScrubber } from '../shared/pii/mask-scrubber.ts'
import { createServer } from '../servers/example/server.ts'
import { freePort } from '../test/support/ports.ts'
import { measure, report } from './report.ts'

const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'))
const detector = createDetector()
const MESSAGE = JSON.stringify({
  jsonrpc: '2.0',
  id: 42,
  method: 'tools/call',
  params: {
    name: 'test_pii_detection',
    arguments: { text: 'Contact kim.minsu@example.com about order 1182' },
  },
})

let n = 0
function request(audit: AuditLog | undefined) {
  const started = performance.now()
  const message = JSON.parse(MESSAGE)
  const inFindings = detector.detect(message.params.arguments.text)
  const result = { content: [{ type: 'text', text: `found ${inFindings.length}` }] }
  const outFindings = detector.detect(result.content[0]!.text)
  const answer = JSON.stringify({ jsonrpc: '2.0', id: message.id, result })
  if (audit) {
    void audit.record({
      event: 'tool_call',
      outcome: 'ok',
      tool: message.params.name,
      client_id: 'mcp-agent',
      jti: `jti-${n++}`,
      direction: 'both',
      pii: { email: inFindings.length + outFindings.length },
      action: 'mask',
      duration_ms: performance.now() - started,
      param_count: 1,
      request_id: String(message.id),
    })
  }
  return answer
}

const pair = await generateCheckpointKey()
const scrub = createScrubber(detector) // as the tool runtime passes it
const plain = await openAuditFileLog({ path: join(dir, 'plain.log'), scrub })
const keyed = await openAuditFileLog({
  path: join(dir, 'keyed.log'),
  scrub,
  key: nodeAuditKey('ab'.repeat(32)), // as shared/node/audit/env.ts makes it
  checkpoints: {
    signer: await importCheckpointSigner(pair.private),
    everyRecords: 1000,
    everyMs: 1000,
  },
})

/** An audit log that drops every record: the unaudited baseline for the guard. */
const noAudit: AuditLog = {
  record: async (event) => event as AuditRecord,
  recordSystem: async (event) => event as AuditRecord,
  flush: async () => {},
  close: async () => {},
  checkpoint: async () => undefined,
  failures: 0,
  head: { prev: '0'.repeat(64), seq: 0 },
  lastCheckpoint: undefined,
}

async function connect(audit: AuditLog) {
  const guard = createGuard({ detector, audit, onError: () => {} })
  return connectInMemory(createServer({ guard, onError: () => {} }))
}
const clients = {
  none: await connect(noAudit),
  plain: await connect(plain),
  keyed: await connect(keyed),
}
const call = (name: keyof typeof clients) => () =>
  clients[name].client.callTool({
    name: 'echo',
    arguments: { text: 'Contact kim.minsu@example.com about order 1182' },
  })
type Candidate = 'none' | 'plain' | 'keyed'

/**
 * Rounds of adjacent samples (in rotating order so none always runs first). Each sample runs
 * `ops` operations and then flushes the logs, and counts the process's CPU time (user + system,
 * the file writes' thread-pool work included) as well as wall time. CPU per operation is what
 * decides throughput on a busy server and, unlike wall time, hardly moves when other processes
 * load this shared machine; both are medians over the rounds.
 */
async function compare(fns: Record<Candidate, () => unknown>, ops: number, rounds = 7) {
  const cpu = { none: [] as number[], plain: [] as number[], keyed: [] as number[] }
  const wall = { none: [] as number[], plain: [] as number[], keyed: [] as number[] }
  const order = ['none', 'plain', 'keyed'] as const
  for (const name of order) for (let i = 0; i < ops / 10; i++) await fns[name]() // warm-up
  await Promise.all([plain.flush(), keyed.flush()])
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 3; i++) {
      const name = order[(round + i) % 3]!
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      for (let n = 0; n < ops; n++) await fns[name]()
      await Promise.all([plain.flush(), keyed.flush()])
      const used = process.cpuUsage(cpu0)
      cpu[name].push((used.user + used.system) / ops)
      wall[name].push(((performance.now() - t0) * 1000) / ops)
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const out = {} as Record<Candidate, { cpu: number; wall: number }>
  for (const name of order) out[name] = { cpu: median(cpu[name]), wall: median(wall[name]) }
  return out
}

/** Throughput ratios (baseline cost / candidate cost) by CPU and by wall time. */
function print(title: string, r: Awaited<ReturnType<typeof compare>>) {
  console.log(title)
  for (const name of ['plain', 'keyed'] as const) {
    const label = name === 'plain' ? '  plain chain   ' : '  keyed+checkpts'
    report(
      `${label} (CPU) `,
      1e6 / r[name].cpu,
      1e6 / r.none.cpu,
      'ops/CPU-s',
      'no audit',
      '≥ 0.9×',
    )
    report(`${label} (wall)`, 1e6 / r[name].wall, 1e6 / r.none.wall, 'ops/s', 'no audit')
  }
  const us = (x: number) => x.toFixed(1)
  console.log(
    `  CPU µs per op: none ${us(r.none.cpu)}, plain ${us(r.plain.cpu)}, keyed ${us(r.keyed.cpu)}`,
  )
}

print(
  'tools/call through the guard, SDK client over InMemoryTransport:',
  await compare({ none: call('none'), plain: call('plain'), keyed: call('keyed') }, 400),
)
for (const c of Object.values(clients)) await c.close()

// Each request yields to the event loop once, as a server does between requests (so the file
// writes the records queue happen during the run, not after it).
const turn = () => new Promise((resolve) => setImmediate(resolve))
print(
  'bare request loop, record() not awaited (worst case: the audit is a large share):',
  await compare(
    {
      none: async () => (request(undefined), await turn()),
      plain: async () => (request(plain), await turn()),
      keyed: async () => (request(keyed), await turn()),
    },
    4000,
  ),
)

// Latency of one awaited record (sealing + the file write it joins).
const event = { event: 'tool_call', outcome: 'ok' as const, tool: 'add', client_id: 'mcp-agent' }
const awaitedPlain = await measure(() => plain.record(event), 500)
const awaitedKeyed = await measure(() => keyed.record(event), 500)
console.log('one awaited record():')
report('  keyed+checkpt', awaitedKeyed.opsPerSec, awaitedPlain.opsPerSec, 'rec/s', 'plain chain')
console.log(
  `  per record: plain ${(1e6 / awaitedPlain.opsPerSec).toFixed(1)} µs, keyed ${(1e6 / awaitedKeyed.opsPerSec).toFixed(1)} µs`,
)
await plain.close()
await keyed.close()

if (process.env.BENCH_AUDIT_HTTP !== '0') await httpGateway()
rmSync(dir, { recursive: true, force: true })

/** (4): the HTTP gateway with the stack's auditing vs records to /dev/null, same run. */
async function httpGateway() {
  const root = join(import.meta.dirname, '..')
  if (!existsSync(join(root, 'dist/gateway.mjs')) || !existsSync(join(root, 'dist/oauth2.mjs'))) {
    console.log('(4) skipped: run node scripts/build.mjs first')
    return
  }
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 2000)
  const clients = Number(process.env.BENCH_CLIENTS ?? 8)
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
  const secret = 'bench-audit-secret-0123456789abcdefghijkl'
  const [asPort, onPort, offPort] = [await freePort(), await freePort(), await freePort()]
  const asUrl = `http://127.0.0.1:${asPort}`
  const configFile = join(dir, 'gateway.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      defaultServers: false,
      servers: { example: { enabled: true } },
      limits: { requestsPerMinute: 0, maxSessionsPerClient: 1000 },
    }),
  )
  const signingKey = join(dir, 'audit-signing-key.jwk')
  writeFileSync(signingKey, JSON.stringify(pair.private))
  const common = { MCP_DOCKER_ENV: 'development', JWT_SECRET: secret, OAUTH2_ISSUER: asUrl }
  const children: ChildProcess[] = []
  /** Starts a bundle (stderr to /dev/null) and waits for its /health. */
  const start = async (
    bundle: string,
    port: number,
    env: Record<string, string>,
  ): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [join(root, `dist/${bundle}.mjs`)], {
      env: { PATH: process.env.PATH ?? '', ...common, PORT: String(port), ...env },
      stdio: 'ignore',
    })
    children.push(child)
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return child
      if (child.exitCode !== null || i > 200) throw new Error(`${bundle} did not start`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  try {
    await start('oauth2', asPort, {
      MCP_DOCKER_DEV_DIR: join(dir, '.dev-as'),
      OAUTH2_DEFAULT_RESOURCE: `http://localhost:${onPort}/mcp`,
    })
    // One resource for both (the AS's default audience), so one token works on either.
    const gateway = {
      GATEWAY_CONFIG_FILE: configFile,
      GATEWAY_PUBLIC_URL: `http://localhost:${onPort}`,
    }
    const on = await start('gateway', onPort, {
      ...gateway,
      MCP_DOCKER_DEV_DIR: join(dir, '.dev-on'),
      AUDIT_LOG_FILE: join(dir, 'gateway-on.jsonl'),
      AUDIT_KEY: 'cd'.repeat(32),
      AUDIT_SIGNING_KEY_FILE: signingKey,
      AUDIT_COLLECTOR_SOCKET: join(dir, 'audit.sock'),
    })
    const off = await start('gateway', offPort, {
      ...gateway,
      MCP_DOCKER_DEV_DIR: join(dir, '.dev-off'),
    })
    const pids = { on: on.pid!, off: off.pid! }
    /** CPU seconds (user + system, every thread: the file writes included) from /proc. */
    const cpuSeconds = (pid: number) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100
    }
    const token = async () => {
      const response = await fetch(`${asUrl}/oauth2/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${btoa('mcp-client:secret')}`,
        },
        body: 'grant_type=client_credentials&scope=mcp.access',
      })
      return ((await response.json()) as { access_token: string }).access_token
    }
    const specs = {
      on: { url: `http://127.0.0.1:${onPort}/mcp`, token: await token() },
      off: { url: `http://127.0.0.1:${offPort}/mcp`, token: await token() },
    }
    const load = (name: 'on' | 'off') =>
      new Promise<{ rps: number; p50: number; errors: number; calls: number }>(
        (resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              join(root, 'bench/gateway-load.mjs'),
              JSON.stringify({
                ...specs[name],
                tool: 'echo',
                arguments: { text: 'contact kim@example.com about order 42' },
                client: 'raw',
                clients,
                durationMs,
              }),
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          )
          let out = ''
          child.stdout.on('data', (d) => (out += d))
          child.on('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out)) : reject(new Error(out)),
          )
        },
      )
    const rps = { on: [] as number[], off: [] as number[] }
    const p50 = { on: [] as number[], off: [] as number[] }
    const cpu = { on: [] as number[], off: [] as number[] }
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const cpu0 = cpuSeconds(pids[name])
        const result = await load(name)
        if (result.errors > 0) throw new Error(`${result.errors} calls failed (${name})`)
        // Warm-up calls are not counted in `calls`: a slight overestimate of CPU per call, both sides.
        cpu[name].push(((cpuSeconds(pids[name]) - cpu0) / result.calls) * 1e6)
        rps[name].push(result.rps)
        p50[name].push(result.p50)
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    console.log(
      `tools/call echo through the HTTP gateway, raw client, ${clients} sessions, ${rounds} × ${durationMs} ms each, interleaved:`,
    )
    report(
      '  audit on (keyed file, checkpoints, collector)',
      median(rps.on),
      median(rps.off),
      'calls/s',
      'records to /dev/null',
      '≥ 0.9×',
    )
    report(
      '  audit on, by gateway CPU per call',
      1e6 / median(cpu.on),
      1e6 / median(cpu.off),
      'calls/CPU-s',
      'records to /dev/null',
      '≥ 0.9×',
    )
    console.log(
      `  gateway CPU µs per call: on ${median(cpu.on).toFixed(0)}, off ${median(cpu.off).toFixed(0)}`,
    )
    console.log(
      `  p50 on ${median(p50.on).toFixed(2)} ms, off ${median(p50.off).toFixed(2)} ms; rounds on ${rps.on.map((x) => x.toFixed(0)).join('/')}, off ${rps.off.map((x) => x.toFixed(0)).join('/')}`,
    )
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined)
            child.once('exit', resolve)
            child.kill('SIGTERM')
          }),
      ),
    )
  }
}
