// Opens an audit log file and returns a logger that continues its chain (restarts, rotation, crashes).
import {
  createAuditLog,
  type AuditLog,
  type AuditLogOptions,
  type AuditSink,
  type ChainHead,
  type CheckpointOptions,
} from '../../audit/log.ts'
import { rename, writeFile } from 'node:fs/promises'
import { createAggregatingLog, type AggregateOptions } from '../../audit/aggregate.ts'
import type { CheckpointState } from '../../audit/checkpoint.ts'
import { RECOVERED_EVENT, ROTATED_OUT_EVENT, rotatedOutDetail } from '../../audit/verify.ts'
import { ConfigError } from '../../config/errors.ts'
import { auditSettingsFromEnv } from './env.ts'
import { createSyslogSink, parseSyslogUrl } from './syslog-sink.ts'
import { createFileSink, type FileSink, type FileSinkOptions } from './file-sink.ts'
import { startAuditCollector, type AuditCollector } from './collector.ts'
import { lockAuditLog, type AuditLock } from './lock.ts'
import { readAuditTail } from './tail.ts'
import type { Env } from '../env.ts'
import { sha256Hex as nodeSha256Hex } from '../sha256.ts'

/** The file beside the log holding the last signed checkpoint (`<path>.checkpoint.json`). */
export const checkpointStatePath = (path: string) => `${path}.checkpoint.json`

export interface AuditFileLogOptions
  extends FileSinkOptions, Omit<AuditLogOptions, 'sinks' | 'resume'> {
  /** More sinks that get every line too, e.g. `createStreamSink(process.stderr)`. Default: none. */
  extraSinks?: AuditSink[]
  /**
   * Called when the file ended with a line cut short by a crash; the file sink terminates that
   * line when it opens the file and `verifyAuditChain` lists it in `truncated`. Default: one
   * `console.error` line (stderr, safe for stdio servers).
   */
  onTruncatedTail?: (info: { path: string }) => void
  /**
   * Read the audit key, checkpoint key and settings from this environment (`env.ts`:
   * AUDIT_KEY[_FILE], AUDIT_SIGNING_KEY[_FILE], AUDIT_CHECKPOINT_*, MCP_DOCKER_ENV); its
   * warnings go to stderr. Explicit `key`/`checkpoints` options win. With
   * `AUDIT_COLLECTOR_SOCKET` set there, this writer also serves the collector socket
   * (`collector.ts`), so other processes' events join this chain; with `AUDIT_SYSLOG`
   * (`udp://host:port` or `tcp://host:port`; APP-NAME from `AUDIT_SYSLOG_APP`) every record is
   * also shipped as an RFC 5424 message (`syslog-sink.ts`). Default: none.
   */
  env?: Env
  /** Aggregate refused/unauthenticated events (`aggregate.ts`); false = off. Default: on. */
  aggregate?: AggregateOptions | false
  /** Take `<path>.lock` so a second writer is refused (`lock.ts`). Default: true. */
  lock?: boolean
}

export interface AuditFileLog extends AuditLog {
  /** The file sink (active path, `readTail`). */
  readonly sink: FileSink
  /** Where the chain was continued from: the last record of `path` (or of `path.1` when `path` has none); null for a new chain. */
  readonly resumed: ChainHead | null
  /** The active file ended with a cut line when it was opened. */
  readonly truncatedTail: boolean
  /** Where the last checkpoint is published (`<path>.checkpoint.json`). */
  readonly checkpointPath: string
}

/** For a `/health`-like endpoint: the last signed checkpoint of a log, or undefined. */
export function auditCheckpointOf(log: AuditLog): CheckpointState | undefined {
  return log.lastCheckpoint
}

/**
 * Reads the end of `path` (falling back to the newest rotated file, `path.1`, when `path` is
 * missing or holds no record), creates the file sink and returns a logger that resumes the chain
 * there: the next record has `prev` = that record's `hash` and `seq` + 1, so a restarted server
 * extends the same chain and `verifyAuditFiles` passes over the restart. The file is opened
 * before this resolves: a path that cannot be written rejects here (fail at startup), not later.
 */
export async function openAuditFileLog(options: AuditFileLogOptions): Promise<AuditFileLog> {
  const {
    path,
    maxBytes,
    maxFiles,
    mode,
    extraSinks = [],
    onTruncatedTail,
    env,
    aggregate = {},
    lock: locking = true,
    ...logOptions
  } = options
  // AUDIT_SYSLOG: every record of this chain (the collector's included) also shipped off the box.
  // Checked here (fail at start); the sink is made with the log below.
  const syslogUrl = env?.AUDIT_SYSLOG?.trim()
  const syslogApp = env?.AUDIT_SYSLOG_APP?.trim()
  if (syslogUrl) {
    try {
      parseSyslogUrl(syslogUrl)
    } catch (error) {
      throw new ConfigError([(error as Error).message])
    }
  }
  const settings = env ? await auditSettingsFromEnv(env) : { warnings: [] }
  for (const warning of settings.warnings) console.error(warning)
  const lock: AuditLock | undefined = locking ? await lockAuditLog(path) : undefined
  try {
    let log: AuditLog | undefined
    const sink = createFileSink({
      path,
      maxBytes,
      maxFiles,
      mode,
      onRotatedOut: (info) => {
        void log
          ?.recordSystem({
            event: ROTATED_OUT_EVENT,
            outcome: 'ok',
            detail: rotatedOutDetail(info.file, info.firstSeq, info.lastSeq, info.lastHash),
          })
          .catch(() => undefined)
      },
    })
    const tail = await readAuditTail(path)
    const head = tail.head ?? (await readAuditTail(`${path}.1`)).head
    if (tail.truncated) {
      if (onTruncatedTail) onTruncatedTail({ path })
      else
        console.error(
          `audit log: ${path} ended with a line cut short (crash mid-write); continuing after it`,
        )
    }
    await sink.open()
    const statePath = checkpointStatePath(path)
    const userCheckpoints: CheckpointOptions | undefined =
      logOptions.checkpoints ?? settings.checkpoints
    const publish = async (state: CheckpointState) => {
      const temp = `${statePath}.tmp`
      await writeFile(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 })
      await rename(temp, statePath)
    }
    let publishing: Promise<void> = Promise.resolve()
    const created = createAuditLog({
      digest: nodeSha256Hex,
      ...(settings.key ? { key: settings.key } : {}),
      ...logOptions,
      ...(userCheckpoints
        ? {
            checkpoints: {
              ...userCheckpoints,
              onCheckpoint: (state) => {
                publishing = publishing.then(() => publish(state)).catch(() => undefined)
                userCheckpoints.onCheckpoint?.(state)
              },
            },
          }
        : {}),
      sinks: [
        sink,
        ...extraSinks,
        ...(syslogUrl
          ? [createSyslogSink({ url: syslogUrl, ...(syslogApp ? { appName: syslogApp } : {}) })]
          : []),
      ],
      resume: head ?? undefined,
    })
    const close = created.close.bind(created)
    Object.defineProperty(created, 'close', {
      value: async () => {
        await close()
        await publishing
        await lock?.release()
      },
    })
    log = created
    if (tail.truncated) {
      void created
        .recordSystem({
          event: RECOVERED_EVENT,
          outcome: 'ok',
          detail: 'a line cut short by a crash was terminated',
        })
        .catch(() => undefined)
    }
    const outer = aggregate === false ? created : createAggregatingLog(created, aggregate)
    const socketPath = env?.AUDIT_COLLECTOR_SOCKET?.trim()
    let collector: AuditCollector | undefined
    if (socketPath) {
      collector = await startAuditCollector({ path: socketPath, log: outer })
      const closeOuter = outer.close.bind(outer)
      Object.defineProperty(outer, 'close', {
        value: async () => {
          await collector?.close()
          await closeOuter()
        },
      })
    }
    return Object.defineProperties(outer, {
      sink: { value: sink, enumerable: true },
      resumed: { value: head, enumerable: true },
      truncatedTail: { value: tail.truncated, enumerable: true },
      checkpointPath: { value: statePath, enumerable: true },
    }) as AuditFileLog
  } catch (error) {
    await lock?.release()
    throw error
  }
}
