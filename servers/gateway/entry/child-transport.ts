// Opens stdio child upstreams (Node): the SDK's StdioClientTransport with a minimal environment
// (never the gateway's secrets or any caller token, MCP-A8) and stderr relayed line by line.
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { Readable } from 'node:stream'

/** How to start one child server. */
export interface ChildCommand {
  /** Executable, e.g. `process.execPath` for a bundled `.mjs`. */
  command: string
  /** Its arguments. Default none. */
  args?: readonly string[]
  /**
   * Environment given to the child on top of the SDK's short inherited list (HOME, LOGNAME,
   * PATH, SHELL, TERM, USER): nothing else of the gateway's environment is passed on.
   */
  env?: Readonly<Record<string, string>>
  /** Working directory. Default: the gateway's. */
  cwd?: string
}

/** Longest stderr line relayed; the rest of a longer line is cut. */
const MAX_LINE = 2000

/**
 * `UpstreamSpec.open` for a child process: each call spawns a new one. `onStderrLine` gets the
 * child's standard error one line at a time (scrub it before it reaches a log: LOG-2).
 */
export function openChild(
  child: ChildCommand,
  onStderrLine: (line: string) => void = () => {},
): () => Transport {
  return () => {
    const transport = new StdioClientTransport({
      command: child.command,
      args: [...(child.args ?? [])],
      env: { ...child.env },
      stderr: 'pipe',
      ...(child.cwd !== undefined ? { cwd: child.cwd } : {}),
    })
    let rest = ''
    const stderr = transport.stderr as Readable | null
    stderr?.setEncoding('utf8')
    stderr?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop() ?? ''
      if (rest.length > MAX_LINE) rest = rest.slice(0, MAX_LINE)
      for (const line of lines) if (line.trim() !== '') onStderrLine(line.slice(0, MAX_LINE))
    })
    stderr?.on('end', () => {
      if (rest.trim() !== '') onStderrLine(rest)
      rest = ''
    })
    return transport
  }
}
