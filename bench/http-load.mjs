// Closed-loop HTTP load generator, run in its own process by bench/oauth2.bench.ts so the load it
// makes never shares a thread with the server it measures. Keeps `connections` keep-alive sockets
// busy for warm-up + duration and prints {"ok", "failed", "all", "seconds", "rps"} as one JSON line.
// Usage: node bench/http-load.mjs '{"url": …, "method": …, "headers": {…}, "body": "…",
//                                   "connections": 16, "warmupMs": 1000, "durationMs": 4000}'
import http from 'node:http'

const spec = JSON.parse(process.argv[2] ?? '{}')
const target = new URL(spec.url)
const connections = spec.connections ?? 16
const body = spec.body ?? ''
const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
const headers = { ...spec.headers, ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}) }
const request = {
  agent,
  host: target.hostname,
  port: target.port,
  path: target.pathname + target.search,
  method: spec.method ?? 'GET',
  headers,
}

let counting = false
let ok = 0
let failed = 0
/** Every completed request, warm-up included (the bench divides it by the server's CPU time). */
let all = 0

function once() {
  return new Promise((resolve) => {
    const req = http.request(request, (res) => {
      res.resume()
      res.on('end', () => {
        all++
        if (counting) res.statusCode >= 200 && res.statusCode < 300 ? ok++ : failed++
        resolve()
      })
    })
    req.on('error', () => {
      if (counting) failed++
      resolve()
    })
    req.end(body)
  })
}

const warmupEnd = Date.now() + (spec.warmupMs ?? 1000)
const end = warmupEnd + (spec.durationMs ?? 4000)
let start = 0
setTimeout(() => {
  counting = true
  start = performance.now()
}, warmupEnd - Date.now())

async function loop() {
  while (Date.now() < end) await once()
}
await Promise.all(Array.from({ length: connections }, loop))
const seconds = (performance.now() - start) / 1000
agent.destroy()
process.stdout.write(`${JSON.stringify({ ok, failed, all, seconds, rps: ok / seconds })}\n`)
