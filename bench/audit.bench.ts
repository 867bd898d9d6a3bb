// Audit log cost on tools/call: no audit vs the plain SHA-256 chain vs the keyed chain
// (HMAC-SHA-256 mac per record) with Ed25519 checkpoints every 1000 records, each to a real file,
// same run, interleaved. (1) A real SDK Client calls `echo` on the example server through the
// guard (PII scan in and out, one audit record per call, written without waiting) over
// InMemoryTransport: the gateway's tools/call minus HTTP. (2) A bare request loop (parse, scan,
// serialise) with a record per request: the worst case, where the audit is a large share.
// (3) The latency of one awaited record(). Target (issue 12 "Speed"): (1) ≥ 0.9× unaudited.
// Run: npx tsx bench/audit.bench.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateCheckpointKey, importCheckpointSigner } from '../shared/audit/checkpoint.ts'
import type { AuditLog } from '../shared/audit/log.ts'
import type { AuditRecord } from '../shared/audit/record.ts'
import { createGuard } from '../shared/mcp/guard.ts'
import { connectInMemory } from '../shared/mcp/testing.ts'
import { openAuditFileLog } from '../shared/node/audit-file-log.ts'
import { nodeAuditKey } from '../shared/node/audit-key.ts'
import { createDetector } from '../shared/pii/detect.ts'
import { createScrubber } from '../shared/pii/mask-scrubber.ts'
import { createServer } from '../servers/example/server.ts'
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
  key: nodeAuditKey('ab'.repeat(32)), // as audit-env.ts makes it
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
rmSync(dir, { recursive: true, force: true })
