// The audit logger: chains records in call order and hands their lines to sinks, never throwing on I/O.
import { AuditError } from './errors.ts'
import { normalizeEvent, type Scrubber } from './normalize.ts'
import { GENESIS_PREV, HASH_PATTERN, type AuditEvent, type AuditRecord } from './record.ts'
import { sealRecord, type HexDigest } from './seal.ts'

/** Where lines go: a file, a stream, memory. */
export interface AuditSink {
  /** Appends complete lines (each ends with `\n`, possibly several at once). */
  write(lines: string): Promise<void>
  /** Makes written lines durable (fsync for files). */
  flush?(): Promise<void>
  /** Releases the sink; later writes fail. */
  close?(): Promise<void>
}

/** The end of a chain: the last record's `hash` and `seq`. */
export interface ChainHead {
  /** `hash` of the last record, `GENESIS_PREV` when there is none. */
  prev: string
  /** `seq` of the last record, 0 when there is none. */
  seq: number
}

export interface AuditLogOptions {
  /** Every line goes to every sink, in chain order. At least one. */
  sinks: AuditSink[]
  /** Continue an existing chain (restart, see `openAuditFileLog`). Default: a new chain (genesis). */
  resume?: ChainHead
  /** Source of `ts`. Default: `() => new Date()`. */
  clock?: () => Date
  /**
   * Masker for every string field (tool, client_id, jti, request_id, detail), e.g. the PII
   * detector's masker (LOG-2). Default: none. The built-in secret scrubber (`scrubSecrets`: JWTs,
   * Bearer/Basic credentials, Authorization headers, secret pairs, high-entropy runs in `detail`)
   * always runs after it (LOG-1). A scrubber that throws makes the field `[REDACTED]`.
   */
  scrub?: Scrubber
  /**
   * Called on every failed sink write/flush/close. Default: `console.error` once per failure
   * burst of a sink (again only after that sink has written successfully).
   */
  onSinkError?: (error: unknown, sink: AuditSink) => void
  /**
   * SHA-256 (lowercase hex) used to seal records. Default: Web Crypto's `crypto.subtle.digest`.
   * Node entries pass `node:crypto`'s synchronous hash (shared/node/sha256.ts): the same
   * digest, without Web Crypto's per-call cost on Node (≈ 59 µs vs 1.5 µs per record).
   */
  digest?: HexDigest
}

export interface AuditLog {
  /**
   * Seals the event as the next record and writes it to every sink. Records are chained in call
   * order, also when called concurrently; `ts` is taken at call time. Resolves with the record
   * once every sink has taken (or failed to take) its line: sink failures never reject, they
   * are counted in `failures` and reported to `onSinkError`. Rejects only with
   * `AuditError('invalid_event')` for an event the format cannot hold (a caller bug); such an
   * event uses no `seq`.
   */
  record(event: AuditEvent): Promise<AuditRecord>
  /** Waits for every pending record, then flushes every sink. Never rejects. */
  flush(): Promise<void>
  /** `flush()`, then closes every sink. Idempotent; never rejects. */
  close(): Promise<void>
  /** Failed sink operations (write, flush, close) so far. */
  readonly failures: number
  /** The chain's end after the records sealed so far: anchor it elsewhere to detect tail loss. */
  readonly head: ChainHead
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { sinks, resume, clock = () => new Date(), scrub, onSinkError, digest } = options
  if (
    !Array.isArray(sinks) ||
    sinks.length === 0 ||
    sinks.some((s) => typeof s?.write !== 'function')
  ) {
    throw new AuditError('invalid_option', 'sinks must be a non-empty array of AuditSink')
  }
  if (resume !== undefined) {
    if (typeof resume.prev !== 'string' || !HASH_PATTERN.test(resume.prev)) {
      throw new AuditError('invalid_option', 'resume.prev must be 64 lowercase hex')
    }
    if (!Number.isSafeInteger(resume.seq) || resume.seq < 0) {
      throw new AuditError('invalid_option', 'resume.seq must be an integer ≥ 0')
    }
    if ((resume.seq === 0) !== (resume.prev === GENESIS_PREV)) {
      throw new AuditError('invalid_option', 'resume.seq is 0 exactly when resume.prev is genesis')
    }
  }

  const head: ChainHead = { prev: resume?.prev ?? GENESIS_PREV, seq: resume?.seq ?? 0 }
  let sealing: Promise<unknown> = Promise.resolve()
  let failures = 0
  const failing = new Set<AuditSink>()

  const reportFailure = (error: unknown, sink: AuditSink) => {
    failures++
    try {
      if (onSinkError) onSinkError(error, sink)
      else if (!failing.has(sink)) {
        console.error(`audit log: a sink failed (${describe(error)}); records may be lost`)
      }
    } catch {
      // A failing error handler must not reach the caller either.
    }
    failing.add(sink)
  }

  // Writer: lines queued in chain order; one write per sink at a time, queued lines batched.
  let queued: string[] = []
  let waiters: Array<() => void> = []
  let draining: Promise<void> | undefined

  const writeToSinks = (lines: string) =>
    Promise.all(
      sinks.map(async (sink) => {
        try {
          await sink.write(lines)
          failing.delete(sink)
        } catch (error) {
          reportFailure(error, sink)
        }
      }),
    )

  const drain = async () => {
    while (queued.length > 0) {
      const lines = queued.join('')
      const done = waiters
      queued = []
      waiters = []
      await writeToSinks(lines)
      for (const resolve of done) resolve()
    }
    draining = undefined
  }

  const enqueue = (line: string) =>
    new Promise<void>((resolve) => {
      queued.push(line)
      waiters.push(resolve)
      draining ??= drain()
    })

  const eachSink = async (op: 'flush' | 'close') => {
    await Promise.all(
      sinks.map(async (sink) => {
        try {
          await sink[op]?.()
        } catch (error) {
          reportFailure(error, sink)
        }
      }),
    )
  }

  const settle = async () => {
    await sealing.catch(() => undefined)
    while (draining) await draining
  }

  let closing: Promise<void> | undefined

  return {
    record(event) {
      let fields: AuditEvent
      try {
        fields = normalizeEvent(event, scrub)
      } catch (error) {
        return Promise.reject(error)
      }
      const ts = clock().toISOString()
      // Sealing is serialised: each record needs the previous one's hash (LOG chain rule).
      const sealed = sealing.then(async () => {
        const body = { ts, seq: head.seq + 1, ...fields, prev: head.prev }
        const result = await sealRecord(body, digest)
        head.prev = result.record.hash
        head.seq = result.record.seq
        return { record: result.record, written: enqueue(result.line) }
      })
      sealing = sealed.catch(() => undefined)
      return sealed.then(async ({ record, written }) => {
        await written
        return record
      })
    },
    async flush() {
      await settle()
      await eachSink('flush')
    },
    close() {
      closing ??= (async () => {
        await settle()
        await eachSink('flush')
        await eachSink('close')
      })()
      return closing
    },
    get failures() {
      return failures
    },
    get head() {
      return { ...head }
    },
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' ? `${error.name} ${code}` : error.name
  }
  return typeof error
}
