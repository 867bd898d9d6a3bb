// Audit keys and checkpoint settings from the environment (AUDIT_KEY[_FILE], AUDIT_SIGNING_KEY[_FILE]…).
import { generateCheckpointKey, importCheckpointSigner } from '../../audit/checkpoint.ts'
import type { CheckpointOptions } from '../../audit/log.ts'
import type { AuditKey } from '../../audit/keyed.ts'
import { ConfigError } from '../../config/errors.ts'
import { nodeAuditKey } from './key.ts'
import { loadOrCreateDevSecret } from '../dev-keys.ts'
import { readSecret, readVar, type Env } from '../env.ts'

/**
 * Variables read (docs/audit.md):
 * - `AUDIT_KEY_FILE` / `AUDIT_KEY`: the HMAC audit key, ≥ 32 random bytes as hex or base64
 *   (`openssl rand -hex 32`). Only the writer (and whoever verifies with `--key`) needs it.
 * - `AUDIT_SIGNING_KEY_FILE` / `AUDIT_SIGNING_KEY`: the checkpoint signing key, a private JWK
 *   (Ed25519 `OKP` or P-256 `EC`); verifiers need only its public half.
 * - `AUDIT_CHECKPOINT_RECORDS` (default 1000) and `AUDIT_CHECKPOINT_SECONDS` (default 60, 0 = off).
 * - `MCP_DOCKER_ENV=development`: missing keys are created once in `MCP_DOCKER_DEV_DIR` (default
 *   `.dev/`; audit-key,
 *   audit-signing-key.jwk). Production without them starts with an unkeyed chain and says so
 *   loudly in `warnings` (the entry prints them): refusing to start would lose every record.
 */
export interface AuditEnvSettings {
  key?: AuditKey
  checkpoints?: Omit<CheckpointOptions, 'onCheckpoint'>
  /** Lines for the operator (stderr). */
  warnings: string[]
}

const positiveInt = (env: Env, name: string, fallback: number, min: number) => {
  const text = readVar(env, name)
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^\d{1,9}$/.test(text) || value < min) {
    throw new ConfigError([`${name} must be an integer ≥ ${min}`])
  }
  return value
}

export async function auditSettingsFromEnv(env: Env): Promise<AuditEnvSettings> {
  const dev = readVar(env, 'MCP_DOCKER_ENV') === 'development'
  const dir = readVar(env, 'MCP_DOCKER_DEV_DIR') // default `.dev`, as the servers' other dev keys
  const warnings: string[] = []
  let keyText = readSecret(env, 'AUDIT_KEY')
  let jwkText = readSecret(env, 'AUDIT_SIGNING_KEY')
  if (dev && keyText === undefined) {
    const made = await loadOrCreateDevSecret({
      ...(dir ? { dir } : {}),
      name: 'audit-key',
      create: () =>
        Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join(''),
    })
    keyText = made.value
  }
  if (dev && jwkText === undefined) {
    const made = await loadOrCreateDevSecret({
      ...(dir ? { dir } : {}),
      name: 'audit-signing-key.jwk',
      create: async () => JSON.stringify((await generateCheckpointKey()).private),
    })
    jwkText = made.value
  }
  let key: AuditKey | undefined
  if (keyText !== undefined) {
    try {
      key = nodeAuditKey(keyText)
    } catch (error) {
      throw new ConfigError([`AUDIT_KEY: ${(error as Error).message}`])
    }
  } else {
    warnings.push(
      'audit log: WARNING no AUDIT_KEY_FILE/AUDIT_KEY: the chain is unkeyed, anyone who can write the file can rewrite it undetected (docs/audit.md)',
    )
  }
  let checkpoints: AuditEnvSettings['checkpoints']
  if (jwkText !== undefined) {
    let jwk: unknown
    try {
      jwk = JSON.parse(jwkText)
    } catch {
      throw new ConfigError(['AUDIT_SIGNING_KEY: not a JSON Web Key (JSON)'])
    }
    try {
      checkpoints = {
        signer: await importCheckpointSigner(jwk as never),
        everyRecords: positiveInt(env, 'AUDIT_CHECKPOINT_RECORDS', 1000, 1),
        everyMs: positiveInt(env, 'AUDIT_CHECKPOINT_SECONDS', 60, 0) * 1000,
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error
      throw new ConfigError([`AUDIT_SIGNING_KEY: ${(error as Error).message}`])
    }
  } else {
    warnings.push(
      'audit log: WARNING no AUDIT_SIGNING_KEY_FILE/AUDIT_SIGNING_KEY: no signed checkpoints, records cut from the tail go unnoticed (docs/audit.md)',
    )
  }
  return { ...(key ? { key } : {}), ...(checkpoints ? { checkpoints } : {}), warnings }
}
