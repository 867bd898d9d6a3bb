// Entry of dist/connect.mjs: a stdio MCP server for Cursor that relays every message to the
// gateway's /mcp with a client-credentials token. stdout carries only JSON-RPC; logs go to
// stderr; the process exits 0 once stdin closes (after ending the gateway session).
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { ConfigError } from '../../../shared/config/errors.ts'
import { readSecret } from '../../../shared/node/env.ts'
import { readConnectConfig, USAGE, type ConnectConfig } from '../config.ts'
import { createConnect } from '../connect.ts'

const log = (line: string) => void process.stderr.write(`connect: ${line}\n`)

let config: ConnectConfig
try {
  const read = readConnectConfig(process.argv.slice(2), process.env, readSecret)
  if ('help' in read) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  config = read
} catch (error) {
  const text = error instanceof ConfigError ? error.message : String(error)
  process.stderr.write(`connect: ${text}\n\n${USAGE}`)
  process.exit(2)
}

// A stray console.log on stdout would corrupt the JSON-RPC stream.
const toStderr = (...args: unknown[]) => console.error(...args)
console.log = toStderr
console.info = toStderr
console.debug = toStderr

const connect = createConnect(config, {
  downstream: new StdioServerTransport(process.stdin, process.stdout),
  log,
})

let stopping = false
async function stop(reason: string, code = 0) {
  if (stopping) return
  stopping = true
  log(`${reason}; ending the gateway session`)
  const timer = setTimeout(() => process.exit(code), 3000)
  await connect.close().catch(() => undefined)
  clearTimeout(timer)
  process.exit(code)
}

process.stdin.on('end', () => void stop('stdin closed'))
process.stdin.on('close', () => void stop('stdin closed'))
process.stdout.on('error', () => void stop('stdout closed'))
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
process.on('uncaughtException', (error) => {
  log(`fatal error: ${error.stack ?? error.message}`)
  void stop('fatal error', 1)
})
process.on('unhandledRejection', (error) => {
  log(`fatal error: ${error instanceof Error ? (error.stack ?? error.message) : typeof error}`)
  void stop('fatal error', 1)
})

const trusted = config.issuer
  ? `credentials go only to ${config.issuer} (--issuer)`
  : config.allowCrossOriginIssuer
    ? 'credentials go to any authorization server the gateway names (--allow-cross-origin-issuer)'
    : "credentials go only to an authorization server on the gateway's origin (no --issuer)"
log(`relaying stdio to ${config.url} as client ${config.clientId}; ${trusted}`)
await connect.start()
connect.relay.done.then(() => void stop('closed'))
