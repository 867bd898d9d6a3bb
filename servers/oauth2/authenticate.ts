// Client authentication at the token, introspection and revocation endpoints, with brute-force limits (OA-5, OA-10, OA-17).
import type { Context } from 'hono'
import type { RegisteredClient } from '../../shared/clients/registry.ts'
import type { ClientStore } from '../../shared/clients/store.ts'
import { invalidClient, readClientCredentials } from '../../shared/http/client-auth.ts'
import type { StrictForm } from '../../shared/http/form.ts'
import { OAuthError } from '../../shared/http/oauth-error.ts'
import type { RateLimiter } from '../../shared/http/rate-limit.ts'
import type { Auditor } from './audit.ts'

export interface ClientAuthenticatorOptions {
  clients: ClientStore
  /** Failed authentications per presented client id (OA-10). */
  perClient: RateLimiter
  /** Failed authentications per source address (OA-10). */
  perAddress: RateLimiter
  /** The request's source address, or undefined when unknown. */
  clientAddress: (c: Context) => string | undefined
  /** `realm` of the Basic challenge (OA-17). */
  realm: string
  audit: Auditor
}

export type ClientAuthenticator = (
  c: Context,
  form: StrictForm,
  endpoint: 'token' | 'introspect' | 'revoke',
) => Promise<RegisteredClient>

/**
 * OA-10 decision: while a client id or a source address has too many recent failures, requests
 * naming it get 429 with `Retry-After` and an RFC 6749 §5.2 body `invalid_client` (with the
 * no-store headers), before the secret is even checked, so guessing stops paying off. A valid
 * secret does not bypass the limit during the window (that is the point of a lockout).
 */
function rateLimited(retryAfter: number): OAuthError {
  return new OAuthError('invalid_client', 'too many failed client authentications; retry later', {
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
  })
}

export function createClientAuthenticator(
  options: ClientAuthenticatorOptions,
): ClientAuthenticator {
  const { clients, perClient, perAddress, clientAddress, realm, audit } = options

  return async function authenticateClient(c, form, endpoint) {
    const addressKey = clientAddress(c) ?? 'unknown'
    let presented
    try {
      presented = readClientCredentials(c.req.raw, form, realm)
    } catch (error) {
      // A malformed Basic header is a failed authentication attempt: count it per address.
      if (error instanceof OAuthError && error.code === 'invalid_client') {
        perAddress.hit(addressKey)
        audit(c, 'client_auth_failed', {
          outcome: 'denied',
          detail: `${endpoint}: malformed credentials`,
        })
      }
      throw error
    }
    if (presented.method === 'none') {
      audit(c, 'client_auth_failed', {
        outcome: 'denied',
        ...(presented.clientId ? { client_id: presented.clientId } : {}),
        detail: `${endpoint}: no client secret`,
      })
      // OA-5: only confidential clients; a 401 must carry a challenge (RFC 9110 §15.5.2).
      throw invalidClient('client authentication is required', realm)
    }
    const clientId = presented.clientId
    const clientKey = clientId
    const wait = Math.max(perAddress.retryAfter(addressKey), perClient.retryAfter(clientKey))
    if (wait > 0) {
      audit(c, 'client_auth_failed', {
        outcome: 'denied',
        client_id: clientId,
        detail: `${endpoint}: rate limited`,
      })
      throw rateLimited(wait)
    }
    const client = await clients.authenticate(clientId, presented.clientSecret)
    if (client === undefined) {
      perAddress.hit(addressKey)
      perClient.hit(clientKey)
      audit(c, 'client_auth_failed', {
        outcome: 'denied',
        client_id: clientId,
        detail: `${endpoint}: invalid_client (${presented.method})`,
      })
      // OA-17: 401 with a Basic challenge (required for Basic, allowed for post).
      throw invalidClient('client authentication failed', realm)
    }
    return client
  }
}
