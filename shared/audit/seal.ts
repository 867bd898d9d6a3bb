// Seals one record into the chain: body in canonical order, its SHA-256, the JSON line.
import { sha256Hex } from './hash.ts'
import { canonicalBody, lineOf, type AuditBody, type AuditRecord } from './record.ts'

/** A sealed record and its line (ending with `\n`). */
export interface SealedRecord {
  record: AuditRecord
  line: string
}

/**
 * Computes `hash` over the canonical body (the chain rule in `record.ts`) and returns the record
 * with its line. `body` must already be normalised (see `normalizeEvent`).
 */
export async function sealRecord(body: AuditBody): Promise<SealedRecord> {
  const text = canonicalBody(body)
  const hash = await sha256Hex(text)
  const line = lineOf(text, hash)
  return { record: JSON.parse(line) as AuditRecord, line }
}
