// Signing keys for access tokens: HS256 secrets (≥ 32 bytes) and ES256 key pairs with JWK/JWKS.
//
// Secret format decision: an HS256 secret given as a string is used as its UTF-8 bytes, never
// base64-decoded; `generateHs256Secret()` prints 32 random bytes as base64url (43 characters, so
// 43 bytes of key material as text, above the 32-byte minimum). Each key is bound to exactly one
// algorithm (RFC 8725 §3.1, JW-6).
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import { JwtKeyError } from './errors.ts'

/** A JSON Web Key (RFC 7517 §4) as jose types it. */
export type JsonWebKey = JWK

/** A key that signs access tokens; the variant fixes the one algorithm it is used with. */
export type SigningKey =
  | {
      alg: 'HS256'
      /** Shared secret, at least 32 bytes (RFC 7518 §3.2, JW-7). */
      secret: Uint8Array
    }
  | {
      alg: 'ES256'
      /** P-256 private key (ECDSA), for signing only. */
      privateKey: CryptoKey
      /** Public half as published in the JWKS: kty, crv, x, y, kid, alg, use. */
      publicJwk: JsonWebKey & { kid: string }
      /** RFC 7638 SHA-256 JWK thumbprint of the public key. */
      kid: string
    }

/** RFC 7518 §3.2: "A key of the same size as the hash output (for instance, 256 bits for HS256)
 * or larger MUST be used with this algorithm." */
export const HS256_MIN_SECRET_BYTES = 32

/**
 * Wraps an HS256 secret; refuses anything shorter than 32 bytes (JW-7). A string counts as its
 * UTF-8 bytes. The bytes are copied, so later changes to the caller's array have no effect.
 */
export function hs256Key(secret: string | Uint8Array): SigningKey {
  let bytes: Uint8Array
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret)
  else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret)
  else throw new JwtKeyError('JWT_SECRET must be a string or bytes')
  if (bytes.byteLength < HS256_MIN_SECRET_BYTES)
    throw new JwtKeyError(
      `JWT_SECRET must be at least ${HS256_MIN_SECRET_BYTES} bytes (256 bits), got ${bytes.byteLength}`,
    )
  return { alg: 'HS256', secret: bytes }
}

/** 32 random bytes, base64url without padding: a fresh HS256 secret (e.g. for `keys jwt`). */
export function generateHs256Secret(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(HS256_MIN_SECRET_BYTES)))
}

/** The public members of a P-256 JWK plus our kid/alg/use, in the order RFC 7517 examples use. */
function publicJwkOf(jwk: JsonWebKey, kid: string): JsonWebKey & { kid: string } {
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' }
}

/** RFC 7638 thumbprint (SHA-256) of a P-256 public key: the `kid` we publish. */
function thumbprintOf(jwk: JsonWebKey): Promise<string> {
  return calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'sha256')
}

/** Generates a P-256 key pair; `privateJwk` (with kid/alg/use) is what the AS stores in a file. */
export async function generateEs256Key(): Promise<{ key: SigningKey; privateJwk: JsonWebKey }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const exported = await exportJWK(privateKey)
  const kid = await thumbprintOf(exported)
  const privateJwk: JsonWebKey = { ...publicJwkOf(exported, kid), d: exported.d }
  return { key: await importEs256PrivateJwk(privateJwk), privateJwk }
}

/**
 * Imports an ES256 private JWK (as written by `generateEs256Key`). Checks kty/crv/alg/use, proves
 * the private and public halves belong together with a sign/verify round, and sets `kid` to the
 * RFC 7638 thumbprint of the public key (a `kid` in the file is ignored).
 */
export async function importEs256PrivateJwk(jwk: JsonWebKey): Promise<SigningKey> {
  if (typeof jwk !== 'object' || jwk === null)
    throw new JwtKeyError('ES256 key must be a JWK object')
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    throw new JwtKeyError('ES256 key must be an EC JWK on curve P-256')
  if (jwk.alg !== undefined && jwk.alg !== 'ES256')
    throw new JwtKeyError('ES256 key has a different "alg"; a key is used with one algorithm only')
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw new JwtKeyError('ES256 key "use" must be sig')
  for (const member of ['x', 'y', 'd'] as const)
    if (typeof jwk[member] !== 'string' || jwk[member] === '')
      throw new JwtKeyError(`ES256 private JWK is missing "${member}"`)
  const kid = await thumbprintOf(jwk)
  const publicJwk = publicJwkOf(jwk, kid)
  let privateKey: CryptoKey
  let publicKey: CryptoKey
  try {
    const { kty, crv, x, y, d } = jwk
    privateKey = (await importJWK({ kty, crv, x, y, d }, 'ES256')) as CryptoKey
    publicKey = (await importJWK({ kty, crv, x, y }, 'ES256')) as CryptoKey
  } catch {
    throw new JwtKeyError(
      'ES256 private JWK could not be imported (bad coordinates, or "d" not matching x/y)',
    )
  }
  const algorithm = { name: 'ECDSA', hash: 'SHA-256' }
  const probe = new TextEncoder().encode('mcp-docker ES256 key check')
  const signature = await crypto.subtle.sign(algorithm, privateKey, probe)
  if (!(await crypto.subtle.verify(algorithm, publicKey, signature, probe)))
    throw new JwtKeyError('ES256 private JWK: "d" does not belong to the public point (x, y)')
  return { alg: 'ES256', privateKey, publicJwk, kid }
}

/** The JWKS document (RFC 7517 §5) to publish for a key; `{ keys: [] }` for HS256 (secret). */
export function jwksOf(key: SigningKey): { keys: JsonWebKey[] } {
  return key.alg === 'ES256' ? { keys: [{ ...key.publicJwk }] } : { keys: [] }
}
