// Opens an audit log file and returns a logger that continues its chain (restarts, rotation, crashes).
import {
  createAuditLog,
  type AuditLog,
  type AuditLogOptions,
  type AuditSink,
  type ChainHead,
} from '../audit/log.ts'
import { createFileSink, type FileSink, type FileSinkOptions } from './audit-file-sink.ts'
import { readAuditTail } from './audit-tail.ts'
import { sha256Hex as nodeSha256Hex } from './sha256.ts'

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
}

export interface AuditFileLog extends AuditLog {
  /** The file sink (active path, `readTail`). */
  readonly sink: FileSink
  /** Where the chain was continued from: the last record of `path` (or of `path.1` when `path` has none); null for a new chain. */
  readonly resumed: ChainHead | null
  /** The active file ended with a cut line when it was opened. */
  readonly truncatedTail: boolean
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
    ...logOptions
  } = options
  const sink = createFileSink({ path, maxBytes, maxFiles, mode })
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
  const log = createAuditLog({
    digest: nodeSha256Hex,
    ...logOptions,
    sinks: [sink, ...extraSinks],
    resume: head ?? undefined,
  })
  return Object.defineProperties(log, {
    sink: { value: sink, enumerable: true },
    resumed: { value: head, enumerable: true },
    truncatedTail: { value: tail.truncated, enumerable: true },
  }) as AuditFileLog
}
