// Processes inside a container as the host sees them (`docker top`), to prove that exec'd servers
// run as 65532 and leave nothing behind.
import { docker } from '../support/docker/engine.ts'

export interface ContainerProcess {
  uid: number
  /** Host pid. */
  pid: number
  /** Host pid of the parent (containerd's shim for `docker exec` sessions). */
  ppid: number
  args: string
}

/** Every process of `container`. */
export async function containerProcesses(container: string): Promise<ContainerProcess[]> {
  const { stdout } = await docker(['top', container, '-o', 'uid,pid,ppid,args'])
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [uid, pid, ppid, ...args] = line.trim().split(/\s+/)
      return { uid: Number(uid), pid: Number(pid), ppid: Number(ppid), args: args.join(' ') }
    })
}

/**
 * Processes running `/app/<bundle>.mjs` that were not started by the container's own health
 * check (which spawns bundles to see them answer `initialize`).
 */
export function bundleProcesses(all: ContainerProcess[], bundle: string): ContainerProcess[] {
  const healthChecks = new Set(
    all.filter((p) => p.args.includes('/app/healthcheck.mjs')).map((p) => p.pid),
  )
  return all.filter(
    (p) =>
      p.args.includes(`/app/${bundle}.mjs`) &&
      !p.args.includes('/app/healthcheck.mjs') &&
      !healthChecks.has(p.ppid),
  )
}

/** Polls until no `bundle` process (outside health checks) remains; returns the ms it took. */
export async function waitNoBundleProcess(
  container: string,
  bundle: string,
  timeoutMs = 5000,
): Promise<number> {
  const start = performance.now()
  for (;;) {
    const left = bundleProcesses(await containerProcesses(container), bundle)
    const elapsed = performance.now() - start
    if (left.length === 0) return elapsed
    if (elapsed > timeoutMs) {
      throw new Error(
        `${container}: still running after ${timeoutMs} ms: ${left.map((p) => `${p.pid} ${p.args}`).join('; ')}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
