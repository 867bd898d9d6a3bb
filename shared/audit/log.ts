// The audit logger: chains records in call order and hands their lines to sinks, never throwing on I/O.
import type { CheckpointSigner, CheckpointState } from './checkpoint.ts'
import { AuditError } from './errors.ts'
import type { AuditKey } from './keyed.ts'
import { normalizeEvent, type Scrubber } from './normalize.ts'
import {
  EVENT_PATTERN,
  GENESIS_PREV,
  HASH_PATTERN,
  OUTCOMES,
  canonicalBody,
  lineOf,
  type AuditBody,
  type AuditEvent,
  type AuditRecord,
} from './record.ts'
import { sealRecord, type HexDigest } from './seal.ts'

/** Event names the audit machinery itself writes (callers' `record()` refuses this prefix). */
export const SYSTEM_EVENT_PREFIX = 'audit.'
/** The event of a checkpoint record. */
export const CHECKPOINT_EVENT = 'audit.checkpoint'

/** Signed checkpoints (see `checkpoint.ts`). */
export interface CheckpointOptions {
  /** The private key that signs. */
  signer: CheckpointSigner
  /** A checkpoint after this many records since the last one. Default: 1000. */
  everyRecords?: number
  /** A checkpoint this many ms after the last one when records were written since. Default: 60000; 0 = off. */
  everyMs?: number
  /** Called with each checkpoint once its record has been written (publish it outside the log). */
  onCheckpoint?: (state: CheckpointState) => void
}

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
  /**
   * The HMAC audit key (`keyed.ts`): every record gets `kid` and `mac`, so a forged or
   * recomputed record fails `verifyAuditChain` with the key. Default: none (an unkeyed chain:
   * plain SHA-256, tamper-evident only against writers who do not recompute it).
   */
  key?: AuditKey
  /** Signed checkpoints in the chain. Default: none. */
  checkpoints?: CheckpointOptions
}

export interface AuditLog {
  /**
   * Seals the event as the next record and writes it to every sink. Records are chained in call
   * order, also when called concurrently; `ts` is taken at call time. Resolves with the record
   * once every sink has taken (or failed to take) its line: sink failures never reject, they
   * are counted in `failures` and reported to `onSinkError`. Rejects only with
   * `AuditError('ERR_AUDIT_INVALID_EVENT')` for an event the format cannot hold (a caller bug); such an
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
  /**
   * Writes a record of the audit machinery itself (`audit.*` events: rotation, recovery): its
   * `detail` is ours and is not scrubbed (it may hold hashes). Never rejects on I/O.
   */
  recordSystem(event: SystemEvent): Promise<AuditRecord>
  /** Seals a checkpoint now if records were written since the last one (no-op without `checkpoints`). */
  checkpoint(): Promise<CheckpointState | undefined>
  /** The last checkpoint written, for a `/health`-like endpoint (undefined before the first). */
  readonly lastCheckpoint: CheckpointState | undefined
}

/** A record of the audit machinery: `event` starts with `audit.`. */
export interface SystemEvent {
  event: string
  outcome: AuditEvent['outcome']
  detail?: string
  count?: number
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { sinks, resume, clock = () => new Date(), scrub, onSinkError, digest, key } = options
  const checkpoints = options.checkpoints
  const everyRecords = checkpoints?.everyRecords ?? 1000
  const everyMs = checkpoints?.everyMs ?? 60_000
  if (checkpoints !== undefined) {
    if (typeof checkpoints.signer?.sign !== 'function') {
      throw new AuditError(
        'ERR_AUDIT_INVALID_OPTION',
        'checkpoints.signer must be a CheckpointSigner',
      )
    }
    if (!Number.isSafeInteger(everyRecords) || everyRecords < 1) {
      throw new AuditError(
        'ERR_AUDIT_INVALID_OPTION',
        'checkpoints.everyRecords must be an integer ≥ 1',
      )
    }
    if (!Number.isSafeInteger(everyMs) || everyMs < 0) {
      throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'checkpoints.everyMs must be an integer ≥ 0')
    }
  }
  if (
    !Array.isArray(sinks) ||
    sinks.length === 0 ||
    sinks.some((s) => typeof s?.write !== 'function')
  ) {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'sinks must be a non-empty array of AuditSink')
  }
  if (resume !== undefined) {
    if (typeof resume.prev !== 'string' || !HASH_PATTERN.test(resume.prev)) {
      throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'resume.prev must be 64 lowercase hex')
    }
    if (!Number.isSafeInteger(resume.seq) || resume.seq < 0) {
      throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'resume.seq must be an integer ≥ 0')
    }
    if ((resume.seq === 0) !== (resume.prev === GENESIS_PREV)) {
      throw new AuditError(
        'ERR_AUDIT_INVALID_OPTION',
        'resume.seq is 0 exactly when resume.prev is genesis',
      )
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
      // Let the records of requests running now join this write: one write per batch, not per
      // record, keeps the sink's cost off busy request paths (bench/audit.bench.ts).
      await new Promise((resolve) => setTimeout(resolve, 0))
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
  let sinceCheckpoint = 0
  let lastCheckpoint: CheckpointState | undefined

  const seal = async (fields: Omit<AuditBody, 'seq' | 'prev'> & { ts: string }) => {
    const body = { ...fields, seq: head.seq + 1, prev: head.prev } as AuditBody
    if (key) body.kid = key.kid
    const result = await sealRecord(body, digest, key)
    head.prev = result.record.hash
    head.seq = result.record.seq
    return result
  }

  // A checkpoint record signs the head before it (checkpoint.ts); called inside the sealing queue.
  const sealCheckpoint = async () => {
    const covered = { ...head }
    const sig = await checkpoints!.signer.sign(covered.seq, covered.prev)
    const ts = clock().toISOString()
    const result = await seal({ ts, event: CHECKPOINT_EVENT, outcome: 'ok', sig })
    sinceCheckpoint = 0
    const state: CheckpointState = {
      seq: covered.seq,
      hash: covered.prev,
      sig,
      alg: checkpoints!.signer.alg,
      ts,
    }
    return { state, written: enqueue(result.line) }
  }

  const publish = (state: CheckpointState) => {
    if (lastCheckpoint && lastCheckpoint.seq >= state.seq) return
    lastCheckpoint = state
    try {
      checkpoints?.onCheckpoint?.(state)
    } catch {
      // Publishing is best effort; the checkpoint is in the chain.
    }
  }

  // Sealing is serialised: each record needs the previous one's hash (LOG chain rule). Work
  // that awaits (Web Crypto digests, signatures) runs in the `sealing` queue; `queuedSeals`
  // counts it, and while it is 0 a synchronous digest and mac (Node entries) seal at once.
  let queuedSeals = 0
  let syncCapable = true
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    queuedSeals++
    const result = sealing.then(work).finally(() => queuedSeals--)
    sealing = result.catch(() => undefined)
    return result
  }

  /** Seals now when digest and mac are synchronous and nothing is queued; else undefined. */
  const sealNow = (fields: Omit<AuditBody, 'seq' | 'prev'> & { ts: string }) => {
    if (!syncCapable || queuedSeals > 0 || !digest) return undefined
    const body = { ...fields, seq: head.seq + 1, prev: head.prev } as AuditBody
    if (key) body.kid = key.kid
    const text = canonicalBody(body)
    const hash = digest(text)
    const mac = typeof hash === 'string' && key ? key.mac(hash) : undefined
    if (typeof hash !== 'string' || (mac !== undefined && typeof mac !== 'string')) {
      syncCapable = false
      return undefined
    }
    const record = JSON.parse(text) as AuditRecord
    record.hash = hash
    if (mac !== undefined) record.mac = mac
    head.prev = hash
    head.seq = record.seq
    return { record, line: lineOf(text, hash, mac) }
  }

  const append = (fields: AuditEvent): Promise<AuditRecord> => {
    const ts = clock().toISOString()
    const now = sealNow({ ts, ...fields })
    if (now) {
      const written = enqueue(now.line)
      sinceCheckpoint++
      if (!(checkpoints && sinceCheckpoint >= everyRecords)) return written.then(() => now.record)
      const cp = serial(sealCheckpoint)
      return written.then(async () => {
        const made = await cp
        await made.written
        publish(made.state)
        return now.record
      })
    }
    const sealed = serial(async () => {
      const result = await seal({ ts, ...fields })
      const written = enqueue(result.line)
      sinceCheckpoint++
      const cp = checkpoints && sinceCheckpoint >= everyRecords ? await sealCheckpoint() : undefined
      return { record: result.record, written, cp }
    })
    return sealed.then(async ({ record, written, cp }) => {
      await written
      if (cp) {
        await cp.written
        publish(cp.state)
      }
      return record
    })
  }

  let timer: ReturnType<typeof setInterval> | undefined
  if (checkpoints && everyMs > 0) {
    timer = setInterval(() => void api.checkpoint().catch(() => undefined), everyMs)
    ;(timer as { unref?: () => void }).unref?.()
  }

  const api: AuditLog = {
    record(event) {
      let fields: AuditEvent
      try {
        fields = normalizeEvent(event, scrub)
        if (fields.event.startsWith(SYSTEM_EVENT_PREFIX)) {
          throw new AuditError(
            'ERR_AUDIT_INVALID_EVENT',
            `event names starting with "${SYSTEM_EVENT_PREFIX}" are reserved`,
          )
        }
      } catch (error) {
        return Promise.reject(error)
      }
      return append(fields)
    },
    recordSystem(event) {
      if (
        typeof event?.event !== 'string' ||
        !EVENT_PATTERN.test(event.event) ||
        !event.event.startsWith(SYSTEM_EVENT_PREFIX) ||
        !OUTCOMES.includes(event.outcome)
      ) {
        return Promise.reject(
          new AuditError('ERR_AUDIT_INVALID_EVENT', 'not an audit.* system event'),
        )
      }
      const fields: AuditEvent = { event: event.event, outcome: event.outcome }
      if (typeof event.detail === 'string') fields.detail = event.detail.slice(0, 256)
      if (Number.isSafeInteger(event.count) && event.count! >= 2) fields.count = event.count!
      return append(fields)
    },
    checkpoint() {
      if (!checkpoints) return Promise.resolve(undefined)
      const made = serial(async () => (sinceCheckpoint > 0 ? sealCheckpoint() : undefined))
      return made.then(async (result) => {
        if (!result) return lastCheckpoint
        await result.written
        publish(result.state)
        return result.state
      })
    },
    get lastCheckpoint() {
      return lastCheckpoint && { ...lastCheckpoint }
    },
    async flush() {
      await settle()
      await eachSink('flush')
    },
    close() {
      closing ??= (async () => {
        if (timer !== undefined) clearInterval(timer)
        await api.checkpoint().catch(() => undefined)
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
  return api
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' ? `${error.name} ${code}` : error.name
  }
  return typeof error
}
