// Seals one record into the chain: body in canonical order, its SHA-256, the JSON line.
import { sha256Hex } from './hash.ts'
import type { AuditKey } from './keyed.ts'
import { canonicalBody, lineOf, type AuditBody, type AuditRecord } from './record.ts'

/** Lowercase hex SHA-256 of UTF-8 text; synchronous implementations are welcome (hot path). */
export type HexDigest = (text: string) => string | Promise<string>

/** A sealed record and its line (ending with `\n`). */
export interface SealedRecord {
  record: AuditRecord
  line: string
}

/**
 * Computes `hash` over the canonical body (the chain rule in `record.ts`) and returns the record
 * with its line; with `key`, also `mac` (keyed.ts; `body.kid` must be `key.kid`). `body` must
 * already be normalised (see `normalizeEvent`).
 */
export async function sealRecord(
  body: AuditBody,
  digest: HexDigest = sha256Hex,
  key?: AuditKey,
): Promise<SealedRecord> {
  const text = canonicalBody(body)
  const hash = await digest(text)
  const mac = key ? await key.mac(hash) : undefined
  const line = lineOf(text, hash, mac)
  // The record as a reader would parse it from the line (same members, same order).
  const record = JSON.parse(text) as AuditRecord
  record.hash = hash
  if (mac !== undefined) record.mac = mac
  return { record, line }
}
