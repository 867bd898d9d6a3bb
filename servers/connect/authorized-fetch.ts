// The fetch the gateway side of the relay uses: every request carries `Authorization: Bearer`
// (RFC 6750 §2.1; never the query, MCP-A9) once the authorization server is known; until then a
// request goes without one and its 401 challenge starts discovery (MCP 2025-11-25 "Authorization
// Server Discovery"). A 401 gets one new token and one retry, and a 401 or 403 that remains
// becomes a ConnectError saying what the gateway said.
import { ConnectError } from './errors.ts'
import { fetchWithDeadline, type Fetch } from './http.ts'
import type { TokenSource } from './token.ts'
import { bearerChallengeParams } from './www-authenticate.ts'

export interface AuthorizedFetchOptions {
  fetch: Fetch
  tokens: TokenSource
  /** Deadline for the gateway's response headers, ms (a streamed body may then run on). */
  timeoutMs: number
}

/** `error` and `error_description` of the gateway's Bearer challenge, in a few words. */
function challengeText(response: Response): string {
  const params = bearerChallengeParams(response.headers.get('www-authenticate'))
  if (!params?.error) return `HTTP ${response.status}`
  const description = params.error_description?.replace(/[^\x20-\x7e]/g, '').slice(0, 200)
  const scope = params.scope ? `, needs scope "${params.scope}"` : ''
  return `${params.error}${description ? `: ${description}` : ''}${scope}`
}

/**
 * A Web-standard fetch for the SDK's StreamableHTTPClientTransport. The request body is a string
 * (the transport sends JSON text), so it can be sent a second time after a refresh.
 */
export function createAuthorizedFetch(options: AuthorizedFetchOptions): Fetch {
  const { fetch, tokens, timeoutMs } = options
  return async function authorizedFetch(input, init = {}) {
    const url = String(input)
    const method = init.method ?? 'GET'
    const send = (token: string | undefined) => {
      const headers = new Headers(init.headers)
      if (token !== undefined) headers.set('Authorization', `Bearer ${token}`)
      return fetchWithDeadline(
        fetch,
        url,
        { ...init, headers },
        { peer: 'gateway', timeoutMs, what: `${method} ${url}` },
      )
    }
    // Before discovery: no token yet, the gateway's 401 says where its metadata is (RFC 9728 §5.1).
    const token = tokens.discovery ? await tokens.get() : undefined
    let response = await send(token)
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined)
      const next =
        token === undefined
          ? await tokens.get(response.headers.get('www-authenticate'))
          : await tokens.refresh(token) // RS-4: expired or revoked; once only
      response = await send(next)
      if (response.status === 401) {
        await response.body?.cancel().catch(() => undefined)
        throw new ConnectError(
          'ERR_UNAUTHORIZED',
          `the gateway refused a new access token (${challengeText(response)}); is the gateway's OAUTH2_ISSUER and token key the authorization server's?`,
          401,
        )
      }
    }
    if (response.status === 403 && response.headers.has('www-authenticate')) {
      await response.body?.cancel().catch(() => undefined)
      // RS-5 / MCP-A6: client credentials cannot step up beyond what the client is registered for.
      throw new ConnectError(
        'ERR_UNAUTHORIZED',
        `the gateway refused the request (${challengeText(response)}); run connect with --scope, or give the client that scope in the authorization server's registry`,
        403,
      )
    }
    return response
  }
}
