// Runs a tool server over stdio from the environment: the whole body of a server's entry/stdio.ts,
// ordered for a fast `initialize` (bench/coldstart.bench.ts).
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { ConfigError } from '../config/errors.ts'
import type { ServerInfo } from '../mcp/initialize.ts'
import type { ToolServerDeps } from '../mcp/server.ts'
import { listenEarly } from './stdio-early.ts'
import type { StdioServer } from './stdio.ts'
import type { StartingToolRuntime, ToolRuntimeOptions } from './tool-runtime.ts'

/** How long start-up waits for the client's first message before loading the rest anyway. */
const FIRST_MESSAGE_WAIT_MS = 25

/**
 * Makes the server. `runtime.load()` gives the detector, key ring and audit log to servers whose
 * tools need them (await it inside handlers, not in the factory: it is what start-up defers).
 */
export type ServerFactory = (deps: ToolServerDeps, runtime: StartingToolRuntime) => Server

export interface StdioToolServerOptions extends ToolRuntimeOptions {
  /**
   * Longest wait for the client's `notifications/initialized` before the PII detector is loaded
   * anyway (so configuration errors surface even with an idle client). Default: 200 ms.
   */
  loadDelayMs?: number
}

/**
 * Serves a tool server on stdio. `info` must be the same object the server factory passes to
 * `createToolServer`, and `loadFactory` should `import()` the server module, so that the bundle
 * evaluates the MCP SDK only after the answer to `initialize` is out:
 *
 * 1. stdin is read at once; a first `initialize` request is answered from `info` (stdio-early.ts);
 * 2. configuration is read (files, keys, policy shape, audit log); any problem is printed to
 *    stderr, one per line, and the process exits 1;
 * 3. the server module (and the SDK) are loaded, the server is created, and the SDK transport
 *    takes over every byte read so far (`serveStdio`);
 * 4. the PII detector is loaded once the client has initialized, after `loadDelayMs`, or at the
 *    first tool call, whichever comes first; a policy naming an unknown entity type exits 1 here.
 *
 * The process exits 0 when stdin closes or on SIGTERM/SIGINT, after the audit log is flushed.
 */
export async function runStdioToolServer(
  info: ServerInfo,
  loadFactory: () => Promise<ServerFactory>,
  options: StdioToolServerOptions = {},
): Promise<StdioServer> {
  const early = listenEarly(info)
  // One handler per signal for the whole life of the process (removing one can drop a signal
  // that is already pending): until the server is up there is nothing to flush, exit at once.
  let onSignal: (signal: 'SIGTERM' | 'SIGINT') => void = () => process.exit(0)
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  process.on('SIGINT', () => onSignal('SIGINT'))
  const fail = (error: unknown): never => {
    const text =
      error instanceof ConfigError ? error.message : `${(error as Error)?.stack ?? error}`
    process.stderr.write(`${info.name}: ${text}\n`)
    process.exit(1)
  }
  // Evaluating modules blocks the event loop: let the client's first message (its `initialize`,
  // normally in the pipe already) be answered before anything else is loaded. A client that is
  // slow to speak does not hold up start-up (and configuration errors) for more than a moment.
  await Promise.race([
    early.first,
    new Promise((resolve) => setTimeout(resolve, FIRST_MESSAGE_WAIT_MS)),
  ])
  let runtime: StartingToolRuntime
  try {
    const { startToolRuntime } = await import('./tool-runtime.ts')
    runtime = await startToolRuntime(options)
  } catch (error) {
    return fail(error)
  }
  const [{ serveStdio }, createServer] = await Promise.all([import('./stdio.ts'), loadFactory()])
  const server = createServer(runtime.deps, runtime)
  const stdio = await serveStdio(server, {
    early,
    handleSignals: false,
    onShutdown: [() => runtime.close()],
    scrub: (text) => runtime.guard.scrub(text),
  })
  onSignal = (signal) => void stdio.close(signal)
  const onFatal = (error: unknown) => {
    const text = runtime.guard.scrub(String((error as Error)?.stack ?? error))
    process.stderr.write(`${info.name}: fatal error: ${text}\n`)
    void stdio.close('fatal error')
  }
  process.on('uncaughtException', onFatal)
  process.on('unhandledRejection', onFatal)
  const load = () => {
    clearTimeout(timer)
    runtime.load().catch(fail)
  }
  const timer = setTimeout(load, options.loadDelayMs ?? 200)
  const initialized = server.oninitialized
  server.oninitialized = () => {
    initialized?.()
    // After the requests that came with the notification (tools/list, usually) are answered.
    setImmediate(load)
  }
  return stdio
}
