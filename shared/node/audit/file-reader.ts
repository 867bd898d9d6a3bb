// The Node reader of an audit log file and its rotated files (AUDIT_LOG_FILE), injected into the
// Web-standard core of security-tools by its entries (its own stdio entry and the gateway's).
import {
  AuditReadError,
  NO_AUDIT_FILE,
  type AuditChainStatus,
  type AuditReader,
} from '../../audit/reader.ts'
import { listAuditFiles, verifyAuditFiles } from './files.ts'
import { readAuditFile } from './read-file.ts'

export interface AuditFileReaderOptions {
  /**
   * Waits for records still being written before each read: give the server's own audit log
   * (`runtime.audit.flush`), so a read sees the records of every call answered before it.
   * Default: none.
   */
  flush?: () => Promise<void>
}

/**
 * A reader over `path` (the active file; rotated files are `path.1`, `path.2`…), or
 * `NO_AUDIT_FILE` when `path` is undefined (the audit log goes to standard error).
 */
export function createAuditFileReader(
  path: string | undefined,
  options: AuditFileReaderOptions = {},
): AuditReader {
  if (path === undefined) return NO_AUDIT_FILE
  const flush = options.flush ?? (async () => undefined)
  return Object.freeze({
    file: path,
    async read(limit: number) {
      await flush()
      let invalidLines = 0
      try {
        const records = await readAuditFile(path, { limit, onInvalid: () => invalidLines++ })
        return { records, invalidLines }
      } catch (error) {
        throw new AuditReadError(`cannot read the audit log ${path} (${errorCode(error)})`)
      }
    },
    async verify(): Promise<AuditChainStatus> {
      await flush()
      let files: string[]
      try {
        files = await listAuditFiles(path)
      } catch (error) {
        throw new AuditReadError(`cannot list the audit log files of ${path} (${errorCode(error)})`)
      }
      const result = await verifyAuditFiles(files)
      if (result.ok) {
        return {
          ok: true,
          files: result.files,
          records: result.records,
          lastSeq: result.lastSeq,
          lastHash: result.lastHash,
          truncatedLines: result.truncated.length,
        }
      }
      const { path: file, line, reason, message, records } = result
      return { ok: false, file, line, reason, message, records }
    },
  })
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'error'
}
