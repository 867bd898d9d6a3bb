// Keep-alive for containers that only host stdio bundles for `docker exec` (dist/hold.mjs):
// distroless has no `sleep`, so this idles, using no CPU, until SIGTERM or SIGINT, then exits 0.
// Under `init: true` (compose) docker-init is PID 1 and reaps what exec'd servers leave behind.

const keepAlive = setInterval(() => {}, 2 ** 31 - 1)

function stop(signal: NodeJS.Signals): void {
  clearInterval(keepAlive)
  process.stderr.write(`hold: ${signal}, exiting\n`)
  process.exit(0)
}

process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stderr.write(`hold: ready for docker exec (pid ${process.pid})\n`)
