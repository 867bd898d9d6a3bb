// Finds where an audit log file's chain ends, so a restarted logger can continue it.
import { open } from 'node:fs/promises'
import type { ChainHead } from '../../audit/log.ts'
import { parseAuditLine } from '../../audit/read.ts'
import { linesBackward } from './lines.ts'

/** The end of an audit log file. */
export interface AuditTail {
  /** `hash` and `seq` of the last complete record; null when there is none (absent, empty file). */
  head: ChainHead | null
  /** The file ends with a line cut short by a crash mid-write (not a record, no final `\n`). */
  truncated: boolean
  /** The file does not end with `\n`; the next write must start with one (see the file sink). */
  unterminated: boolean
  /** Size in bytes (0 when the file does not exist). */
  size: number
}

/**
 * Reads `path` backwards until the last line that parses as a record and returns its `hash` and
 * `seq` (not re-verified: a tampered last line stays visible to `verifyAuditChain`, and the chain
 * continues from what the file claims). Lines that are not records (a cut line) are skipped.
 */
export async function readAuditTail(path: string): Promise<AuditTail> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { head: null, truncated: false, unterminated: false, size: 0 }
    }
    throw error
  }
  try {
    const { size } = await handle.stat()
    let first = true
    let unterminated = false
    let truncated = false
    for await (const line of linesBackward(handle, size)) {
      const parsed = line === '' ? undefined : parseAuditLine(line)
      if (first) {
        unterminated = line !== ''
        truncated = typeof parsed === 'string'
        first = false
      }
      if (parsed !== undefined && typeof parsed !== 'string') {
        return { head: { prev: parsed.hash, seq: parsed.seq }, truncated, unterminated, size }
      }
    }
    return { head: null, truncated, unterminated, size }
  } finally {
    await handle.close()
  }
}
