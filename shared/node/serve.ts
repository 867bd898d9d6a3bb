// Serves a fetch handler with @hono/node-server and shuts down gracefully on SIGTERM/SIGINT.
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Options of `serveNode`. */
export interface ServeOptions {
  /** The app's fetch handler, e.g. `app.fetch`; it gets the Node bindings as its env. */
  fetch: Parameters<typeof serve>[0]['fetch']
  /** TCP port; 0 picks a free one (see `RunningServer.port`). */
  port: number
  /** Interface to bind. Default `127.0.0.1`. */
  hostname?: string
  /** Run in order after the server stopped (e.g. flush and close the audit log). Default none. */
  onClose?: ReadonlyArray<() => unknown>
  /** How long in-flight requests may take to finish before connections are cut. Default 10 000 ms. */
  shutdownTimeoutMs?: number
  /** Signals that start a graceful shutdown. Default `['SIGTERM', 'SIGINT']`; `[]` for none. */
  signals?: readonly NodeJS.Signals[]
  /** Exit the process once a signal-started shutdown is done. Default true. */
  exitOnSignal?: boolean
  /** Status lines (listening, stopping). Default: standard error. */
  log?: (line: string) => void
}

export interface RunningServer {
  server: Server
  /** The bound port (useful with `port: 0`). */
  port: number
  /** `http://<host>:<port>` as bound. */
  url: string
  /**
   * Stops accepting connections, lets in-flight requests finish (idle keep-alive connections are
   * closed at once, the rest after `shutdownTimeoutMs`), then runs the close hooks. Idempotent.
   */
  close(): Promise<void>
}

export async function serveNode(options: ServeOptions): Promise<RunningServer> {
  const hostname = options.hostname ?? '127.0.0.1'
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const server = serve({
    fetch: options.fetch,
    port: options.port,
    hostname,
  }) as Server
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject)
    server.once('listening', () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive connections become idle as their last response ends: close them as they do
      // (polling keeps the request path free of shutdown bookkeeping).
      server.closeIdleConnections()
      const sweep = setInterval(() => server.closeIdleConnections(), 25)
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs)
      timer.unref()
      await stopped
      clearInterval(sweep)
      clearTimeout(timer)
      for (const hook of options.onClose ?? []) {
        try {
          await hook()
        } catch (error) {
          log(`shutdown hook failed: ${(error as Error)?.message ?? String(error)}`)
          process.exitCode = 1
        }
      }
    })())

  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log(`${signal} again: exiting now`)
      process.exit(130)
    }
    log(`${signal}: stopping (finishing in-flight requests)`)
    void close().then(() => {
      for (const s of signals) process.off(s, onSignal)
      if (options.exitOnSignal ?? true) process.exit()
    })
  }
  for (const signal of signals) process.on(signal, onSignal)

  return { server, port: address.port, url, close }
}
