// The audit collector: a Unix socket beside the one chain's writer that takes events from other processes.
import { chmod, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { AUDIT_ERROR_WORD, AuditError } from '../../audit/errors.ts'
import type { AuditLog } from '../../audit/log.ts'
import type { AuditEvent } from '../../audit/record.ts'

export interface AuditCollectorOptions {
  /** Socket path, e.g. `/run/mcp-docker/audit.sock` (a tmpfs shared by the processes of one container). */
  path: string
  /** The writer's log: every event received is recorded there (normalised and scrubbed again). */
  log: AuditLog
  /** Longest line accepted, in bytes; longer lines are dropped and counted. Default: 16384. */
  maxLineBytes?: number
  /** Connections at once. Default: 64. */
  maxClients?: number
  /** Operator lines (invalid input, at most one per connection). Default: `console.error`. */
  onProblem?: (line: string) => void
}

export interface AuditCollector {
  readonly path: string
  /** Events recorded so far, and lines dropped as invalid. */
  readonly received: number
  readonly dropped: number
  /** Stops listening, ends connections and removes the socket file. */
  close(): Promise<void>
}

/**
 * Listens on `path` (mode 0600: only the same uid may connect) for JSON Lines of `AuditEvent`
 * objects from processes that cannot write the chain themselves (stdio servers exec'd in the
 * writer's container; issue 12 item 1) and records each into `log`, so one writer keeps one
 * chain. A stale socket file is replaced. A line that is not an event (bad JSON, an `audit.*`
 * event, a field the format cannot hold) is dropped and counted, never recorded half-way; the
 * connection stays open. A line `{"audit_sync":N}` is a flush: once every event the client sent
 * before it is written, the collector answers `{"audit_synced":N}`.
 */
export async function startAuditCollector(options: AuditCollectorOptions): Promise<AuditCollector> {
  const { path, log, maxLineBytes = 16_384, maxClients = 64 } = options
  const onProblem = options.onProblem ?? ((line: string) => console.error(line))
  if (typeof path !== 'string' || path === '') {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'path must be a non-empty string')
  }
  let received = 0
  let dropped = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    if (sockets.size >= maxClients) {
      socket.destroy()
      return
    }
    sockets.add(socket)
    socket.setEncoding('utf8')
    let buffer = ''
    let complained = false
    const drop = (why: string) => {
      dropped++
      if (!complained) onProblem(`audit collector: dropped a line from a client (${why})`)
      complained = true
    }
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let end
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 1)
        if (line === '') continue
        if (Buffer.byteLength(line) > maxLineBytes) {
          drop('line too long')
          continue
        }
        let event: AuditEvent
        try {
          event = JSON.parse(line) as AuditEvent
        } catch {
          drop('not JSON')
          continue
        }
        const sync = (event as { audit_sync?: unknown }).audit_sync
        if (typeof sync === 'number' && Number.isSafeInteger(sync)) {
          // A client's flush: every event it sent before this line is in `log` (recorded in
          // order above); answer once they are written, so its next read of the file sees them.
          void log.flush().then(() => {
            if (!socket.destroyed) socket.write(`{"audit_synced":${sync}}\n`)
          })
          continue
        }
        received++
        log.record(event).catch((error: unknown) => {
          received--
          drop(
            error instanceof AuditError
              ? AUDIT_ERROR_WORD[error.code]
              : ((error as { code?: string })?.code ?? 'refused'),
          )
        })
      }
      if (Buffer.byteLength(buffer) > maxLineBytes) {
        buffer = ''
        drop('line too long')
      }
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
  })
  await rm(path, { force: true })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
  await chmod(path, 0o600)
  server.unref() // the writer's own server keeps the process alive, not the collector
  return {
    path,
    get received() {
      return received
    },
    get dropped() {
      return dropped
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.end()
      })
      await rm(path, { force: true })
    },
  }
}
