// Serves an MCP server over stdio for clients that spawn it (Cursor, `docker exec -i`): stdout
// carries only JSON-RPC, logs go to stderr, and the process exits when the client goes away.
import type { Readable, Writable } from 'node:stream'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { EarlyStdio } from './stdio-early.ts'

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
  /**
   * Install the SIGTERM/SIGINT and uncaught-error handlers. Default: `exit`. Set false when the
   * caller keeps its own signal handlers (and calls `close(reason)`), e.g. one installed before
   * this server existed: removing a handler can lose a signal that is already pending.
   */
  handleSignals?: boolean
  /**
   * The early reader that may have answered `initialize` already (`listenEarly`): its bytes are
   * replayed into the SDK transport and the SDK's second answer to that request is dropped.
   * Its streams are used. Default: none.
   */
  early?: EarlyStdio
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
  /** Shuts down (hooks, then exit when `exit`: status 1 for `fatal error`, else 0); `reason` defaults to `stdin closed`. */
  close(reason?: ShutdownReason): Promise<ShutdownReason>
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
  const { early } = options
  const stdin = early?.stdin ?? options.stdin ?? process.stdin
  const stdout = early?.stdout ?? options.stdout ?? process.stdout
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const scrub = options.scrub ?? ((text: string) => text)
  const exit = options.exit ?? true
  const handleSignals = options.handleSignals ?? exit
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
  if (handleSignals) {
    process.on('SIGTERM', onTerm)
    process.on('SIGINT', onInt)
    process.on('uncaughtException', onFatal)
    process.on('unhandledRejection', onFatal)
  }
  const detach = () => {
    stdin.off('end', onEnd)
    stdin.off('close', onEnd)
    stdout.off('error', onStdoutError)
    if (handleSignals) {
      process.off('SIGTERM', onTerm)
      process.off('SIGINT', onInt)
      process.off('uncaughtException', onFatal)
      process.off('unhandledRejection', onFatal)
    }
  }

  server.onerror = (error) => log(`mcp: ${scrub(describe(error))}`)
  const transport = new StdioServerTransport(stdin, stdout)
  if (!early) {
    await server.connect(transport)
    return {
      done,
      close: (reason = 'stdin closed') => stop(reason, reason === 'fatal error' ? 1 : 0),
    }
  }
  const { bytes, answeredId, ended } = early.handOff()
  if (answeredId !== undefined) {
    const send = transport.send.bind(transport)
    let dropped = false
    transport.send = async (message: JSONRPCMessage) => {
      if (!dropped && 'id' in message && message.id === answeredId && !('method' in message)) {
        dropped = true // the client has this answer already (stdio-early.ts)
        return
      }
      return send(message)
    }
  }
  // connect() attaches the transport's stdin listener synchronously; the bytes read early are
  // replayed in the same tick, so nothing read later can overtake them.
  const connected = server.connect(transport)
  if (bytes.length > 0)
    stdin.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
  await connected
  if (ended) void stop('stdin closed')
  return {
    done,
    close: (reason = 'stdin closed') => stop(reason, reason === 'fatal error' ? 1 : 0),
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  return `non-error thrown (${typeof error})`
}
