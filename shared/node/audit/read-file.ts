// Reads the newest audit records of a log file (and its rotated files) without loading them whole.
import { open } from 'node:fs/promises'
import { parseAuditLine } from '../../audit/read.ts'
import type { AuditRecord } from '../../audit/record.ts'
import { linesBackward } from './lines.ts'

export interface ReadAuditFileOptions {
  /** At most this many records. Default: 100. */
  limit?: number
  /** Continue into `path.1`, `path.2`… when `path` holds fewer than `limit`. Default: true. */
  rotated?: boolean
  /** Called for each skipped line (not a record, e.g. cut by a crash) with its file and our message. */
  onInvalid?: (path: string, message: string) => void
}

/**
 * The newest `limit` records, newest first. Reads each file backwards in 64 KiB chunks and
 * stops as soon as it has enough, so the cost follows `limit`, not the file size. Records are
 * parsed and shape-checked, not verified: use `verifyAuditFiles` for tamper evidence.
 */
export async function readAuditFile(
  path: string,
  options: ReadAuditFileOptions = {},
): Promise<AuditRecord[]> {
  const { limit = 100, rotated = true, onInvalid } = options
  const records: AuditRecord[] = []
  if (!(limit > 0)) return records
  for (let i = 0; records.length < limit && (i === 0 || rotated); i++) {
    const file = i === 0 ? path : `${path}.${i}`
    let handle
    try {
      handle = await open(file, 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') break
      throw error
    }
    try {
      const { size } = await handle.stat()
      for await (const line of linesBackward(handle, size)) {
        if (line === '') continue
        const parsed = parseAuditLine(line)
        if (typeof parsed === 'string') onInvalid?.(file, parsed)
        else if (records.push(parsed) >= limit) break
      }
    } finally {
      await handle.close()
    }
  }
  return records
}
