// Bearer token middleware for resource servers (RFC 6750 §2.1, §3, §3.1; RS-1..RS-6; RFC 9728 §5.1).
import type { Context, MiddlewareHandler } from 'hono'
import { isScopeToken } from '../jwt/claims.ts'
import { safeDescription } from './oauth-error.ts'

/** What a verified token must tell the middleware: at least the scopes it grants. */
export interface BearerPrincipal {
  /** Scope tokens the access token grants (RFC 6749 §3.3). */
  readonly scopes: readonly string[]
}

/** Hono Env carrying the verified principal as `c.get('auth')` (typed, no global augmentation). */
export type BearerAuthEnv<P extends BearerPrincipal = BearerPrincipal> = {
  Variables: { auth: P }
}

/** RFC 6750 §3.1 error codes; `undefined` when the request carried no credentials (RS-3). */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope'

/** A refused request, handed to `onReject` (for the audit log, LOG-4). Never holds the token. */
export interface BearerRejection<P extends BearerPrincipal = BearerPrincipal> {
  status: 400 | 401 | 403
  error: BearerErrorCode | undefined
  /** Our own description of the refusal (also sent as `error_description`). */
  description: string
  /** What `verify` threw, for `invalid_token`. */
  cause?: unknown
  /** The verified principal, for `insufficient_scope`. */
  principal?: P
}

export interface BearerAuthOptions<P extends BearerPrincipal> {
  /**
   * Verifies the token and returns its principal; throwing rejects it with 401 `invalid_token`
   * (RS-4). Required.
   */
  verify: (token: string) => Promise<P> | P
  /** Scopes every request must hold, all of them; otherwise 403 `insufficient_scope` (RS-5). Default none. */
  requiredScopes?: readonly string[]
  /** The `realm` auth-param of every challenge. Default `"mcp-docker"`. */
  realm?: string
  /**
   * RFC 9728 §5.1 `resource_metadata` URL added to every challenge (MCP-A4). Default: omitted.
   */
  resourceMetadataUrl?: string
  /**
   * `error_description` for a token `verify` refused; must return text we wrote (it is sanitised
   * to the RFC 6750 §3 character set anyway). Default: "the access token is invalid or expired".
   */
  describeError?: (cause: unknown) => string
  /** Called for every refused request (status, error code, reason); default none. */
  onReject?: (rejection: BearerRejection<P>, c: Context) => void
}

/** RS-1: `credentials = "Bearer" 1*SP b64token`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i
const BEARER_SCHEME = /^Bearer(?: |$)/i

/** True when the URL's query carries `access_token` (cheap test first: this is the hot path). */
function hasQueryToken(url: string): boolean {
  const query = url.indexOf('?')
  if (query < 0 || !url.includes('access_token', query)) return false
  return new URL(url).searchParams.has('access_token')
}

/** Builds a `WWW-Authenticate: Bearer …` value; each auth-param at most once (RS-2). */
export function bearerChallenge(params: {
  realm?: string
  error?: BearerErrorCode
  description?: string
  scope?: string
  resourceMetadataUrl?: string
}): string {
  const parts: string[] = []
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined) parts.push(`${name}="${safeDescription(value).replace(/"/g, '')}"`)
  }
  add('realm', params.realm)
  add('error', params.error)
  add('error_description', params.error ? params.description : undefined)
  add('scope', params.scope)
  add('resource_metadata', params.resourceMetadataUrl)
  return parts.length > 0 ? `Bearer ${parts.join(', ')}` : 'Bearer'
}

/**
 * Hono middleware that admits requests with a valid `Authorization: Bearer` token holding
 * `requiredScopes`, and stores the principal as `c.get('auth')`. Refusals:
 * - no credentials (no header, or another scheme) → 401 and a challenge with NO error code (RS-3);
 * - token in the query string, a malformed header → 400 `invalid_request` (RS-1, RS-6, MCP-A9);
 * - `verify` throws → 401 `invalid_token` (RS-4);
 * - scopes missing → 403 `insufficient_scope` with `scope="…"` listing all required (RS-5, MCP-A6).
 * Every challenge carries `realm`, the required `scope` and, if configured, `resource_metadata`.
 */
export function bearerAuth<P extends BearerPrincipal>(
  options: BearerAuthOptions<P>,
): MiddlewareHandler<BearerAuthEnv<P>> {
  if (typeof options?.verify !== 'function') throw new TypeError('bearerAuth: verify is required')
  const realm = options.realm ?? 'mcp-docker'
  const required = [...(options.requiredScopes ?? [])]
  for (const scope of required) {
    if (!isScopeToken(scope)) throw new TypeError(`bearerAuth: bad scope ${scope}`)
  }
  const scope = required.length > 0 ? required.join(' ') : undefined
  const resourceMetadataUrl = options.resourceMetadataUrl
  const describeError = options.describeError ?? (() => 'the access token is invalid or expired')

  const refuse = (c: Context, rejection: BearerRejection<P>): Response => {
    options.onReject?.(rejection, c)
    const challenge = bearerChallenge({
      realm,
      error: rejection.error,
      description: rejection.description,
      scope,
      resourceMetadataUrl,
    })
    const body = rejection.error
      ? { error: rejection.error, error_description: safeDescription(rejection.description) }
      : { error_description: rejection.description }
    return new Response(JSON.stringify(body), {
      status: rejection.status,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'WWW-Authenticate': challenge,
      },
    })
  }

  return async function bearerAuthMiddleware(c, next) {
    const header = c.req.header('authorization')
    // MCP-A9 / RFC 6750 §2.3: tokens in the URI are refused, alone or next to a header (RS-1).
    if (hasQueryToken(c.req.url)) {
      return refuse(c, {
        status: 400,
        error: 'invalid_request',
        description: 'access tokens are accepted in the Authorization header only',
      })
    }
    if (header === undefined || !BEARER_SCHEME.test(header)) {
      return refuse(c, {
        status: 401,
        error: undefined,
        description: 'a Bearer access token is required',
      })
    }
    const match = BEARER.exec(header)
    if (!match) {
      return refuse(c, {
        status: 400,
        error: 'invalid_request',
        description: 'malformed Bearer credentials',
      })
    }
    let principal: P
    try {
      principal = await options.verify(match[1]!)
    } catch (cause) {
      return refuse(c, {
        status: 401,
        error: 'invalid_token',
        description: describeError(cause),
        cause,
      })
    }
    const missing = required.filter((s) => !principal.scopes.includes(s))
    if (missing.length > 0) {
      return refuse(c, {
        status: 403,
        error: 'insufficient_scope',
        description: `the access token lacks the scope ${missing.join(' ')}`,
        principal,
      })
    }
    c.set('auth', principal)
    await next()
  }
}
