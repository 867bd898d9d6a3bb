// Cold start of the stdio bundles (Cursor starts one per session with `docker exec`): time from
// spawn to the `initialize` response, against a bare node script that answers `initialize` by hand
// (no SDK) in the same run. Target: every bundle ≤ 1.5× that floor. Also the time until the
// first `tools/list` is answered (what a client waits for before it can call a tool), and sizes.
// Run: npm run bench -- coldstart
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { report } from './report.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = (name: string) => join(root, 'dist', `${name}.mjs`)

/** Spawn-to-initialize samples per candidate (≥ 10; interleaved so outside load hits all alike). */
const RUNS = 15

/** The stdio bundles to measure, when they have been built. `guard` wraps the floor script. */
const STDIO_BUNDLES = [
  'example',
  'security-tools',
  'oauth2-tools',
  'sequential-thinking',
  'context7',
]

/** The floor: node itself plus a line reader and one hand-written `initialize` response. */
const FLOOR_SOURCE = `let buffer = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => {
  buffer += chunk
  let end
  while ((end = buffer.indexOf('\\n')) >= 0) {
    const message = JSON.parse(buffer.slice(0, end))
    buffer = buffer.slice(end + 1)
    if (message.method === 'initialize') {
      const result = { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'floor', version: '1' } }
      process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }) + '\\n')
    } else if (message.method === 'tools/list') {
      process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { tools: [] } }) + '\\n')
    }
  }
})
process.stdin.on('end', () => process.exit(0))
`

const INITIALIZE = `${JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1' },
  },
})}\n`

interface Candidate {
  label: string
  args: string[]
}

const INITIALIZED = `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`
const LIST = `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`

/**
 * Milliseconds from spawn to the `initialize` response, and to the `tools/list` response sent
 * (with `notifications/initialized`) as soon as the first arrived, as a client does.
 */
function coldStart(args: string[], timeoutMs = 15_000): Promise<{ init: number; list: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
    })
    let out = ''
    let init = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no answer within ${timeoutMs} ms`))
    }, timeoutMs)
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      let end: number
      while ((end = out.indexOf('\n')) >= 0) {
        const { id } = JSON.parse(out.slice(0, end)) as { id?: number }
        out = out.slice(end + 1)
        if (id === 1 && init === 0) {
          init = performance.now() - started
          child.stdin.write(INITIALIZED + LIST)
        } else if (id === 2) {
          const list = performance.now() - started
          clearTimeout(timer)
          child.stdin.end()
          child.once('exit', () => resolve({ init, list }))
          setTimeout(() => child.kill('SIGKILL'), 2_000).unref()
        }
      }
    })
    child.on('error', reject)
    child.stdin.write(INITIALIZE)
  })
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

if (!existsSync(dist('example'))) {
  // @ts-expect-error: plain ESM build script without type declarations
  const { buildAll } = await import('../scripts/build.mjs')
  await buildAll({ quiet: true })
}

const floorPath = join(mkdtempSync(join(tmpdir(), 'mcp-coldstart-')), 'floor.mjs')
writeFileSync(floorPath, FLOOR_SOURCE)

const candidates: Candidate[] = [{ label: 'floor', args: [floorPath] }]
for (const name of STDIO_BUNDLES) {
  if (existsSync(dist(name))) candidates.push({ label: name, args: [dist(name)] })
}
if (existsSync(dist('guard'))) {
  candidates.push({
    label: 'guard (-- node floor)',
    args: [dist('guard'), '--', process.execPath, floorPath],
  })
}

// One warm-up run each (file cache), then RUNS interleaved rounds.
const samples = new Map<string, Array<{ init: number; list: number }>>(
  candidates.map((c) => [c.label, []]),
)
const failed = new Map<string, string>()
for (let round = -1; round < RUNS; round++) {
  for (const candidate of candidates) {
    if (failed.has(candidate.label)) continue
    try {
      const times = await coldStart(candidate.args)
      if (round >= 0) samples.get(candidate.label)!.push(times)
    } catch (error) {
      failed.set(candidate.label, (error as Error).message)
    }
  }
}

const of = (label: string, key: 'init' | 'list') => median(samples.get(label)!.map((t) => t[key]))
const floorInit = of('floor', 'init')
const floorList = of('floor', 'list')
console.log(`spawn → response, median of ${RUNS} runs (node ${process.version})`)
for (const { label } of candidates.slice(1)) {
  if (failed.has(label)) {
    console.log(`${label}: failed (${failed.get(label)})`)
    continue
  }
  const target = label.startsWith('guard') ? '≤ 1.5× plus the child (informational)' : '≤ 1.5×'
  report(
    `cold start ${label} (initialize)`,
    of(label, 'init'),
    floorInit,
    'ms',
    'bare node floor',
    target,
  )
  report(`cold start ${label} (tools/list)`, of(label, 'list'), floorList, 'ms', 'bare node floor')
}
console.log('bundle sizes:')
for (const { label, args } of candidates.slice(1)) {
  const path = args[0]!
  console.log(`  ${label.split(' ')[0]}: ${(statSync(path).size / 1024).toFixed(1)} KiB`)
}
