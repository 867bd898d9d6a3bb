// One writer per audit log: an O_EXCL lock file beside it with the writer's pid, stale locks taken over.
import { readFileSync } from 'node:fs'
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { AuditError } from '../../audit/errors.ts'

/** A held lock. */
export interface AuditLock {
  /** The lock file (`<log>.lock`). */
  readonly path: string
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>
}

export interface AuditLockOptions {
  /**
   * The holder refreshes the lock file's mtime this often; a lock from another host (container)
   * older than 3 × this is stale. Default: 10000 ms.
   */
  heartbeatMs?: number
}

interface LockInfo {
  pid: number
  host: string
  /** Process start time (Linux /proc/<pid>/stat field 22), so a reused pid is not mistaken for the holder. */
  start?: string
}

const held = new Set<string>()

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes `<logPath>.lock` (created with O_EXCL, mode 0600, holding `{pid, host, start}`). An
 * existing lock is stale, and replaced, when its holder is gone: same host and that pid is not
 * running (or runs a process started at another time), or another host and its mtime is older
 * than 3 heartbeats. Otherwise this rejects with `AuditError('ERR_AUDIT_LOCKED')`: a second writer would
 * fork the chain (two records with one `prev`), so it must not start.
 */
export async function lockAuditLog(
  logPath: string,
  options: AuditLockOptions = {},
): Promise<AuditLock> {
  const { heartbeatMs = 10_000 } = options
  const path = `${logPath}.lock`
  if (held.has(path)) {
    throw new AuditError('ERR_AUDIT_LOCKED', 'this process already writes this audit log')
  }
  const me: LockInfo = { pid: process.pid, host: hostname() }
  const start = startTimeOf(process.pid)
  if (start) me.start = start
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600)
      await file.writeFile(`${JSON.stringify(me)}\n`)
      await file.close()
      held.add(path)
      const timer = setInterval(() => {
        const now = new Date()
        utimes(path, now, now).catch(() => undefined)
      }, heartbeatMs)
      timer.unref()
      let released = false
      return {
        path,
        async release() {
          if (released) return
          released = true
          clearInterval(timer)
          held.delete(path)
          const current = await readFile(path, 'utf8').catch(() => '')
          if (current.trim() === JSON.stringify(me)) await rm(path, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    if (!(await isStale(path, me, heartbeatMs))) {
      throw new AuditError(
        'ERR_AUDIT_LOCKED',
        `another process writes this audit log (lock file ${path}); one writer per log, or remove the lock if that writer is gone`,
      )
    }
    await rm(path, { force: true })
  }
  throw new AuditError('ERR_AUDIT_LOCKED', `cannot take the audit log lock ${path}`)
}

async function isStale(path: string, me: LockInfo, heartbeatMs: number): Promise<boolean> {
  let info: Partial<LockInfo>
  let mtime: number
  try {
    info = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>
    mtime = (await stat(path)).mtimeMs
  } catch {
    return true // unreadable or half-written: a writer that died while taking it
  }
  if (typeof info.pid !== 'number') return true
  if (info.host === me.host) {
    if (info.pid === me.pid) return info.start !== me.start || !held.has(path)
    if (!alive(info.pid)) return true
    const start = startTimeOf(info.pid)
    return info.start !== undefined && start !== undefined && start !== info.start
  }
  return Date.now() - mtime > 3 * heartbeatMs
}
