// Container health check without a shell (dist/healthcheck.mjs, run by compose as
// `/nodejs/bin/node /app/healthcheck.mjs <target>…`): every target must answer within the timeout.
//
//   http(s)://…/health   GET answers 2xx
//   /app/<name>.mjs      `node <name>.mjs` is a stdio MCP server that answers `initialize`
//                        (MCP basic lifecycle §Initialization) and exits when its stdin closes
//
// Exit 0 when every target passed, 1 otherwise (Docker keeps the printed lines in the
// container's health log), 2 for a usage error.
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'

/** Options given on the command line. */
interface CheckOptions {
  /** `--timeout <ms>`: the longest a target may take. Default 5000. */
  timeoutMs: number
}

const USAGE = 'usage: healthcheck.mjs [--timeout ms] <http(s) URL | stdio bundle .mjs>…'

/** GET `url`; passes on a 2xx status. */
async function checkHttp(url: string, { timeoutMs }: CheckOptions): Promise<string> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { 'user-agent': 'mcp-docker-healthcheck' },
  })
  await response.body?.cancel()
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return `HTTP ${response.status}`
}

/** Starts `node <bundle>`, sends `initialize`, expects its result, then closes stdin. */
function checkStdio(bundle: string, { timeoutMs }: CheckOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let done = false
    const finish = (error: Error | undefined, detail = '') => {
      if (done) return
      done = true
      clearTimeout(timer)
      child.stdin.end()
      // The server should exit on EOF; make sure nothing is left behind either way.
      const kill = setTimeout(() => child.kill('SIGKILL'), 1000)
      child.once('exit', () => clearTimeout(kill))
      if (error) reject(error)
      else resolve(detail)
    }
    const timer = setTimeout(
      () => finish(new Error(`no initialize result within ${timeoutMs} ms${lastLine(stderr)}`)),
      timeoutMs,
    )
    child.on('error', (error) => finish(error))
    child.on('exit', (code, signal) =>
      finish(new Error(`exited (${signal ?? code}) before initializing${lastLine(stderr)}`)),
    )
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000)
    })
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      let newline: number
      while ((newline = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, newline)
        stdout = stdout.slice(newline + 1)
        let message: { id?: unknown; result?: { serverInfo?: { name?: string } }; error?: unknown }
        try {
          message = JSON.parse(line)
        } catch {
          continue
        }
        if (message.id !== 1) continue
        if (message.result)
          finish(undefined, `initialized ${message.result.serverInfo?.name ?? ''}`)
        else finish(new Error(`initialize failed: ${JSON.stringify(message.error)}`))
      }
    })
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'mcp-docker-healthcheck', version: '1.0.0' },
      },
    }
    child.stdin.on('error', () => {}) // EPIPE when the child died first: reported by 'exit'
    child.stdin.write(`${JSON.stringify(initialize)}\n`)
  })
}

/** The most telling line of a server's stderr: its first error line, else its last line. */
function lastLine(text: string): string {
  const lines = text.trim().split('\n')
  const line = lines.find((l) => /error/i.test(l)) ?? lines.pop()
  return line ? `: ${line.trim()}` : ''
}

function check(target: string, options: CheckOptions): Promise<string> {
  if (/^https?:\/\//.test(target)) return checkHttp(target, options)
  if (target.endsWith('.mjs') || target.endsWith('.js')) return checkStdio(target, options)
  throw new Error(`not an http(s) URL or a .mjs bundle`)
}

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { timeout: { type: 'string', default: '5000' } },
      allowPositionals: true,
    })
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const timeoutMs = Number(parsed.values.timeout)
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || parsed.positionals.length === 0) {
    console.error(USAGE)
    return 2
  }
  const results = await Promise.allSettled(
    parsed.positionals.map(async (target) => check(target, { timeoutMs })),
  )
  let failed = 0
  results.forEach((result, i) => {
    const target = parsed.positionals[i]
    if (result.status === 'fulfilled') console.log(`ok   ${target}: ${result.value}`)
    else {
      failed++
      const reason = result.reason as Error
      console.log(`FAIL ${target}: ${reason.message}${reason.cause ? ` (${reason.cause})` : ''}`)
    }
  })
  return failed === 0 ? 0 : 1
}

process.exitCode = await main(process.argv.slice(2))
