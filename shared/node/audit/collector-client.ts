// Sends audit events to the collector's socket; a bounded buffer while it is down, stderr (marked) when full.
import { connect, type Socket } from 'node:net'
import type { Writable } from 'node:stream'
import { AuditError } from '../../audit/errors.ts'
import type { AuditLog } from '../../audit/log.ts'
import { normalizeEvent, type Scrubber } from '../../audit/normalize.ts'
import { GENESIS_PREV, type AuditEvent, type AuditRecord } from '../../audit/record.ts'

export interface CollectorLogOptions {
  /** The collector's socket (`AUDIT_COLLECTOR_SOCKET`). */
  path: string
  /** Where events go when they cannot reach the collector. Default: `process.stderr`. */
  fallback?: Writable
  /** Events held while the collector is unreachable before they go to `fallback`. Default: 1000. */
  maxBuffer?: number
  /** PII scrubber applied before an event leaves this process (the collector scrubs again). */
  scrub?: Scrubber
  /** Wait before reconnecting, in ms. Default: 500. */
  retryMs?: number
  /** Longest wait in `flush()` for the collector to confirm the events are written, ms. Default: 2000. */
  syncMs?: number
}

/**
 * An `AuditLog` for processes that do not own the chain (a stdio server exec'd beside the
 * gateway): each event is normalised and scrubbed here, then sent as one JSON line to the
 * collector, which seals it into the writer's chain. While the collector is unreachable, up to
 * `maxBuffer` events wait (and are sent on reconnect, in order); beyond that, and for whatever
 * is still held at `close()`, each event goes to `fallback` as one line
 * `{"audit_fallback":"collector unreachable","event":{…}}`, so a record that missed the chain
 * says so and is never lost silently. `record()` resolves with the event as sent (no `seq` or
 * `hash`: those are the collector's).
 */
export function createCollectorLog(options: CollectorLogOptions): AuditLog {
  const { path, maxBuffer = 1000, scrub, retryMs = 500, syncMs = 2000 } = options
  const fallback = options.fallback ?? process.stderr
  if (typeof path !== 'string' || path === '') {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'path must be a non-empty string')
  }
  let socket: Socket | undefined
  let connected = false
  let connecting: Promise<void> | undefined
  let closed = false
  let failures = 0
  let pending: string[] = []
  let lastAttempt = 0
  // flush(): `{"audit_sync":N}` sent, resolved by the collector's `{"audit_synced":N}`.
  let syncId = 0
  const syncs = new Map<number, () => void>()
  let answers = ''

  const toFallback = (line: string) => {
    failures++
    fallback.write(`{"audit_fallback":"collector unreachable","event":${line.trimEnd()}}\n`)
  }

  const connectNow = () =>
    (connecting ??= new Promise<void>((resolve) => {
      lastAttempt = Date.now()
      const s = connect(path)
      s.once('connect', () => {
        s.unref() // never the reason a stdio server stays alive; close() ends it cleanly
        s.setEncoding('utf8')
        s.on('data', (chunk: string) => {
          answers += chunk
          let end
          while ((end = answers.indexOf('\n')) >= 0) {
            const id = /^\{"audit_synced":(\d+)\}$/.exec(answers.slice(0, end))?.[1]
            answers = answers.slice(end + 1)
            if (id !== undefined) syncs.get(Number(id))?.()
          }
          if (answers.length > 1024) answers = ''
        })
        socket = s
        connected = true
        const held = pending
        pending = []
        if (held.length) s.write(held.join(''))
        resolve()
      })
      s.on('error', () => {
        connected = false
        s.destroy()
        resolve()
      })
      s.on('close', () => {
        for (const done of syncs.values()) done()
        connected = false
        if (socket === s) socket = undefined
        connecting = undefined
      })
    }).finally(() => {
      if (!connected) connecting = undefined
    }))

  const send = (line: string) => {
    if (connected && socket) {
      // A write the collector never took (it went away) falls back too.
      socket.write(line, (error) => error && toFallback(line))
      return
    }
    if (pending.length >= maxBuffer) toFallback(pending.shift()!)
    pending.push(line)
    scheduleRetry()
  }

  // While events wait, try again every `retryMs` (unref'd: it never keeps the process alive).
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  function scheduleRetry() {
    if (connected || connecting || retryTimer || closed || pending.length === 0) return
    const wait = Math.max(0, lastAttempt + retryMs - Date.now())
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void connectNow().then(scheduleRetry)
    }, wait)
    retryTimer.unref()
  }

  void connectNow()

  const log: AuditLog = {
    record(event) {
      let fields: AuditEvent
      try {
        fields = normalizeEvent(event, scrub)
      } catch (error) {
        return Promise.reject(error)
      }
      if (closed) {
        toFallback(JSON.stringify(fields))
      } else {
        send(`${JSON.stringify(fields)}\n`)
      }
      const ts = new Date().toISOString()
      return Promise.resolve({
        ...fields,
        ts,
        seq: 0,
        prev: GENESIS_PREV,
        hash: GENESIS_PREV,
      } as AuditRecord)
    },
    recordSystem: () =>
      Promise.reject(
        new AuditError('ERR_AUDIT_INVALID_EVENT', 'the collector client writes no audit.* records'),
      ),
    /** Resolves once the collector has written every event sent so far (or after `syncMs`). */
    async flush() {
      if (pending.length > 0 && !connected) await connectNow()
      const s = socket
      if (!connected || !s) return
      const id = ++syncId
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, syncMs)
        function done() {
          clearTimeout(timer)
          syncs.delete(id)
          resolve()
        }
        syncs.set(id, done)
        s.write(`{"audit_sync":${id}}\n`)
      })
    },
    async close() {
      if (closed) return
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      if (pending.length > 0 && !connected) await connectNow()
      for (const line of pending) toFallback(line)
      pending = []
      const s = socket
      if (s) await new Promise<void>((resolve) => s.end(resolve))
    },
    checkpoint: async () => undefined,
    get failures() {
      return failures
    },
    get head() {
      return { prev: GENESIS_PREV, seq: 0 }
    },
    lastCheckpoint: undefined,
  }
  return log
}
