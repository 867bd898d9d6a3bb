// Aggregates refused and unauthenticated events: one record per (event, client, reason) per interval, with a count.
import type { AuditLog } from './log.ts'
import type { AuditEvent, AuditRecord } from './record.ts'

/** Events an outsider can trigger without credentials (OAuth2 server, gateway bearer checks). */
export const AGGREGATED_EVENTS: readonly string[] = [
  'client_auth_failed',
  'token_request_failed',
  'token_rejected',
]

export interface AggregateOptions {
  /** Event names aggregated when their outcome is not `ok`. Default: `AGGREGATED_EVENTS`. */
  events?: readonly string[]
  /** Length of an interval in ms. Default: 60000. */
  intervalMs?: number
  /**
   * Distinct (event, outcome, client_id, tool, detail) keys tracked per interval; events of
   * further keys are counted in one record per event name with the client left out (an attacker
   * who varies client_id cannot make one record per request). Default: 100.
   */
  maxKeys?: number
}

interface Bucket {
  sample: AuditEvent
  /** Events of this key after the first (which was written at once). */
  more: number
  first: Promise<AuditRecord>
}

/**
 * Wraps `log`: the first aggregated event of each key in an interval is written at once (so
 * `tail -f` shows an attack starting); later ones are only counted, and at the end of the
 * interval (or on `flush`/`close`) one record with the same event, outcome, client_id, tool and
 * detail and `count` = the number of those later events is written (a record without `count`
 * stands for one event; the sum of `count ?? 1` is the number of events). `request_id` and
 * `jti` are kept on the first record only. Every other event passes straight through.
 */
export function createAggregatingLog(log: AuditLog, options: AggregateOptions = {}): AuditLog {
  const events = new Set(options.events ?? AGGREGATED_EVENTS)
  const { intervalMs = 60_000, maxKeys = 100 } = options
  let buckets = new Map<string, Bucket>()

  const emit = async () => {
    const done = buckets
    buckets = new Map()
    const writes: Array<Promise<unknown>> = []
    for (const { sample, more } of done.values()) {
      if (more === 0) continue
      const { request_id: _r, jti: _j, ...fields } = sample
      writes.push(
        log.record(more >= 2 ? { ...fields, count: more } : fields).catch(() => undefined),
      )
    }
    await Promise.all(writes)
  }

  const timer = setInterval(() => void emit(), intervalMs)
  ;(timer as { unref?: () => void }).unref?.()

  const wrapper: AuditLog = Object.create(log, {
    record: {
      configurable: true,
      value(event: AuditEvent): Promise<AuditRecord> {
        if (event?.outcome === 'ok' || !events.has(event?.event)) return log.record(event)
        let key = JSON.stringify([
          event.event,
          event.outcome,
          event.client_id,
          event.tool,
          event.detail,
        ])
        let sample = event
        if (!buckets.has(key) && buckets.size >= maxKeys) {
          key = JSON.stringify([event.event, event.outcome])
          sample = {
            event: event.event,
            outcome: event.outcome,
            detail: 'aggregated: more distinct clients and reasons',
          }
        }
        const bucket = buckets.get(key)
        if (bucket) {
          bucket.more++
          return bucket.first
        }
        const first = log.record(sample)
        first.catch(() => undefined)
        buckets.set(key, { sample, more: 0, first })
        return first
      },
    },
    flush: {
      configurable: true,
      async value() {
        await emit()
        await log.flush()
      },
    },
    close: {
      configurable: true,
      async value() {
        clearInterval(timer)
        await emit()
        await log.close()
      },
    },
  })
  return wrapper
}
