// npm start: build the bundles, then run the servers locally in development mode (no Docker).
// Each server's output is prefixed with its name; Ctrl-C (or SIGTERM) stops them all gracefully.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { buildAll } from './build.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The servers `npm start` runs: one line each (`env` is added to the inherited environment). */
const servers = [
  { name: 'oauth2', bundle: 'dist/oauth2.mjs', env: {} },
  { name: 'gateway', bundle: 'dist/gateway.mjs', env: {} },
]

const env = { ...process.env, MCP_DOCKER_ENV: process.env.MCP_DOCKER_ENV ?? 'development' }
const width = Math.max(...servers.map((s) => s.name.length))

function prefixLines(name, stream, out) {
  let rest = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()
    for (const line of lines) out.write(`[${name.padEnd(width)}] ${line}\n`)
  })
  stream.on('end', () => rest && out.write(`[${name.padEnd(width)}] ${rest}\n`))
}

console.log('▶ building bundles')
await buildAll({ quiet: true })

let stopping = false
const children = servers.map(({ name, bundle, env: extra }) => {
  // detached: the terminal's Ctrl-C reaches only this script, which then sends each child one
  // SIGTERM (a second signal would make a server skip its graceful shutdown).
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  prefixLines(name, child.stdout, process.stdout)
  prefixLines(name, child.stderr, process.stderr)
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[${name.padEnd(width)}] exited (${signal ?? code}); stopping the others`)
        stop(1)
      }
      resolve(code)
    }),
  )
  return { name, child, exited }
})

async function stop(code = 0) {
  if (stopping) return
  stopping = true
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM')
  await Promise.all(children.map((c) => c.exited))
  process.exit(code)
}

process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
// Never leave a server behind, even if this script dies of an error.
process.on('exit', () => {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL')
})
