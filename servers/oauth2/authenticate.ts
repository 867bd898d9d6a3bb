// Client authentication at the token, introspection and revocation endpoints, with brute-force limits (OA-5, OA-10, OA-17).
import type { Context } from 'hono'
import type { RegisteredClient } from '../../shared/clients/registry.ts'
import type { ClientStore } from '../../shared/clients/store.ts'
import { invalidClient, readClientCredentials } from '../../shared/http/client-auth.ts'
import type { StrictForm } from '../../shared/http/form.ts'
import { OAuthError } from '../../shared/http/oauth-error.ts'
import type { RateLimiter } from '../../shared/http/rate-limit.ts'
import type { Auditor } from './audit.ts'
import type { KnownSources } from './known-sources.ts'
import { sourceOf } from './sources.ts'

export interface ClientAuthenticatorOptions {
  clients: ClientStore
  /** Failed authentications per (presented client id, source) pair: the pair's own lock (OA-10). */
  perPair: RateLimiter
  /** Failed authentications per source, any client id: one source cannot spray ids (OA-10). */
  perAddress: RateLimiter
  /**
   * Failed authentications per presented client id from every source. Over its limit (a
   * distributed attack on one id), a source that failed for that id even once is refused for it;
   * sources that have not failed are unaffected.
   */
  perClient: RateLimiter
  /** Sources that presented the client's correct secret recently: only their own failures count. */
  known: KnownSources
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
 * OA-10 decision (RFC 6749 §2.3.1 asks for brute-force protection): slow the guesser, never the
 * holder of the secret. Failures are counted per (client id, source), per source and per client
 * id; a request is refused with 429, `Retry-After` and an RFC 6749 §5.2 `invalid_client` body
 * (no-store headers) before the secret is checked when its own pair or its own source is over
 * the limit, or when it has failed for an id that is under a distributed attack. A source that
 * has not failed is never refused for someone else's failures (except when the counters are full
 * of penalties, see shared/http/rate-limit.ts), and a source that recently presented the correct
 * secret is limited by its own failures only, whatever else happens.
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
  const { clients, perPair, perAddress, perClient, known, clientAddress, realm, audit } = options

  return async function authenticateClient(c, form, endpoint) {
    const source = sourceOf(clientAddress(c))
    let presented
    try {
      presented = readClientCredentials(c.req.raw, form, realm)
    } catch (error) {
      // A malformed Basic header is a failed authentication attempt: count it per source.
      if (error instanceof OAuthError && error.code === 'invalid_client') {
        perAddress.hit(source)
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
    // The source never contains a space, so the pair key is unambiguous.
    const pair = `${source} ${clientId}`
    const knownPair = known.get(clientId, source)
    const wait = knownPair
      ? knownPair.retryAfter()
      : Math.max(
          perAddress.retryAfter(source),
          perPair.retryAfter(pair, perClient.retryAfter(clientId) > 0 ? 1 : undefined),
        )
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
      perAddress.hit(source)
      perPair.hit(pair)
      perClient.hit(clientId)
      knownPair?.fail()
      audit(c, 'client_auth_failed', {
        outcome: 'denied',
        client_id: clientId,
        detail: `${endpoint}: invalid_client (${presented.method})`,
      })
      // OA-17: 401 with a Basic challenge (required for Basic, allowed for post).
      throw invalidClient('client authentication failed', realm)
    }
    known.remember(clientId, source)
    return client
  }
}
