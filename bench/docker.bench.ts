// The container path: image size against the distroless base (the bundles should add only a few
// MB), the time from `docker exec -i` to the `initialize` response for the stdio bundles of
// .cursor/mcp.json against `docker exec` of a bare node responder (no SDK) in the same container,
// and the gateway role's start (`docker run` → /health answering, its five servers connected)
// against `docker run` of a bare node HTTP server in the same image; same run, interleaved.
// Needs a Docker engine; builds mcp-docker:bench from dist/ (cached).
// Run: npm run build && npm run bench -- docker
import { spawn } from 'node:child_process'
import { freePort } from '../test/support/ports.ts'
import { ensureBaseImage, ensureEngine, docker, BASE_IMAGE } from '../test/support/docker/engine.ts'
import { entryTarget, readCursorEntries } from '../test/support/docker/cursor.ts'
import { buildImage } from '../test/support/docker/image.ts'
import { report } from './report.ts'

const IMAGE = 'mcp-docker:bench'
/** Samples per candidate (≥ 10), interleaved so that outside load hits every candidate alike. */
const RUNS = 12
/** `docker run` samples per candidate of the gateway start (each start costs about a second). */
const START_RUNS = 5
/**
 * What `.cursor/mcp.json` runs after `docker exec -i <container>`, per entry; entries through the
 * guard are also measured without it (`<name> unguarded`) to show what the guard costs. Host
 * entries (connect) start no container process and are left out.
 */
function cursorCommands(): Record<string, string[]> {
  const commands: Record<string, string[]> = {}
  for (const entry of readCursorEntries()) {
    const target = entryTarget(entry)
    if (target.kind !== 'exec') continue
    const { service, bundle } = target
    const command = entry.args.slice(entry.args.indexOf(`mcp-${service}`) + 1)
    commands[entry.name] = command
    if (command.includes('/app/guard.mjs')) {
      commands[`${entry.name} unguarded`] = ['/nodejs/bin/node', `/app/${bundle}.mjs`]
    }
  }
  return commands
}

/** The floor: node plus a line reader and one hand-written `initialize` answer. */
const BARE_RESPONDER = `let b = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => {
  b += chunk
  const end = b.indexOf('\\n')
  if (end < 0) return
  const m = JSON.parse(b.slice(0, end))
  b = b.slice(end + 1)
  const result = { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'bare', version: '1' } }
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }) + '\\n')
})
process.stdin.on('end', () => process.exit(0))`

const INITIALIZE = `${JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1' },
  },
})}\n`

/** Milliseconds from spawning `docker exec -i …` to the `initialize` response on its stdout. */
function execToInitialize(args: string[], timeoutMs = 20_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('docker', ['exec', '-i', ...args], { stdio: ['pipe', 'pipe', 'ignore'] })
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no initialize answer from ${args.join(' ')}`))
    }, timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (!out.includes('"id":1')) return
      const ms = performance.now() - started
      clearTimeout(timer)
      child.once('exit', () => resolve(ms))
      child.stdin.end() // the server exits on EOF: wait for it so runs do not overlap
    })
    child.on('error', reject)
    child.stdin.write(INITIALIZE)
  })
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

await ensureEngine()
await ensureBaseImage()
await buildImage(IMAGE)

const size = async (image: string) =>
  Number((await docker(['image', 'inspect', '-f', '{{.Size}}', image])).stdout.trim())
const [imageBytes, baseBytes] = await Promise.all([size(IMAGE), size(BASE_IMAGE)])
const mb = (bytes: number) => bytes / 1e6
report('image size', mb(imageBytes), mb(baseBytes), 'MB', 'distroless base', 'a few MB over 1×')
console.log(`  the bundles add ${mb(imageBytes - baseBytes).toFixed(2)} MB`)

// One container, hardened like compose.yml's third-party service, hosting every candidate.
const container = `mcp-bench-${process.pid}`
await docker([
  'run',
  '-d',
  '--rm',
  '--init',
  '--read-only',
  '--tmpfs',
  '/tmp:size=16m',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges:true',
  '--network',
  'none',
  '-e',
  'OTEL_SDK_DISABLED=true',
  '--name',
  container,
  IMAGE,
  '/app/hold.mjs',
])
try {
  const commands = cursorCommands()
  const candidates: Record<string, string[]> = {
    bare: [container, '/nodejs/bin/node', '-e', BARE_RESPONDER],
    ...Object.fromEntries(
      Object.entries(commands).map(([name, command]) => [name, [container, ...command]]),
    ),
  }
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(candidates).map((k) => [k, []]),
  )
  for (const args of Object.values(candidates)) await execToInitialize(args) // warm the page cache
  for (let run = 0; run < RUNS; run++) {
    const order = Object.keys(candidates)
    if (run % 2) order.reverse()
    for (const name of order) samples[name]!.push(await execToInitialize(candidates[name]!))
  }
  const floor = median(samples.bare!)
  console.log(
    `docker exec -i → initialize (.cursor/mcp.json commands), median of ${RUNS} runs each:`,
  )
  for (const name of Object.keys(commands)) {
    report(
      `  ${name}`,
      median(samples[name]!),
      floor,
      'ms',
      'bare node responder, same container',
      '≤ 1.5×',
    )
  }
} finally {
  await docker(['rm', '-f', container], { allowFail: true })
}

// The gateway role: `docker run` (hardened as in compose.yml) until /health answers on the
// published port. The gateway listens once its in-process servers and both children (Context7,
// sequential-thinking) are connected. Production configuration that needs no other container:
// ES256 with a JWKS URL fetched only when a token arrives, revocation checks off.
const BARE_HTTP = `require('http').createServer((q, s) => s.end('{"status":"ok"}')).listen(8080)`
const hardened = [
  '--init',
  '--read-only',
  '--tmpfs',
  '/tmp:size=16m',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges:true',
]
const GATEWAY_ENV = [
  'MCP_DOCKER_ENV=production',
  'JWT_ALG=ES256',
  'OAUTH2_JWKS_URL=http://127.0.0.1:9/.well-known/jwks.json',
  'GATEWAY_REVOCATION_CHECK=off',
].flatMap((e) => ['-e', e])

/** Milliseconds from `docker run -d …` to a 200 from /health on the published port. */
async function runToHealth(args: string[], timeoutMs = 30_000): Promise<number> {
  const port = await freePort()
  const name = `mcp-bench-start-${process.pid}-${port}`
  const started = performance.now()
  try {
    await docker([
      'run',
      '-d',
      '--rm',
      ...hardened,
      '-p',
      `127.0.0.1:${port}:8080`,
      '--name',
      name,
      ...args,
    ])
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return performance.now() - started
      if (performance.now() - started > timeoutMs) throw new Error(`${name}: no /health`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  } finally {
    await docker(['rm', '-f', name], { allowFail: true })
  }
}

const starts: Record<string, string[]> = {
  bare: [IMAGE, '-e', BARE_HTTP],
  gateway: [...GATEWAY_ENV, IMAGE, '/app/gateway.mjs'],
}
const startSamples: Record<string, number[]> = { bare: [], gateway: [] }
for (const args of Object.values(starts)) await runToHealth(args) // warm the page cache
for (let run = 0; run < START_RUNS; run++) {
  const order = Object.keys(starts)
  if (run % 2) order.reverse()
  for (const name of order) startSamples[name]!.push(await runToHealth(starts[name]!))
}
console.log(`docker run → /health answering, median of ${START_RUNS} runs each:`)
report(
  '  gateway role (5 servers, 2 children)',
  median(startSamples.gateway!),
  median(startSamples.bare!),
  'ms',
  'bare node HTTP server, same image',
)
