// E2E helpers for stdio MCP bundles: spawn a bundle (from dist/ or from an empty folder), talk to
// it with the SDK client or raw JSON-RPC lines, run the MCP Inspector CLI, find a free port.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { bundlePath, root } from '../support/bundle.ts'
import { freePort } from '../support/ports.ts'

export { bundlePath, freePort, root }

/** PATH and HOME only, plus `extra`: a bundle must not depend on anything else. */
export function minimalEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra }
}

/** Copies dist/<name>.mjs into a new empty folder (no node_modules anywhere up the tree) and returns its path. */
export async function isolatedBundle(name: string): Promise<string> {
  const source = await bundlePath(name)
  const dir = mkdtempSync(join(tmpdir(), `mcp-bundle-${name}-`))
  const target = join(dir, basename(source))
  copyFileSync(source, target)
  if (existsSync(join(dir, 'node_modules'))) throw new Error('the temp folder has node_modules')
  return target
}

/** A stdio server driven by the SDK client. */
export interface StdioSession {
  client: Client
  transport: StdioClientTransport
  /** Everything the server wrote to stderr so far (logs, audit lines). */
  stderr(): string
  /** Closes the client (and so the server's stdin). */
  close(): Promise<void>
}

export interface ConnectOptions {
  /** Extra environment over `minimalEnv()`. */
  env?: Record<string, string>
  /** Working directory. Default: the bundle's folder. */
  cwd?: string
  /** Run a copy from an empty folder (`isolatedBundle`). Default: false. */
  isolated?: boolean
  /** Arguments after the bundle path (for wrappers such as `guard -- node …`). */
  args?: string[]
}

/** Spawns `node <command> …args` as a stdio MCP server and connects (initializes) an SDK client. */
export async function connectStdio(
  command: string,
  args: string[],
  options: Omit<ConnectOptions, 'isolated' | 'args'> = {},
): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command,
    args,
    env: minimalEnv(options.env),
    stderr: 'pipe',
    ...(options.cwd ? { cwd: options.cwd } : {}),
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk) => (stderr += chunk))
  const client = new Client({ name: 'e2e', version: '1.0.0' })
  await client.connect(transport)
  return { client, transport, stderr: () => stderr, close: () => client.close() }
}

/** Spawns dist/<name>.mjs (or an isolated copy) with `node` and connects an SDK client. */
export async function connectBundle(
  name: string,
  options: ConnectOptions = {},
): Promise<StdioSession> {
  const path = options.isolated ? await isolatedBundle(name) : await bundlePath(name)
  return connectStdio(process.execPath, [path, ...(options.args ?? [])], {
    ...(options.env ? { env: options.env } : {}),
    cwd: options.cwd ?? join(path, '..'),
  })
}

/** A stdio server driven by raw JSON-RPC lines (for exit behaviour and stdout hygiene). */
export interface RawStdioProcess {
  child: ChildProcessWithoutNullStreams
  /** Writes one message as a line. */
  send(message: JSONRPCMessage): void
  /** The next message the server writes (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<JSONRPCMessage>
  /** Every stdout line so far that was not valid JSON (must stay empty: stdout is JSON-RPC only). */
  junk: string[]
  stderr(): string
  /** Resolves when the process ends: its code, signal and ms since `stdin` was closed (or spawn). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>
  /** Ends stdin (the client going away) and notes the time for `exited.ms`. */
  closeStdin(): void
}

/** Spawns `node <path> …args` with piped stdio. */
export function spawnRaw(
  path: string,
  args: string[] = [],
  env: Record<string, string> = {},
): RawStdioProcess {
  const child = spawn(process.execPath, [path, ...args], {
    env: minimalEnv(env),
    cwd: join(path, '..'),
  })
  const queue: JSONRPCMessage[] = []
  const waiters: Array<(message: JSONRPCMessage) => void> = []
  const junk: string[] = []
  let buffer = ''
  let stderr = ''
  let since = performance.now()
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk
    let end: number
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 1)
      let message: JSONRPCMessage
      try {
        message = JSON.parse(line) as JSONRPCMessage
      } catch {
        junk.push(line)
        continue
      }
      const waiter = waiters.shift()
      if (waiter) waiter(message)
      else queue.push(message)
    }
  })
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>(
    (resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, ms: performance.now() - since })),
  )
  return {
    child,
    junk,
    exited,
    stderr: () => stderr,
    send: (message) => void child.stdin.write(`${JSON.stringify(message)}\n`),
    next(timeoutMs = 10_000) {
      const ready = queue.shift()
      if (ready) return Promise.resolve(ready)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no message within ${timeoutMs} ms`)),
          timeoutMs,
        )
        waiters.push((message) => {
          clearTimeout(timer)
          resolve(message)
        })
      })
    },
    closeStdin() {
      since = performance.now()
      child.stdin.end()
    },
  }
}

/** The `initialize` request of a client speaking MCP 2025-11-25. */
export function initializeRequest(id: number | string = 1): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'e2e-raw', version: '1.0.0' },
    },
  }
}

/** Resolves as `promise` does, or rejects naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

export interface InspectorRun {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as JSON (the CLI prints the method's result), undefined when it is not JSON. */
  json: unknown
}

/**
 * Runs the MCP Inspector CLI (`@modelcontextprotocol/inspector`, a third-party client) against a
 * stdio server: `runInspector(['node', path], ['--method', 'tools/list'])`.
 */
export function runInspector(
  server: string[],
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<InspectorRun> {
  const bin = join(root, 'node_modules/.bin/mcp-inspector')
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--cli', ...server, ...args], { env: minimalEnv(env), cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the inspector took longer than ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({ code, stdout, stderr, json })
    })
  })
}
