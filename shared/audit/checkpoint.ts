// Signed checkpoints: an asymmetric signature over the chain head (seq, hash), as RFC 5848's signature blocks.
import type { JWK } from 'jose'
import { AuditError } from './errors.ts'

/**
 * What a checkpoint signs (UTF-8): `mcp-docker-audit-checkpoint/1 <seq> <hash>`, where `seq` and
 * `hash` are those of the last record before the `audit.checkpoint` record that carries the
 * signature (its `seq` - 1 and its `prev`). Since every `hash` commits to the whole chain before
 * it, one valid signature authenticates every record up to `seq` to anyone holding the public key.
 */
export function checkpointPayload(seq: number, hash: string): string {
  return `mcp-docker-audit-checkpoint/1 ${seq} ${hash}`
}

/** A checkpoint signer (the writer's private key). */
export interface CheckpointSigner {
  /** `Ed25519` or `ES256` (ECDSA P-256 with SHA-256, RFC 7518 §3.4 raw r‖s signature). */
  readonly alg: 'Ed25519' | 'ES256'
  /** base64url signature of `checkpointPayload(seq, hash)`. */
  sign(seq: number, hash: string): Promise<string>
}

/** A checkpoint verifier (the public key only). */
export interface CheckpointVerifier {
  readonly alg: 'Ed25519' | 'ES256'
  verify(seq: number, hash: string, sig: string): Promise<boolean>
}

/** The last checkpoint: kept outside the log (state file, a health endpoint) to detect tail loss. */
export interface CheckpointState {
  /** `seq` of the last record the checkpoint covers. */
  seq: number
  /** `hash` of that record. */
  hash: string
  /** base64url signature of `checkpointPayload(seq, hash)`. */
  sig: string
  /** Signature algorithm. */
  alg: 'Ed25519' | 'ES256'
  /** When it was made (ISO 8601). */
  ts: string
}

const encoder = new TextEncoder()
const b64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const unb64url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))

/** The Web Crypto algorithm of an Ed25519 (OKP) or P-256 (EC) JWK (RFC 8037, RFC 7518 §6.2). */
function algorithmOf(jwk: JWK) {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return { alg: 'Ed25519' as const, importAlg: { name: 'Ed25519' }, signAlg: { name: 'Ed25519' } }
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    return {
      alg: 'ES256' as const,
      importAlg: { name: 'ECDSA', namedCurve: 'P-256' },
      signAlg: { name: 'ECDSA', hash: 'SHA-256' },
    }
  }
  throw new AuditError(
    'ERR_AUDIT_INVALID_OPTION',
    'the checkpoint key must be an Ed25519 (OKP) or P-256 (EC) JWK',
  )
}

/** Imports a private JWK (with `d`) as a checkpoint signer. */
export async function importCheckpointSigner(jwk: JWK): Promise<CheckpointSigner> {
  const { alg, importAlg, signAlg } = algorithmOf(jwk)
  if (typeof jwk.d !== 'string') {
    throw new AuditError(
      'ERR_AUDIT_INVALID_OPTION',
      'the checkpoint signing key must be a private JWK (with "d")',
    )
  }
  const { kty, crv, x, y, d } = jwk
  const key = await crypto.subtle
    .importKey('jwk', { kty, crv, x, y, d }, importAlg, false, ['sign'])
    .catch(() => {
      throw new AuditError(
        'ERR_AUDIT_INVALID_OPTION',
        'the checkpoint signing key is not a valid JWK',
      )
    })
  return {
    alg,
    sign: async (seq, hash) =>
      b64url(await crypto.subtle.sign(signAlg, key, encoder.encode(checkpointPayload(seq, hash)))),
  }
}

/** Imports a public JWK (a private one is accepted: `d` is dropped) as a checkpoint verifier. */
export async function importCheckpointVerifier(jwk: JWK): Promise<CheckpointVerifier> {
  const { alg, importAlg, signAlg } = algorithmOf(jwk)
  const { kty, crv, x, y } = jwk
  const key = await crypto.subtle
    .importKey('jwk', { kty, crv, x, ...(y ? { y } : {}) }, importAlg, false, ['verify'])
    .catch(() => {
      throw new AuditError(
        'ERR_AUDIT_INVALID_OPTION',
        'the checkpoint public key is not a valid JWK',
      )
    })
  return {
    alg,
    async verify(seq, hash, sig) {
      try {
        const bytes = unb64url(sig)
        const data = encoder.encode(checkpointPayload(seq, hash))
        return await crypto.subtle.verify(signAlg, key, bytes, data)
      } catch {
        return false
      }
    },
  }
}

/** A new Ed25519 key pair as JWKs (dev mode, tests): `private` has `d`, `public` does not. */
export async function generateCheckpointKey(): Promise<{ private: JWK; public: JWK }> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
  const priv = (await crypto.subtle.exportKey(
    'jwk',
    (pair as unknown as { privateKey: never }).privateKey,
  )) as JWK
  const { kty, crv, x } = priv
  return { private: { kty, crv, x, d: priv.d }, public: { kty, crv, x } }
}
