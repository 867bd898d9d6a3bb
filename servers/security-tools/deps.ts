// What the security tools need besides the guard: the detector they demonstrate, the Fernet key
// ring, and a reader of the audit log (injected by the entry: the core touches no files).
import type { FernetKeyRing } from '../../shared/crypto/fernet.ts'
import type { ToolServerDeps } from '../../shared/mcp/server.ts'
import type { Detector } from '../../shared/pii/types.ts'
import type { AuditReader } from './audit-reader.ts'

/** The parts of a `FernetKeyRing` the tools use. */
export type KeyRing = Pick<FernetKeyRing, 'encrypt' | 'decryptText' | 'extractTimestamp' | 'size'>

export interface SecurityToolsDeps extends ToolServerDeps {
  /**
   * The PII detector, the same one the guard uses, so a tool shows what the guard sees. Called at
   * each use: on stdio it resolves once the runtime has compiled the patterns (start-up defers
   * that until after `initialize`).
   */
  detector: () => Detector | Promise<Detector>
  /**
   * The configured Fernet keys (FERNET_KEY or FERNET_KEY_FILE; the first encrypts, all
   * decrypt). Default: none; `test_encryption` and `test_pii_detection` with `encrypt` then fail
   * with a ToolError saying how to configure one.
   */
  keyRing?: KeyRing
  /** Reads the audit log back. Default: `NO_AUDIT_FILE` (the log goes to standard error). */
  auditReader?: AuditReader
}

/** The ToolError message when a tool needs a key and none is configured. */
export const NO_KEY_MESSAGE =
  'no Fernet key is configured on the server: set FERNET_KEY (comma-separated keys) or ' +
  'FERNET_KEY_FILE (one key per line); generate one with `mcp-docker keys fernet`'
