// The one client for small JSON answers of an OAuth server (metadata RFC 8414 §3.2, token RFC 6749
// §5.1/§5.2, introspection RFC 7662 §2.2): one deadline over headers and body, no redirect
// followed, the body read up to a byte limit, JSON parsed only from a JSON media type.
import { parseMediaType } from './body.ts'
import { readStreamBounded } from './stream.ts'

/** Web-standard fetch (`globalThis.fetch`, or `(input, init) => app.request(input, init)`). */
export type OAuthFetch = (input: string, init: RequestInit) => Promise<Response>

/** Options of `fetchOAuthJson`. */
export interface OAuthJsonOptions {
  /** Longest wait for the answer's headers and whole body, ms. */
  timeoutMs: number
  /** Largest body read, bytes. Default `MAX_OAUTH_JSON_BYTES` (1 MiB). */
  maxBytes?: number
  /** The caller's cancellation: its abort reaches the caller as the fetch's own error. */
  signal?: AbortSignal
}

/** An answer read whole. Any status is returned (a 3xx too: redirects are not followed). */
export interface OAuthJsonAnswer {
  status: number
  headers: Headers
  /** The parsed body; undefined when empty, not JSON, not UTF-8, or not served as JSON. */
  json: unknown
}

/** Default body limit: metadata and token answers are a few KiB; 1 MiB is far above any. */
export const MAX_OAUTH_JSON_BYTES = 1024 * 1024

/** Why no answer could be read; callers turn it into their own domain's error. */
export class OAuthJsonError extends Error {
  /** No answer within the deadline / no connection / a body over the limit. */
  readonly code: 'ERR_OAUTH_TIMEOUT' | 'ERR_OAUTH_UNREACHABLE' | 'ERR_OAUTH_TOO_LARGE'

  constructor(code: OAuthJsonError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OAuthJsonError'
    this.code = code
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** `application/json` or a structured `+json` type (RFC 6839 §3.1). */
function isJsonType(header: string | null): boolean {
  const type = parseMediaType(header)?.type
  return type !== undefined && (type === 'application/json' || type.endsWith('+json'))
}

/**
 * Sends `init` to `url` with `redirect: 'manual'` and reads the answer's body within
 * `timeoutMs` and `maxBytes`.
 * @throws OAuthJsonError ERR_OAUTH_TIMEOUT, ERR_OAUTH_UNREACHABLE (the fetch's error as `cause`)
 *   or ERR_OAUTH_TOO_LARGE; the fetch's own error when `options.signal` aborted it
 */
export async function fetchOAuthJson(
  fetch: OAuthFetch,
  url: string,
  init: RequestInit,
  options: OAuthJsonOptions,
): Promise<OAuthJsonAnswer> {
  const maxBytes = options.maxBytes ?? MAX_OAUTH_JSON_BYTES
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs)
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal
  let response: Response
  let body: Uint8Array | undefined
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal })
    body = await readStreamBounded(response.body, maxBytes)
  } catch (error) {
    if (options.signal?.aborted) throw error
    if (deadline.signal.aborted)
      throw new OAuthJsonError('ERR_OAUTH_TIMEOUT', `no answer within ${options.timeoutMs} ms`, {
        cause: error,
      })
    throw new OAuthJsonError('ERR_OAUTH_UNREACHABLE', 'no connection', { cause: error })
  } finally {
    clearTimeout(timer)
  }
  if (body === undefined)
    throw new OAuthJsonError('ERR_OAUTH_TOO_LARGE', `the answer is larger than ${maxBytes} bytes`)
  let json: unknown
  if (body.byteLength > 0 && isJsonType(response.headers.get('content-type'))) {
    try {
      json = JSON.parse(utf8.decode(body))
    } catch {
      json = undefined
    }
  }
  return { status: response.status, headers: response.headers, json }
}
