// Serves an MCP server over stdio for clients that spawn it (Cursor, `docker exec -i`): stdout
// carries only JSON-RPC, logs go to stderr, and the process exits when the client goes away.
import type { Readable, Writable } from 'node:stream'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'

export interface StdioOptions {
  /**
   * Run in order once the transport is closed, before the process exits (flush and close the
   * audit log, stop children). Each may be async; failures are logged and make the exit code 1.
   * Default: none.
   */
  onShutdown?: ReadonlyArray<() => unknown>
  /** Longest the shutdown hooks may take before the process exits anyway. Default: 750 ms. */
  shutdownTimeoutMs?: number
  /** Status and error lines. Default: standard error (never stdout). */
  log?: (line: string) => void
  /** Masks PII in fatal-error text before it is logged (e.g. the guard's `scrub`). Default: none. */
  scrub?: (text: string) => string
  /** Exit the process when shut down. Default: true (false in tests that drive the streams). */
  exit?: boolean
  /** Input stream. Default: `process.stdin`. */
  stdin?: Readable
  /** Output stream, for JSON-RPC only. Default: `process.stdout`. */
  stdout?: Writable
}

/** Why the server stopped. */
export type ShutdownReason = 'stdin closed' | 'stdout closed' | 'SIGTERM' | 'SIGINT' | 'fatal error'

export interface StdioServer {
  /** Resolves with the reason once shutdown hooks ran (just before exit). */
  readonly done: Promise<ShutdownReason>
  /** Shuts down as if the client had gone away. */
  close(): Promise<ShutdownReason>
}

/**
 * Connects `server` to stdin/stdout and arranges a clean exit:
 * - stdin ends (the client closed the pipe or went away) → exit 0;
 * - SIGTERM / SIGINT → exit 0; stdout fails (EPIPE) → exit 0;
 * - an uncaught exception or unhandled rejection → logged (masked) to stderr, exit 1;
 * - on every path the shutdown hooks run first (audit flushed), bounded by `shutdownTimeoutMs`,
 *   and the process exits explicitly, so no timer or socket can keep it (or a child) alive.
 * `console.log`, `console.info` and `console.debug` are sent to stderr: a stray log line on
 * stdout would corrupt the JSON-RPC stream.
 */
export async function serveStdio(server: Server, options: StdioOptions = {}): Promise<StdioServer> {
  const stdin = options.stdin ?? process.stdin
  const stdout = options.stdout ?? process.stdout
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const scrub = options.scrub ?? ((text: string) => text)
  const exit = options.exit ?? true
  const timeoutMs = options.shutdownTimeoutMs ?? 750

  if (exit) {
    const toStderr = (...args: unknown[]) => console.error(...args)
    console.log = toStderr
    console.info = toStderr
    console.debug = toStderr
  }

  let shutdown: Promise<ShutdownReason> | undefined
  let resolveDone!: (reason: ShutdownReason) => void
  const done = new Promise<ShutdownReason>((resolve) => (resolveDone = resolve))

  const stop = (reason: ShutdownReason, code = 0): Promise<ShutdownReason> =>
    (shutdown ??= (async () => {
      let exitCode = code
      const hooks = (async () => {
        await server.close().catch(() => undefined)
        for (const hook of options.onShutdown ?? []) {
          try {
            await hook()
          } catch (error) {
            log(`shutdown hook failed: ${scrub(describe(error))}`)
            exitCode = 1
          }
        }
      })()
      let timer: ReturnType<typeof setTimeout> | undefined
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log(`shutdown hooks took over ${timeoutMs} ms; exiting anyway`)
          resolve()
        }, timeoutMs)
      })
      await Promise.race([hooks, timedOut])
      clearTimeout(timer)
      detach()
      resolveDone(reason)
      if (exit) process.exit(exitCode)
      return reason
    })())

  const onEnd = () => void stop('stdin closed')
  const onStdoutError = () => void stop('stdout closed')
  const onTerm = () => void stop('SIGTERM')
  const onInt = () => void stop('SIGINT')
  const onFatal = (error: unknown) => {
    log(`fatal error: ${scrub(describe(error))}`)
    void stop('fatal error', 1)
  }
  stdin.on('end', onEnd)
  stdin.on('close', onEnd)
  stdout.on('error', onStdoutError)
  if (exit) {
    process.on('SIGTERM', onTerm)
    process.on('SIGINT', onInt)
    process.on('uncaughtException', onFatal)
    process.on('unhandledRejection', onFatal)
  }
  const detach = () => {
    stdin.off('end', onEnd)
    stdin.off('close', onEnd)
    stdout.off('error', onStdoutError)
    if (exit) {
      process.off('SIGTERM', onTerm)
      process.off('SIGINT', onInt)
      process.off('uncaughtException', onFatal)
      process.off('unhandledRejection', onFatal)
    }
  }

  server.onerror = (error) => log(`mcp: ${scrub(describe(error))}`)
  await server.connect(new StdioServerTransport(stdin, stdout))
  return { done, close: () => stop('stdin closed') }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  return `non-error thrown (${typeof error})`
}
