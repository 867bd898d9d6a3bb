// Test support: child processes that tests and scripts supervise (spawn with a minimal
// environment and a log file, wait for a line of output, stop with a deadline).
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { root } from './bundle.ts'

/** How a child process ended. */
export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A started child process and what it has printed so far. */
export interface Supervised {
  child: ChildProcess
  /** Resolves when the process has exited. */
  exited: Promise<Exit>
  /** Everything it wrote to stderr (and stdout) so far. */
  output(): string
  /** True when started in its own process group (stopped as a group). */
  detached: boolean
}

export interface StartOptions {
  /** Added to PATH and HOME, the only variables the child inherits. Default: none. */
  env?: Record<string, string>
  /** Working folder. Default: the repository root. */
  cwd?: string
  /** Also append everything the process prints to this file. Default: none. */
  logFile?: string
  /** Start it in its own process group, stopped as a whole. Default: false. */
  detached?: boolean
}

/** Spawns `command args…`, collecting stdout and stderr (and appending them to `logFile`). */
export function startProcess(
  command: string,
  args: string[],
  options: StartOptions = {},
): Supervised {
  const { env = {}, cwd = root, logFile, detached = false } = options
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  })
  let output = ''
  const take = (chunk: Buffer) => {
    output += chunk
    if (logFile) appendFileSync(logFile, chunk)
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, exited, output: () => output, detached }
}

const running = (proc: Supervised) => proc.child.exitCode === null && proc.child.signalCode === null

/** Ends a started process (its process group when detached): SIGTERM, then SIGKILL after `ms`. */
export async function stopProcess(proc: Supervised, ms = 5000): Promise<void> {
  if (!running(proc)) return
  const signal = (name: NodeJS.Signals) => {
    try {
      if (proc.detached) process.kill(-proc.child.pid!, name)
      else proc.child.kill(name)
      return true
    } catch {
      return false
    }
  }
  if (!signal('SIGTERM')) return
  const timer = setTimeout(() => signal('SIGKILL'), ms)
  await proc.exited
  clearTimeout(timer)
}

/**
 * Resolves once the process's output matches `pattern` (checked on every chunk it prints);
 * rejects with its output when it exits first or `ms` pass.
 */
export function waitForOutput(
  proc: Supervised,
  pattern: RegExp,
  what: string,
  ms = 30_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer)
      proc.child.stdout!.off('data', check)
      proc.child.stderr!.off('data', check)
      proc.child.off('exit', exited)
      if (error) reject(error)
      else resolve()
    }
    // Listeners run after startProcess's own, so output() already holds the chunk.
    const check = () => {
      if (pattern.test(proc.output())) done()
    }
    const exited = () => done(new Error(`${what} exited:\n${proc.output()}`))
    const timer = setTimeout(
      () => done(new Error(`${what} did not start within ${ms} ms:\n${proc.output()}`)),
      ms,
    )
    proc.child.stdout!.on('data', check)
    proc.child.stderr!.on('data', check)
    proc.child.on('exit', exited)
    if (pattern.test(proc.output())) done()
    else if (!running(proc)) exited()
  })
}

/** Is `pid` running? A zombie (exited, not reaped: PID 1 of a container may not reap) is not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8') // "pid (comm) state …"
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** Polls until every pid is gone (bounded, no fixed sleep); false after `ms`. */
export async function allGone(pids: number[], ms = 5_000): Promise<boolean> {
  const deadline = performance.now() + ms
  while (pids.some(isRunning)) {
    if (performance.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return true
}
