// The audit key on node:crypto: the same HMAC-SHA-256 as shared/audit/keyed.ts, synchronous (hot path).
import { createHmac } from 'node:crypto'
import { AuditError } from '../../audit/errors.ts'
import { decodeAuditKey, KID_LABEL, MIN_AUDIT_KEY_BYTES, type AuditKey } from '../../audit/keyed.ts'

/**
 * An `AuditKey` whose `mac` is node:crypto's synchronous HMAC: the same kid and macs as
 * `importAuditKey` (tested), without a Web Crypto promise per record on Node.
 */
export function nodeAuditKey(raw: Uint8Array | string): AuditKey {
  const bytes = typeof raw === 'string' ? decodeAuditKey(raw) : raw
  if (!(bytes instanceof Uint8Array) || bytes.length < MIN_AUDIT_KEY_BYTES) {
    throw new AuditError(
      'ERR_AUDIT_INVALID_OPTION',
      `the audit key must be at least ${MIN_AUDIT_KEY_BYTES} bytes`,
    )
  }
  const secret = Buffer.from(bytes)
  const mac = (text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex')
  return { kid: mac(KID_LABEL).slice(0, 16), mac }
}
