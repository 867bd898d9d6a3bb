// Client authentication: the Basic encoder our clients use, and the parsing of client_secret_basic
// (OA-7) and client_secret_post (OA-8), never both (OA-6).
import type { StrictForm } from './form.ts'
import { OAuthError } from './oauth-error.ts'

/** How the client presented its credentials (RFC 8414 §2 method names). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post'

/** Credentials a client presented, not yet verified. */
export interface PresentedCredentials {
  method: ClientAuthMethod
  clientId: string
  clientSecret: string
}

/** No secret was presented; `clientId` is the body's `client_id` if any (a public client, OA-5). */
export interface NoCredentials {
  method: 'none'
  clientId: string | undefined
}

/** The `WWW-Authenticate` value for Basic (RFC 7617 §2, with its `charset` parameter). */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '')}", charset="UTF-8"`
}

/** OA-17: a failed header authentication is 401 with a Basic challenge. */
export function invalidClient(description: string, realm: string): OAuthError {
  return new OAuthError('invalid_client', description, {
    status: 401,
    headers: { 'WWW-Authenticate': basicChallenge(realm) },
  })
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** RFC 6749 App. B: `application/x-www-form-urlencoded` encoding of one value (space is `+`). */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+')
}

/**
 * The `Authorization` value for client_secret_basic (RFC 6749 §2.3.1, OA-7): id and secret are
 * form-urlencoded, joined by `:`, then base64 (of UTF-8; the encoded text is ASCII), so an id with
 * `:` or any non-ASCII character survives. The inverse of `decodeBasicCredentials`.
 */
export function encodeBasicCredentials(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`
}

/** RFC 6749 App. B: `+` is a space, then percent-decoding of UTF-8; undefined when malformed. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

/**
 * Decodes `Basic <base64>` per RFC 6749 §2.3.1 (OA-7): base64, UTF-8, split on the FIRST `:`,
 * then form-decode each half (so an id `a:b` arrives as `a%3Ab`). Undefined when malformed.
 */
export function decodeBasicCredentials(
  credentials: string,
): { clientId: string; clientSecret: string } | undefined {
  if (!BASE64.test(credentials)) return undefined
  let text: string
  try {
    const binary = atob(credentials)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    text = utf8.decode(bytes)
  } catch {
    return undefined
  }
  const colon = text.indexOf(':')
  if (colon < 0) return undefined
  const clientId = formDecode(text.slice(0, colon))
  const clientSecret = formDecode(text.slice(colon + 1))
  if (clientId === undefined || clientSecret === undefined) return undefined
  return { clientId, clientSecret }
}

/**
 * The credentials presented with a request to the token, introspection or revocation endpoint.
 * - `Authorization: Basic …` → client_secret_basic; a malformed header or another scheme is a
 *   401 `invalid_client` with a Basic challenge (OA-17).
 * - `client_id` + `client_secret` in the body → client_secret_post (OA-8).
 * - Both a Basic header and a body `client_secret` → 400 `invalid_request` (OA-6); a body
 *   `client_id` that differs from the Basic one likewise.
 * - Otherwise `{ method: 'none' }`, which every endpoint of ours refuses (OA-5).
 */
export function readClientCredentials(
  request: Request,
  form: StrictForm,
  realm: string,
): PresentedCredentials | NoCredentials {
  const header = request.headers.get('authorization')
  const bodyId = form.get('client_id')
  const bodySecret = form.get('client_secret')
  if (header !== null) {
    const match = /^Basic +([^ ]+) *$/i.exec(header)
    if (!match) throw invalidClient('only HTTP Basic client authentication is accepted here', realm)
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use one client authentication method, not two')
    }
    const decoded = decodeBasicCredentials(match[1]!)
    if (decoded === undefined) throw invalidClient('malformed Basic credentials', realm)
    if (bodyId !== undefined && bodyId !== decoded.clientId) {
      throw new OAuthError('invalid_request', 'client_id differs from the authenticated client')
    }
    return { method: 'client_secret_basic', ...decoded }
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined)
      throw new OAuthError('invalid_request', 'client_secret without client_id')
    return { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret }
  }
  return { method: 'none', clientId: bodyId }
}
