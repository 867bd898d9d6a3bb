// Access tokens for the bridge: the client credentials grant (RFC 6749 §4.4) with the `resource`
// indicator (RFC 8707, MCP-A9), and a token source that discovers once, refreshes before expiry
// and after a 401, and never lets a token or secret into a message (LOG-1).
import type { Discovery, TokenAuthMethod } from './discovery.ts'
import { asConnectError, ConnectError } from './errors.ts'
import { fetchJson, type Fetch } from './http.ts'
import { encodeBasicCredentials } from '../../shared/http/client-auth.ts'
import { DESCRIPTION_CHARS } from '../../shared/http/oauth-error.ts'

/** A registered client's credentials (OAUTH2_CLIENT_ID / OAUTH2_CLIENT_SECRET). */
export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

export interface TokenRequest {
  tokenEndpoint: string
  authMethod: TokenAuthMethod
  credentials: ClientCredentials
  /** The MCP endpoint the token is for (RFC 8707 §2; the gateway requires it as `aud`). */
  resource: string
  /** Space-separated scopes; undefined lets the AS grant the client's default (RFC 6749 §3.3). */
  scope?: string
}

/** An access token as connect keeps it. */
export interface AccessToken {
  value: string
  /** Granted scope, when the AS said. */
  scope?: string
  /** Lifetime the AS gave (`expires_in`), seconds; undefined when it gave none. */
  expiresIn?: number
  /** Clock time (ms) it was received. */
  receivedAt: number
}

export interface RequestOptions {
  fetch: Fetch
  timeoutMs: number
  /** Clock in ms. Default `Date.now`. */
  now?: () => number
}

/** RFC 6749 §5.2 text fields are %x20-21 / %x23-5B / %x5D-7E; anything else is dropped (OA-16). */
function safeText(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.replace(DESCRIPTION_CHARS, '').slice(0, max)
  return text === '' ? undefined : text
}

/**
 * Asks the token endpoint for a client credentials token. Basic or post client authentication as
 * discovered, `resource` always (MCP-A9), `scope` when given. No redirect is followed.
 * @throws ConnectError ERR_INVALID_CLIENT, ERR_TOKEN_REFUSED, ERR_TOKEN_RESPONSE, or a network one
 */
export async function requestToken(
  request: TokenRequest,
  options: RequestOptions,
): Promise<AccessToken> {
  const now = options.now ?? Date.now
  const { clientId, clientSecret } = request.credentials
  const body = new URLSearchParams({ grant_type: 'client_credentials', resource: request.resource })
  if (request.scope) body.set('scope', request.scope)
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  }
  if (request.authMethod === 'client_secret_basic')
    headers.Authorization = encodeBasicCredentials(clientId, clientSecret)
  else {
    body.set('client_id', clientId)
    body.set('client_secret', clientSecret)
  }
  const answer = await fetchJson(
    options.fetch,
    request.tokenEndpoint,
    { method: 'POST', headers, body: body.toString() },
    {
      peer: 'authorization server',
      timeoutMs: options.timeoutMs,
      what: `token request to ${request.tokenEndpoint}`,
    },
  )
  const json = (
    typeof answer.json === 'object' && answer.json !== null ? answer.json : {}
  ) as Record<string, unknown>
  if (answer.status !== 200) {
    const error = safeText(json.error, 60)
    const description = safeText(json.error_description)
    const detail = `${error ?? `HTTP ${answer.status}`}${description ? `: ${description}` : ''}`
    if (error === 'invalid_client' || (answer.status === 401 && error === undefined))
      throw new ConnectError(
        'ERR_INVALID_CLIENT',
        `the authorization server refused the credentials of client "${clientId}" (${detail}): check OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET/OAUTH2_CLIENT_SECRET_FILE`,
        answer.status,
      )
    const hint =
      error === 'invalid_target'
        ? `; is client "${clientId}" allowed tokens for ${request.resource}?`
        : error === 'invalid_scope'
          ? `; the client may not have scope "${request.scope ?? '(default)'}"`
          : answer.status === 429
            ? `; too many attempts, retry after ${safeText(answer.headers.get('retry-after'), 10) ?? 'a while'} s`
            : ''
    throw new ConnectError(
      'ERR_TOKEN_REFUSED',
      `token request for client "${clientId}" refused (${detail})${hint}`,
      answer.status,
    )
  }
  const value = json.access_token
  const type = json.token_type
  if (typeof value !== 'string' || value === '' || typeof type !== 'string')
    throw new ConnectError(
      'ERR_TOKEN_RESPONSE',
      `the token endpoint ${request.tokenEndpoint} answered 200 without access_token and token_type (RFC 6749 §5.1)`,
    )
  if (type.toLowerCase() !== 'bearer')
    throw new ConnectError(
      'ERR_TOKEN_RESPONSE',
      `the token endpoint issued a ${safeText(type, 20) ?? 'non-Bearer'} token; connect sends Bearer tokens only`,
    )
  const expiresIn =
    typeof json.expires_in === 'number' && Number.isFinite(json.expires_in) && json.expires_in > 0
      ? json.expires_in
      : undefined
  const scope = typeof json.scope === 'string' ? json.scope : request.scope
  return {
    value,
    receivedAt: now(),
    ...(expiresIn !== undefined ? { expiresIn } : {}),
    ...(scope !== undefined ? { scope } : {}),
  }
}

export interface TokenSourceOptions {
  /**
   * Finds the token endpoint (called until it succeeds once), given the `WWW-Authenticate` header
   * of the gateway's 401 to an unauthenticated request when there was one.
   */
  discover: (challenge: string | null | undefined) => Promise<Discovery>
  /** Gets a token for a discovery result (`requestToken` bound to the credentials and scope). */
  request: (discovery: Discovery) => Promise<AccessToken>
  /** Fraction of `expires_in` after which the token is renewed before use. Default 0.8. */
  refreshRatio?: number
  /** Clock in ms. Default `Date.now`. */
  now?: () => number
  /** Status lines (stderr). Default: none. */
  log?: (line: string) => void
}

/** Hands out the current access token. */
export interface TokenSource {
  /**
   * The token to send: obtained on first use, renewed once `refreshRatio` of its lifetime has
   * passed (a failed renewal keeps the old token while it is still valid). `challenge`: the
   * gateway's `WWW-Authenticate` answer to a request without a token, for discovery.
   * @throws ConnectError when no usable token can be had
   */
  get(challenge?: string | null): Promise<string>
  /** After the gateway answered 401 to `rejected`: a new token, unless one already replaced it. */
  refresh(rejected: string): Promise<string>
  /** The discovery result, once known. */
  readonly discovery: Discovery | undefined
}

/**
 * A token source. Concurrent callers share one request (single flight). Errors that another
 * attempt cannot fix (wrong credentials, bad metadata) are remembered and returned at once, so
 * a misconfigured bridge does not hammer the AS (OA-10 lockouts); network errors and timeouts
 * are retried at the next call.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const now = options.now ?? Date.now
  const ratio = options.refreshRatio ?? 0.8
  const log = options.log ?? (() => undefined)
  let discovery: Discovery | undefined
  let current: AccessToken | undefined
  let inflight: Promise<AccessToken> | undefined
  let fatal: ConnectError | undefined

  const refreshAt = (token: AccessToken) =>
    token.expiresIn === undefined ? Infinity : token.receivedAt + token.expiresIn * 1000 * ratio
  const expiresAt = (token: AccessToken) =>
    token.expiresIn === undefined ? Infinity : token.receivedAt + token.expiresIn * 1000

  function fetchNew(challenge?: string | null): Promise<AccessToken> {
    if (fatal) return Promise.reject(fatal)
    inflight ??= (async () => {
      try {
        if (!discovery) {
          discovery = await options.discover(challenge)
          log(
            `authorization server ${discovery.issuer}, token endpoint ${discovery.tokenEndpoint} (${discovery.authMethod})`,
          )
        }
        const token = await options.request(discovery)
        current = token
        log(
          `access token obtained${token.scope ? ` (scope ${token.scope})` : ''}${token.expiresIn !== undefined ? `, expires in ${token.expiresIn} s` : ''}`,
        )
        return token
      } catch (error) {
        const failure = asConnectError(error, 'ERR_TOKEN_RESPONSE')
        if (!failure.transient) fatal = failure
        throw failure
      } finally {
        inflight = undefined
      }
    })()
    return inflight
  }

  return {
    get discovery() {
      return discovery
    },
    async get(challenge) {
      const token = current
      const time = now()
      if (token && time < refreshAt(token)) return token.value
      if (token && time < expiresAt(token)) {
        try {
          return (await fetchNew()).value
        } catch (error) {
          log(`token renewal failed, using the current token until it expires: ${describe(error)}`)
          return token.value
        }
      }
      return (await fetchNew(challenge)).value
    },
    async refresh(rejected) {
      if (current && current.value !== rejected) return current.value
      if (inflight) return (await inflight).value
      log('the gateway refused the access token (401); requesting a new one')
      return (await fetchNew()).value
    },
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
