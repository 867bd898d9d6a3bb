// The container path: image size against the distroless base (the bundles should add only a few
// MB), and the time from `docker exec -i` to the `initialize` response for the stdio bundles of
// .cursor/mcp.json against `docker exec` of a bare node responder (no SDK) in the same container,
// in the same run, interleaved. Needs a Docker engine; builds mcp-docker:bench from dist/ (cached).
// Run: npm run build && npm run bench -- docker
import { spawn } from 'node:child_process'
import { ensureBaseImage, ensureEngine, docker, BASE_IMAGE } from '../test/docker/engine.ts'
import { entryTarget, readCursorEntries } from '../test/docker/cursor.ts'
import { buildImage } from '../test/docker/image.ts'
import { report } from './report.ts'

const IMAGE = 'mcp-docker:bench'
/** Samples per candidate (≥ 10), interleaved so that outside load hits every candidate alike. */
const RUNS = 12
/**
 * What `.cursor/mcp.json` runs after `docker exec -i <container>`, per entry; entries through the
 * guard are also measured without it (`<name> unguarded`) to show what the guard costs.
 */
function cursorCommands(): Record<string, string[]> {
  const commands: Record<string, string[]> = {}
  for (const entry of readCursorEntries()) {
    const { service, bundle } = entryTarget(entry)
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
