// Runs a tool server over stdio from the environment: the whole body of a server's entry/stdio.ts.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { ConfigError } from '../config/errors.ts'
import type { ToolServerDeps } from '../mcp/server.ts'
import { serveStdio, type StdioServer } from './stdio.ts'
import {
  startToolRuntime,
  type StartingToolRuntime,
  type ToolRuntimeOptions,
} from './tool-runtime.ts'

/**
 * Makes the server. `runtime.load()` gives the detector, key ring and audit log to servers whose
 * tools need them (call it inside handlers, not here: it is what start-up defers).
 */
export type ServerFactory = (deps: ToolServerDeps, runtime: StartingToolRuntime) => Server

export interface StdioToolServerOptions extends ToolRuntimeOptions {
  /**
   * Longest wait for the client's `notifications/initialized` before the detector is loaded
   * anyway (so configuration errors surface even with an idle client). Default: 200 ms.
   */
  loadDelayMs?: number
}

/**
 * Reads the configuration, creates the server and serves it on stdio, closing the audit log on
 * the way out. Start-up order, for a fast `initialize` (bench/coldstart.bench.ts): configuration
 * files, keys and the audit log are read first; the PII detector is loaded once the client has
 * initialized (or after `loadDelayMs`, or at the first tool call, whichever comes first).
 * A configuration problem is printed to stderr, one line per problem, and the process exits 1:
 * before speaking MCP, or right after `initialize` for a policy naming an unknown entity type.
 */
export async function runStdioToolServer(
  name: string,
  createServer: ServerFactory,
  options: StdioToolServerOptions = {},
): Promise<StdioServer> {
  const fail = (error: unknown): never => {
    const text =
      error instanceof ConfigError ? error.message : `${(error as Error)?.stack ?? error}`
    process.stderr.write(`${name}: ${text}\n`)
    process.exit(1)
  }
  let runtime: StartingToolRuntime
  try {
    runtime = await startToolRuntime(options)
  } catch (error) {
    return fail(error)
  }
  const server = createServer(runtime.deps, runtime)
  const stdio = await serveStdio(server, {
    onShutdown: [() => runtime.close()],
    scrub: (text) => runtime.guard.scrub(text),
  })
  const load = () => {
    clearTimeout(timer)
    runtime.load().catch(fail)
  }
  const timer = setTimeout(load, options.loadDelayMs ?? 200)
  const initialized = server.oninitialized
  server.oninitialized = () => {
    initialized?.()
    load()
  }
  return stdio
}
