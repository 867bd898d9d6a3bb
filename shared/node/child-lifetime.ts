// Child processes that cannot outlive this process: the child leads its own process group, the
// group is killed on every exit path of this process, and a watchdog kills it after a SIGKILL.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'

/**
 * The watchdog, run as `node -e WATCHDOG <pgid>` in its own session with a pipe from this
 * process as its stdin. Node has no parent-death signal (prctl PR_SET_PDEATHSIG), but every
 * descriptor of a process closes when it dies, however it dies: end of input on that pipe means
 * this process is gone, and the watchdog kills the child's group. Being told to stop (SIGTERM,
 * SIGINT, SIGHUP) does the same, so the watchdog never leaves the group unwatched.
 */
const WATCHDOG = `const group = Number(process.argv[1])
const fire = () => {
  try { process.kill(-group, 'SIGKILL') } catch {}
  process.exit(0)
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, fire)
process.stdin.on('end', fire).on('close', fire).on('error', fire).resume()`

/** How to start a bound child. */
export interface BoundChildOptions {
  /** The child's environment. Default: `process.env`. */
  env?: NodeJS.ProcessEnv
  /**
   * Start the watchdog process that kills the child's group if this process is SIGKILLed (or
   * dies any other way no handler sees). Default: true on POSIX systems; Windows has no process
   * groups and is never watched.
   */
  watchdog?: boolean
  /** Operator notes (the watchdog could not start). Default: none. */
  note?: (line: string) => void
}

/** A child whose process group lives no longer than this process. */
export interface BoundChild {
  /** stdin and stdout are pipes; stderr is this process's stderr. */
  readonly child: ChildProcessByStdio<Writable, Readable, null>
  /** Sends `signal` to the child's process group: the child and whatever it started in it. */
  signal(signal: NodeJS.Signals): void
}

/**
 * Spawns `command` with `args` as the leader of a new process group (`detached`: a new session,
 * so terminal signals to this process's group do not reach it directly) and binds the group to
 * this process: SIGKILL to the group when this process exits (`process.exit`, the end of the
 * event loop, and so after any signal or uncaught error a handler turns into an exit), and, for
 * deaths no handler sees, from the watchdog.
 *
 * What cannot be covered: a descendant that leaves the group (`setsid`, its own `detached`
 * spawn, a daemon's double fork) is no longer reachable through it.
 */
export function spawnBoundChild(
  command: string,
  args: readonly string[],
  options: BoundChildOptions = {},
): BoundChild {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: options.env ?? process.env,
    detached: true,
  })
  const group = child.pid
  const signal = (name: NodeJS.Signals) => {
    if (group === undefined) return
    try {
      process.kill(-group, name)
    } catch {
      try {
        child.kill(name)
      } catch {
        // already gone
      }
    }
  }
  if (group !== undefined) {
    // Last resort on every exit path a handler sees: nothing of the child's group survives.
    process.on('exit', () => signal('SIGKILL'))
    if (options.watchdog ?? process.platform !== 'win32') startWatchdog(group, options.note)
  }
  return { child, signal }
}

/** Starts the watchdog of process group `group`; it holds no reference on the event loop. */
function startWatchdog(group: number, note?: (line: string) => void): void {
  const { NODE_OPTIONS: _, ...env } = process.env // no preloads: it runs plain JavaScript only
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(group)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env,
    detached: true,
  })
  watchdog.on('error', (error: NodeJS.ErrnoException) =>
    note?.(`the child's watchdog did not start (${error.code ?? error.name})`),
  )
  watchdog.stdin.on('error', () => undefined)
  ;(watchdog.stdin as Socket).unref()
  watchdog.unref()
}
