// HTTP for the bridge: a Web-standard fetch with a deadline for the answer's headers (and, for
// metadata and token answers, its JSON body), failures turned into ConnectErrors naming the peer.
import { ConnectError, type ConnectErrorCode } from './errors.ts'
import {
  fetchOAuthJson,
  MAX_OAUTH_JSON_BYTES,
  OAuthJsonError,
  type OAuthJsonAnswer,
} from '../../shared/http/oauth-json.ts'

/** Web-standard fetch (`globalThis.fetch`, or `(input, init) => app.request(input, init)` in tests). */
export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>

/** Which side a request goes to: it picks the error code of a connection failure. */
export type Peer = 'gateway' | 'authorization server'

/** Largest metadata or token answer read, bytes. */
export const MAX_JSON_BYTES = MAX_OAUTH_JSON_BYTES

const UNREACHABLE: Record<Peer, ConnectErrorCode> = {
  gateway: 'ERR_GATEWAY_UNREACHABLE',
  'authorization server': 'ERR_AS_UNREACHABLE',
}

/** The system reason of a failed fetch (`ECONNREFUSED`, `ENOTFOUND`…) when the runtime gives one. */
function reasonOf(error: unknown): string {
  let cause: unknown = error
  let message = error instanceof Error ? error.message : 'network error'
  for (let depth = 0; depth < 4 && cause && typeof cause === 'object'; depth++) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string') return code
    if (cause instanceof Error) message = cause.message // the innermost says most ("bad port")
    cause = (cause as { cause?: unknown }).cause
  }
  return message
}

export interface DeadlineOptions {
  peer: Peer
  /** Longest wait, ms. */
  timeoutMs: number
  /** What the request was for, in error messages ("token request to …"). */
  what: string
}

/**
 * Fetches with a deadline on the response headers: a streaming body (SSE) may then run as long
 * as it likes. The caller's own `init.signal` still aborts the request. A connection failure
 * becomes ERR_GATEWAY_UNREACHABLE / ERR_AS_UNREACHABLE, the deadline ERR_TIMEOUT.
 */
export async function fetchWithDeadline(
  fetch: Fetch,
  url: string | URL,
  init: RequestInit,
  options: DeadlineOptions,
): Promise<Response> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs)
  const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal
  try {
    return await fetch(url, { ...init, signal })
  } catch (error) {
    if (deadline.signal.aborted)
      throw new ConnectError(
        'ERR_TIMEOUT',
        `${options.what}: no answer from the ${options.peer} within ${options.timeoutMs} ms`,
      )
    if (init.signal?.aborted) throw error
    throw new ConnectError(
      UNREACHABLE[options.peer],
      `${options.what}: cannot reach the ${options.peer} (${reasonOf(error)})`,
    )
  } finally {
    clearTimeout(timer)
  }
}

/** A JSON answer read whole within the deadline. */
export type JsonAnswer = OAuthJsonAnswer

/**
 * GET or POST for a small JSON document (metadata, token) through the shared OAuth JSON client:
 * headers and body within the deadline, at most MAX_JSON_BYTES, no redirect followed.
 */
export async function fetchJson(
  fetch: Fetch,
  url: string,
  init: RequestInit,
  options: DeadlineOptions,
): Promise<JsonAnswer> {
  try {
    return await fetchOAuthJson(fetch, url, init, {
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_JSON_BYTES,
    })
  } catch (error) {
    if (!(error instanceof OAuthJsonError)) throw error
    if (error.code === 'ERR_OAUTH_TIMEOUT')
      throw new ConnectError(
        'ERR_TIMEOUT',
        `${options.what}: no answer from the ${options.peer} within ${options.timeoutMs} ms`,
      )
    if (error.code === 'ERR_OAUTH_UNREACHABLE')
      throw new ConnectError(
        UNREACHABLE[options.peer],
        `${options.what}: cannot reach the ${options.peer} (${reasonOf(error.cause)})`,
      )
    throw new ConnectError(
      'ERR_DISCOVERY',
      `${options.what}: the ${options.peer}'s answer is larger than ${MAX_JSON_BYTES} bytes`,
    )
  }
}
