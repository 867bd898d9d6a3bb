// Append-only audit log file sink: one write queue, size-based rotation, 0600 files.
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { parseAuditLine } from '../../audit/read.ts'
import { AuditError } from '../../audit/errors.ts'
import type { AuditSink } from '../../audit/log.ts'
import { readAuditTail, type AuditTail } from './tail.ts'

export interface FileSinkOptions {
  /** The active log file, e.g. `/var/log/mcp/audit.log`; missing parent folders are created (0700). */
  path: string
  /**
   * Rotate before a line would make the active file larger than this many bytes (a single line
   * longer than this still gets a file of its own). Default: 10 MiB.
   */
  maxBytes?: number
  /**
   * Files kept in all, the active one included: `audit.log`, `audit.log.1` (newest rotated) …
   * `audit.log.<maxFiles - 1>` (oldest). Rotation drops the oldest. Default: 5.
   */
  maxFiles?: number
  /** Permission bits of the files this sink creates (set after creation, so umask cannot widen them). Default: 0o600. */
  mode?: number
  /**
   * Called after rotation deleted the oldest file (the disk budget `maxBytes × maxFiles` is
   * full), with what it held; the file log records it in the live chain (`audit.rotated_out`)
   * so the loss is never silent. Default: none. A loud stderr line is written either way.
   */
  onRotatedOut?: (info: RotatedOutFile) => void
}

/** A file rotation deleted: its name and the chain range it held. */
export interface RotatedOutFile {
  file: string
  firstSeq: number
  lastSeq: number
  lastHash: string
}

export interface FileSink extends AuditSink {
  /** The active file. */
  readonly path: string
  /**
   * Opens the active file now (it is otherwise opened by the first write), so a bad path or
   * permission fails at startup instead of losing the first records. Rejects with the fs error.
   */
  open(): Promise<void>
  /** Appends lines in call order; rotates between lines when the file would outgrow `maxBytes`. */
  write(lines: string): Promise<void>
  /** `fdatasync` of the active file, after every queued write. */
  flush(): Promise<void>
  /** Closes the file after every queued write; later writes reject with `AuditError('ERR_AUDIT_SINK_CLOSED')`. */
  close(): Promise<void>
  /** Where the active file's chain ends (read in the write queue, so never mid-write). */
  readTail(): Promise<AuditTail>
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024
export const DEFAULT_MAX_FILES = 5
const LF = 0x0a

/**
 * Creates a sink that appends to `path` (opened with O_APPEND by `open()` or the first write). Every
 * operation goes through one queue, so lines from concurrent writes never interleave. When the
 * file exists and does not end with `\n` (a crash cut its last line), opening it appends
 * `\n`, so the cut line stays a line of its own and the new records stay intact; the
 * verifier lists such a line in `truncated`. A failed write closes the file: the next write
 * reopens it and terminates whatever part of the failed write reached the disk the same way.
 * One sink per file: two sinks on the same path would fork the chain.
 */
export function createFileSink(options: FileSinkOptions): FileSink {
  const { path, maxBytes = DEFAULT_MAX_BYTES, maxFiles = DEFAULT_MAX_FILES, mode = 0o600 } = options
  if (typeof path !== 'string' || path === '') {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'path must be a non-empty string')
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'maxBytes must be an integer ≥ 1')
  }
  if (!Number.isSafeInteger(maxFiles) || maxFiles < 1) {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'maxFiles must be an integer ≥ 1')
  }
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'mode must be permission bits (0 to 0o777)')
  }

  let handle: FileHandle | undefined
  let size = 0
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()

  const inQueue = <T>(op: () => Promise<T>): Promise<T> => {
    const result = queue.then(op)
    queue = result.catch(() => undefined)
    return result
  }

  async function openActive(): Promise<FileHandle> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    let file: FileHandle
    try {
      file = await open(path, 'ax+', mode)
      await file.chmod(mode)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      file = await open(path, 'a+')
    }
    try {
      size = (await file.stat()).size
      if (size > 0) {
        const last = new Uint8Array(1)
        await file.read(last, 0, 1, size - 1)
        if (last[0] !== LF) await appendTo(file, '\n')
      }
    } catch (error) {
      await file.close().catch(() => undefined)
      throw error
    }
    return file
  }

  async function appendTo(file: FileHandle, text: string) {
    const bytes = Buffer.from(text, 'utf8')
    let offset = 0
    while (offset < bytes.length) {
      const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset)
      offset += bytesWritten
    }
    size += bytes.length
  }

  async function rotate() {
    await handle?.close()
    handle = undefined
    const oldest = maxFiles === 1 ? path : `${path}.${maxFiles - 1}`
    const dropped = await describeFile(oldest).catch(() => undefined)
    if (maxFiles === 1) await rm(path, { force: true })
    for (let i = maxFiles - 1; i >= 1; i--) {
      const from = i === 1 ? path : `${path}.${i - 1}`
      await rename(from, `${path}.${i}`).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
    }
    handle = await openActive()
    if (dropped) {
      console.error(
        `audit log: WARNING the disk budget (${maxFiles} × ${maxBytes} bytes) forced deleting ${dropped.file} ` +
          `(records seq ${dropped.firstSeq}-${dropped.lastSeq}); ship audit records off this machine to keep them`,
      )
      options.onRotatedOut?.(dropped)
    }
  }

  async function writeNow(lines: string) {
    if (closed) throw new AuditError('ERR_AUDIT_SINK_CLOSED', 'the audit file sink is closed')
    try {
      handle ??= await openActive()
      let chunk = ''
      let chunkBytes = 0
      for (const line of splitLines(lines)) {
        const bytes = Buffer.byteLength(line)
        if (size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          if (chunk !== '') await appendTo(handle, chunk)
          chunk = ''
          chunkBytes = 0
          await rotate()
        }
        chunk += line
        chunkBytes += bytes
      }
      if (chunk !== '') await appendTo(handle!, chunk)
    } catch (error) {
      const broken = handle
      handle = undefined
      await broken?.close().catch(() => undefined)
      throw error
    }
  }

  return {
    path,
    open: () =>
      inQueue(async () => {
        if (closed) throw new AuditError('ERR_AUDIT_SINK_CLOSED', 'the audit file sink is closed')
        handle ??= await openActive()
      }),
    write: (lines) => inQueue(() => writeNow(lines)),
    flush: () => inQueue(async () => void (await handle?.datasync())),
    close: () =>
      inQueue(async () => {
        closed = true
        const file = handle
        handle = undefined
        await file?.close()
      }),
    readTail: () => inQueue(() => readAuditTail(path)),
  }
}

/** The chain range of a file about to be deleted, or undefined when it holds no record. */
async function describeFile(file: string): Promise<RotatedOutFile | undefined> {
  const tail = await readAuditTail(file)
  if (!tail.head) return undefined
  const handle = await open(file, 'r')
  try {
    const chunk = new Uint8Array(Math.min(tail.size, 64 * 1024))
    await handle.read(chunk, 0, chunk.length, 0)
    const text = new TextDecoder().decode(chunk)
    const first = parseAuditLine(text.slice(0, text.indexOf('\n') >>> 0))
    const firstSeq = typeof first === 'string' ? tail.head.seq : first.seq
    return { file: basename(file), firstSeq, lastSeq: tail.head.seq, lastHash: tail.head.prev }
  } finally {
    await handle.close()
  }
}

/** Splits on `\n`, keeping each line's `\n` (and adding one to an unterminated last line). */
function splitLines(lines: string): string[] {
  const parts = lines.split('\n')
  const last = parts.pop()
  const out = parts.map((part) => `${part}\n`)
  if (last) out.push(`${last}\n`)
  return out
}
