// The OAuth2 tools' HTTP client: every exchange with the OAuth2 server (metadata, health, token,
// /hello, introspection, revocation) over an injected Web-standard fetch, each with a timeout,
// its latency measured, and failures turned into OAuth2ToolsErrors with clear messages. Transport
// through the shared OAuth JSON client (deadline, size limit, JSON media type, no redirects).
import type { OAuth2ToolsConfig } from './config.ts'
import { OAuth2ToolsError } from './errors.ts'
import { encodeBasicCredentials } from '../../shared/http/client-auth.ts'
import {
  fetchOAuthJson,
  OAuthJsonError,
  type OAuthJsonAnswer,
} from '../../shared/http/oauth-json.ts'

/** Web-standard fetch (`globalThis.fetch`, or `(input, init) => app.request(input, init)` in tests). */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>

export interface OAuth2ClientOptions {
  /** Server URL, client credentials, timeout. */
  config: OAuth2ToolsConfig
  /** Default: `globalThis.fetch`. */
  fetch?: Fetch
  /** Monotonic clock in ms for latencies. Default: `performance.now`. */
  now?: () => number
}

/** The URLs of the server this deployment runs (docs/oauth2.md), built on OAUTH2_URL. */
export interface OAuth2Endpoints {
  /** RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path. */
  metadata: string
  health: string
  token: string
  introspect: string
  revoke: string
  hello: string
}

/** A successful exchange: the parsed JSON body and how long it took. */
export interface Exchange {
  url: string
  status: number
  headers: Headers
  /** The JSON body; undefined when the body is empty or not JSON. */
  json: unknown
  /** Latency in ms (request sent → body read), one decimal. */
  ms: number
}

/** The client credentials grant's answer (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in?: number
  scope?: string
  [member: string]: unknown
}

export interface OAuth2Client {
  readonly endpoints: OAuth2Endpoints
  /** GET the RFC 8414 metadata; a JSON object or an error. */
  metadata(signal?: AbortSignal): Promise<Exchange & { json: Record<string, unknown> }>
  /** GET /health; ok only for 200 `{"status":"ok"}`. */
  health(signal?: AbortSignal): Promise<Exchange>
  /** The client credentials grant (RFC 6749 §4.4) with the configured client (client_secret_basic). */
  token(
    params: { scope?: string; resource?: string },
    signal?: AbortSignal,
  ): Promise<Exchange & { json: TokenResponse }>
  /** GET /hello with the token (RFC 6750 §2.1); any status is returned, not thrown. */
  hello(token: string, signal?: AbortSignal): Promise<Exchange>
  /** RFC 7662 introspection as the configured client; a JSON object with boolean `active`. */
  introspect(token: string, signal?: AbortSignal): Promise<Exchange & { json: { active: boolean } }>
  /** RFC 7009 revocation as the configured client; ok for 200. */
  revoke(token: string, signal?: AbortSignal): Promise<Exchange>
}

/** Longest body read from the server. */
const MAX_BODY_BYTES = 1024 * 1024

/** The endpoints of the server at `base` (the paths docs/oauth2.md documents). */
export function endpointsOf(base: string): OAuth2Endpoints {
  const url = new URL(base)
  const path = url.pathname.replace(/\/+$/, '')
  return {
    metadata: `${url.origin}/.well-known/oauth-authorization-server${path}`,
    health: `${base}/health`,
    token: `${base}/oauth2/token`,
    introspect: `${base}/oauth2/introspect`,
    revoke: `${base}/oauth2/revoke`,
    hello: `${base}/hello`,
  }
}

export function createOAuth2Client(options: OAuth2ClientOptions): OAuth2Client {
  const { config } = options
  const fetcher: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const now = options.now ?? (() => performance.now())
  const endpoints = endpointsOf(config.url)

  /** One request through the shared OAuth JSON client; its failures become OAuth2ToolsErrors. */
  async function send(url: string, init: RequestInit, signal?: AbortSignal): Promise<Exchange> {
    const started = now()
    const elapsed = () => Math.round((now() - started) * 10) / 10
    let answer: OAuthJsonAnswer
    try {
      answer = await fetchOAuthJson(fetcher, url, init, {
        timeoutMs: config.timeoutMs,
        maxBytes: MAX_BODY_BYTES,
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      if (!(error instanceof OAuthJsonError)) throw error // the caller cancelled
      if (error.code === 'ERR_OAUTH_TOO_LARGE') {
        throw new OAuth2ToolsError(
          'ERR_INVALID_RESPONSE',
          `${url}: the answer is larger than ${MAX_BODY_BYTES} bytes`,
          elapsed(),
        )
      }
      if (error.code === 'ERR_OAUTH_TIMEOUT') {
        throw new OAuth2ToolsError(
          'ERR_TIMEOUT',
          `no answer from ${url} within ${config.timeoutMs} ms (OAUTH2_TIMEOUT_MS)`,
          elapsed(),
        )
      }
      throw new OAuth2ToolsError(
        'ERR_UNREACHABLE',
        `cannot reach the OAuth2 server at ${url} (${networkReason(error.cause)}): is it running, and is OAUTH2_URL=${config.url} right?`,
        elapsed(),
      )
    }
    const ms = elapsed()
    if (answer.status >= 300 && answer.status < 400) {
      const location = answer.headers.get('location')
      throw new OAuth2ToolsError(
        'ERR_REDIRECT',
        `${url} answered HTTP ${answer.status} (a redirect${location ? ` to ${location.slice(0, 200)}` : ''}); the tools do not follow redirects: set OAUTH2_URL to the server's own URL`,
        ms,
        answer.status,
      )
    }
    return { url, status: answer.status, headers: answer.headers, json: answer.json, ms }
  }

  const requireClient = (): { id: string; secret: string } => {
    if (config.clientId === undefined || config.clientSecret === undefined) {
      throw new OAuth2ToolsError(
        'ERR_NO_CREDENTIALS',
        config.clientId === undefined
          ? 'no OAuth2 client is configured: set OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET (or OAUTH2_CLIENT_SECRET_FILE)'
          : `no secret is configured for client ${config.clientId}: set OAUTH2_CLIENT_SECRET or OAUTH2_CLIENT_SECRET_FILE`,
      )
    }
    return { id: config.clientId, secret: config.clientSecret }
  }

  /** POST a form as the configured client, authenticated with client_secret_basic. */
  const postAsClient = (url: string, form: Record<string, string>, signal?: AbortSignal) => {
    const client = requireClient()
    return send(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: basicAuthorization(client.id, client.secret),
        },
        body: new URLSearchParams(form).toString(),
      },
      signal,
    )
  }

  return {
    endpoints,
    async metadata(signal) {
      const exchange = await send(
        endpoints.metadata,
        { headers: { Accept: 'application/json' } },
        signal,
      )
      if (exchange.status !== 200) {
        throw refused(exchange, 'the metadata document (RFC 8414) was not served')
      }
      if (!isObject(exchange.json)) {
        throw invalid(exchange, 'the metadata document is not a JSON object')
      }
      return exchange as Exchange & { json: Record<string, unknown> }
    },
    async health(signal) {
      const exchange = await send(
        endpoints.health,
        { headers: { Accept: 'application/json' } },
        signal,
      )
      if (exchange.status !== 200) throw refused(exchange, 'the health check failed')
      if (!isObject(exchange.json) || exchange.json.status !== 'ok') {
        throw invalid(exchange, 'the health check did not answer {"status":"ok"}')
      }
      return exchange
    },
    async token(params, signal) {
      const form: Record<string, string> = { grant_type: 'client_credentials' }
      if (params.scope !== undefined) form.scope = params.scope
      if (params.resource !== undefined) form.resource = params.resource
      const exchange = await postAsClient(endpoints.token, form, signal)
      if (exchange.status !== 200) throw refused(exchange, 'the token request was refused')
      const json = exchange.json
      if (
        !isObject(json) ||
        typeof json.access_token !== 'string' ||
        json.access_token === '' ||
        typeof json.token_type !== 'string'
      ) {
        throw invalid(
          exchange,
          'the token response has no access_token and token_type (RFC 6749 §5.1)',
        )
      }
      return exchange as Exchange & { json: TokenResponse }
    },
    hello(token, signal) {
      return send(
        endpoints.hello,
        { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } },
        signal,
      )
    },
    async introspect(token, signal) {
      const exchange = await postAsClient(endpoints.introspect, { token }, signal)
      if (exchange.status !== 200) throw refused(exchange, 'the introspection request was refused')
      if (!isObject(exchange.json) || typeof exchange.json.active !== 'boolean') {
        throw invalid(
          exchange,
          'the introspection response has no boolean "active" (RFC 7662 §2.2)',
        )
      }
      return exchange as Exchange & { json: { active: boolean } }
    },
    async revoke(token, signal) {
      const exchange = await postAsClient(
        endpoints.revoke,
        { token, token_type_hint: 'access_token' },
        signal,
      )
      if (exchange.status !== 200) throw refused(exchange, 'the revocation request was refused')
      return exchange
    },
  }
}

/** `Authorization: Basic` for client_secret_basic (RFC 6749 §2.3.1): the shared encoder. */
export const basicAuthorization = encodeBasicCredentials

/** The OAuth error of a response body (RFC 6749 §5.2), short and printable, or undefined. */
export function oauthErrorOf(json: unknown): string | undefined {
  if (!isObject(json) || typeof json.error !== 'string') return undefined
  const description =
    typeof json.error_description === 'string' ? `: ${printable(json.error_description)}` : ''
  return `${printable(json.error)}${description}`
}

/** What to check for the OAuth error codes a client can fix. */
const HINTS: Record<string, string> = {
  invalid_client: 'check OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET',
  invalid_scope: 'the client may not request this scope',
  invalid_target: 'the client may not request a token for this resource',
  unauthorized_client: 'the client may not use the client_credentials grant',
}

function refused(exchange: Exchange, what: string): OAuth2ToolsError {
  const error = oauthErrorOf(exchange.json)
  const code = isObject(exchange.json) ? exchange.json.error : undefined
  const hint = typeof code === 'string' ? HINTS[code] : undefined
  const retry = exchange.status === 429 ? exchange.headers.get('retry-after') : null
  const parts = [
    `${what}: ${exchange.url} answered HTTP ${exchange.status}${error ? ` (${error})` : ''}`,
    ...(hint ? [hint] : []),
    ...(retry ? [`retry after ${printable(retry)} s`] : []),
  ]
  return new OAuth2ToolsError('ERR_REFUSED', parts.join('; '), exchange.ms, exchange.status)
}

function invalid(exchange: Exchange, what: string): OAuth2ToolsError {
  return new OAuth2ToolsError(
    'ERR_INVALID_RESPONSE',
    `${what} (${exchange.url}, HTTP ${exchange.status})`,
    exchange.ms,
    exchange.status,
  )
}

/** Why a connection failed: the system error code fetch implementations put in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found'
    case 'ECONNRESET':
      return 'connection reset'
    case undefined:
      return error instanceof Error ? printable(error.message) : 'network error'
    default:
      return printable(code)
  }
}

/** A server-supplied string made safe to quote: one line, at most 200 characters. */
function printable(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
