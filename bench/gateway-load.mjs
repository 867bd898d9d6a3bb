// Closed-loop MCP load generator for bench/gateway.bench.ts, run in its own process so the load
// never shares a thread with the gateway it measures. Opens `clients` sessions, then each calls
// the tool in a loop, one call in flight per session, for warm-up + duration (or until `calls`
// calls are done). Prints one JSON line: {"calls", "errors", "seconds", "rps", "p50", "p99"}
// (latencies in ms).
//   client "sdk": the SDK Client over StreamableHTTPClientTransport (what agents use);
//   client "raw": node:http keep-alive requests with a pre-serialized body and a minimal SSE
//                 read, so the figures are the gateway's and not the client library's.
// Usage: node bench/gateway-load.mjs '{"url", "token", "tool", "arguments", "client": "raw",
//                                       "clients": 1, "warmupMs": 500, "durationMs": 3000, "calls": 0}'
import { setMaxListeners } from 'node:events'
import http from 'node:http'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

// The SDK client transport adds an abort listener per request to one long-lived signal.
setMaxListeners(1_000_000)

const spec = JSON.parse(process.argv[2] ?? '{}')
const clients = spec.clients ?? 1
const PROTOCOL = '2025-11-25'

/** A session over the SDK client: `call()` resolves true when the result is not an error. */
async function sdkSession() {
  const client = new Client({ name: 'bench-load', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(spec.url), {
      requestInit: { headers: { Authorization: `Bearer ${spec.token}` } },
    }),
  )
  return {
    call: () =>
      client.callTool({ name: spec.tool, arguments: spec.arguments ?? {} }).then(
        (r) => !r.isError,
        () => false,
      ),
    close: () => client.close(),
  }
}

/** A session over raw keep-alive HTTP on its own socket. */
async function rawSession() {
  const target = new URL(spec.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const base = {
    agent,
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
  }
  const headers = {
    Authorization: `Bearer ${spec.token}`,
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
  }
  const post = (body, extra = {}) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { ...base, headers: { ...headers, ...extra, 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk) => (text += chunk))
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  const init = await post(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: PROTOCOL,
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    }),
  )
  const session = init.headers['mcp-session-id']
  if (init.status !== 200 || !session) throw new Error(`initialize failed: ${init.status}`)
  const sessionHeaders = { 'Mcp-Session-Id': session, 'MCP-Protocol-Version': PROTOCOL }
  await post(
    JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    sessionHeaders,
  )
  const params = JSON.stringify({ name: spec.tool, arguments: spec.arguments ?? {} })
  let id = 1
  return {
    async call() {
      const body = `{"jsonrpc":"2.0","id":${id++},"method":"tools/call","params":${params}}`
      const res = await post(body, sessionHeaders).catch(() => undefined)
      if (!res || res.status !== 200) return false
      const data = res.text.split('\n').find((line) => line.startsWith('data: {'))
      if (!data) return false
      const message = JSON.parse(data.slice(6))
      return message.result !== undefined && !message.result.isError
    },
    async close() {
      await new Promise((resolve) => {
        const req = http.request(
          { ...base, method: 'DELETE', headers: { ...headers, ...sessionHeaders } },
          (res) => {
            res.resume()
            res.on('end', resolve)
          },
        )
        req.on('error', resolve)
        req.end()
      })
      agent.destroy()
    },
  }
}

const open = spec.client === 'sdk' ? sdkSession : rawSession
const sessions = await Promise.all(Array.from({ length: clients }, () => open()))
let errors = 0
const latencies = []
let seconds

if (spec.calls) {
  // Fixed count (memory runs): spread over the sessions, no warm-up.
  let left = spec.calls
  const start = performance.now()
  await Promise.all(
    sessions.map(async (session) => {
      while (left-- > 0) {
        const t0 = performance.now()
        const ok = await session.call()
        latencies.push(performance.now() - t0)
        if (!ok) errors++
      }
    }),
  )
  seconds = (performance.now() - start) / 1000
} else {
  const warmupEnd = performance.now() + (spec.warmupMs ?? 500)
  const end = warmupEnd + (spec.durationMs ?? 3000)
  await Promise.all(
    sessions.map(async (session) => {
      for (;;) {
        const t0 = performance.now()
        if (t0 >= end) break
        const ok = await session.call()
        if (t0 >= warmupEnd) {
          latencies.push(performance.now() - t0)
          if (!ok) errors++
        }
      }
    }),
  )
  seconds = (end - warmupEnd) / 1000
}

latencies.sort((a, b) => a - b)
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN
await Promise.all(sessions.map((s) => s.close()))
process.stdout.write(
  `${JSON.stringify({ calls: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) })}\n`,
)
process.exit(0)
