// Revocation (RFC 7009 / RV-5) honoured at the gateway: a token's status is asked of the AS's
// introspection endpoint (RFC 7662, as the gateway's own client) and the answer reused for a
// short while, per token id.
//
// When the AS cannot be reached: a token never checked before is refused for now (fail closed,
// 503); a token the AS called active before keeps its last answer until the AS answers again
// (nobody can revoke while the AS is down). A revoked token stays revoked until its `exp`.
// Listeners learn of each revocation once, when the AS first calls the token inactive (the
// gateway then ends that token's streams and sessions).

import { encodeBasicCredentials } from '../../../shared/http/client-auth.ts'
import {
  fetchOAuthJson,
  OAuthJsonError,
  type OAuthFetch,
  type OAuthJsonAnswer,
} from '../../../shared/http/oauth-json.ts'

/** Largest introspection answer read (RFC 7662 §2.2: a few claims; 64 KiB is far above). */
export const MAX_INTROSPECTION_BYTES = 64 * 1024

/** The AS's answer about one token. */
export type TokenStatus = 'active' | 'inactive'

/** The AS could not give an answer (network, timeout, 5xx, or it refused our client). */
export class IntrospectionUnavailableError extends Error {
  readonly code = 'ERR_INTROSPECTION_UNAVAILABLE'
  constructor(message: string) {
    super(message)
    this.name = 'IntrospectionUnavailableError'
  }
}

export interface IntrospectionClientOptions {
  /** The introspection endpoint, e.g. `http://localhost:8081/oauth2/introspect`. */
  url: string
  /** The gateway's client id and secret at the AS (client_secret_basic, RFC 6749 §2.3.1). */
  clientId: string
  clientSecret: string
  /** Fetch to use. Default `globalThis.fetch`. */
  fetch?: (input: Request) => Promise<Response>
  /** Longest wait for an answer, ms. Default 3000. */
  timeoutMs?: number
}

/** Asks the AS whether `token` is active (IN-1..IN-4). Throws IntrospectionUnavailableError. */
export function createIntrospectionClient(
  options: IntrospectionClientOptions,
): (token: string) => Promise<TokenStatus> {
  const doFetch = options.fetch ?? ((request: Request) => fetch(request))
  const timeoutMs = options.timeoutMs ?? 3000
  const authorization = encodeBasicCredentials(options.clientId, options.clientSecret)
  const fetchRequest: OAuthFetch = (url, init) => doFetch(new Request(url, init))
  return async function introspect(token) {
    let answer: OAuthJsonAnswer
    try {
      answer = await fetchOAuthJson(
        fetchRequest,
        options.url,
        {
          method: 'POST',
          headers: {
            Authorization: authorization,
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
          },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        },
        { timeoutMs, maxBytes: MAX_INTROSPECTION_BYTES },
      )
    } catch (error) {
      throw new IntrospectionUnavailableError(
        error instanceof OAuthJsonError && error.code === 'ERR_OAUTH_TOO_LARGE'
          ? `introspection answered more than ${MAX_INTROSPECTION_BYTES} bytes`
          : 'the authorization server did not answer',
      )
    }
    if (answer.status !== 200) {
      throw new IntrospectionUnavailableError(
        answer.status === 401
          ? 'the authorization server refused the gateway’s client credentials (introspection)'
          : `introspection answered HTTP ${answer.status}`,
      )
    }
    const body = answer.json
    if (body === undefined)
      throw new IntrospectionUnavailableError('introspection answered something that is not JSON')
    const active = (body as { active?: unknown } | null)?.active
    if (typeof active !== 'boolean')
      throw new IntrospectionUnavailableError('introspection answered without a boolean "active"')
    return active ? 'active' : 'inactive'
  }
}

export interface RevocationCheckOptions {
  /** Asks the AS (createIntrospectionClient). */
  introspect: (token: string) => Promise<TokenStatus>
  /** How long an `active` answer is reused, ms. 0 asks every time. */
  cacheMs: number
  /** Most token ids remembered. Default 10 000. */
  maxEntries?: number
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
  /** Told when the AS could not answer (for the operator log). Default none. */
  onUnavailable?: (error: IntrospectionUnavailableError) => void
}

/** The verdict for one request. */
export type RevocationVerdict = 'active' | 'revoked' | 'unavailable'

export interface RevocationCheck {
  /** The status of the token `jti` (expiring at `exp`, seconds) whose text is `token`. */
  check(token: string, jti: string, exp: number): Promise<RevocationVerdict>
  /**
   * Calls `listener(jti)` when the AS first answers that a token it knew as active (or never
   * asked about) is inactive. Returns the function that removes the listener.
   */
  onRevoked(listener: (jti: string) => void): () => void
  /** Token ids remembered. */
  readonly size: number
}

interface Entry {
  status: TokenStatus
  checkedAt: number
  /** `exp` of the token in ms: the entry is dropped then. */
  expiresAt: number
}

export function createRevocationCheck(options: RevocationCheckOptions): RevocationCheck {
  const clock = options.clock ?? Date.now
  const maxEntries = options.maxEntries ?? 10_000
  const entries = new Map<string, Entry>()
  const asking = new Map<string, Promise<RevocationVerdict>>()
  const listeners = new Set<(jti: string) => void>()

  const remember = (jti: string, entry: Entry) => {
    entries.delete(jti)
    entries.set(jti, entry)
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
  }

  const ask = async (token: string, jti: string, exp: number): Promise<RevocationVerdict> => {
    try {
      const status = await options.introspect(token)
      const before = entries.get(jti)?.status
      remember(jti, { status, checkedAt: clock(), expiresAt: exp * 1000 })
      if (status === 'inactive' && before !== 'inactive')
        for (const listener of [...listeners]) {
          try {
            listener(jti)
          } catch {
            // a listener's failure must not change the verdict
          }
        }
      return status === 'active' ? 'active' : 'revoked'
    } catch (error) {
      const unavailable =
        error instanceof IntrospectionUnavailableError
          ? error
          : new IntrospectionUnavailableError('introspection failed')
      options.onUnavailable?.(unavailable)
      const last = entries.get(jti)
      return last?.status === 'active' ? 'active' : last ? 'revoked' : 'unavailable'
    }
  }

  return {
    get size() {
      return entries.size
    },
    onRevoked(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async check(token, jti, exp) {
      const now = clock()
      const entry = entries.get(jti)
      if (entry) {
        if (now >= entry.expiresAt) entries.delete(jti)
        else if (entry.status === 'inactive') return 'revoked'
        else if (now - entry.checkedAt < options.cacheMs) return 'active'
      }
      // One question per token at a time, however many requests arrive together.
      let pending = asking.get(jti)
      if (!pending) {
        pending = ask(token, jti, exp).finally(() => asking.delete(jti))
        asking.set(jti, pending)
      }
      return pending
    },
  }
}
