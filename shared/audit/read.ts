// Parses audit JSON Lines into records for readers (CLI, the audit log tool); no chain checks.
import { recordShapeError, type AuditRecord } from './record.ts'

/** Why a line was skipped: `line` is 1-based, `message` is ours (no line content). */
export type InvalidLineHandler = (line: number, message: string) => void

/** Parses one line (without its `\n`) into a record, or returns a message saying why not. */
export function parseAuditLine(line: string): AuditRecord | string {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return line.length === 0 ? 'empty line' : 'not JSON'
  }
  return recordShapeError(value) ?? (value as AuditRecord)
}

/**
 * Parses every line of `text` into records, in file order, skipping lines that are not records
 * (a crash-truncated line, say) and reporting each to `onInvalid`. It does NOT verify hashes or
 * links: use `verifyAuditChain` for that.
 */
export function readAuditRecords(text: string, onInvalid?: InvalidLineHandler): AuditRecord[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const records: AuditRecord[] = []
  lines.forEach((line, i) => {
    const result = parseAuditLine(line)
    if (typeof result === 'string') onInvalid?.(i + 1, result)
    else records.push(result)
  })
  return records
}
