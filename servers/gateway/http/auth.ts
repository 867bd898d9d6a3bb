// Authentication of /mcp (RS-1..RS-6, MCP-A4..A7): the shared bearer middleware with the
// gateway's challenge, the revocation check after it, and the 403 challenge of a tool scope.
import type { Context, MiddlewareHandler } from 'hono'
import type { AuditRecorder } from '../../../shared/audit/recorder.ts'
import {
  bearerAuth,
  bearerChallenge,
  type BearerAuthEnv,
  type BearerRejection,
} from '../../../shared/http/bearer-auth.ts'
import type { GatewayPrincipal } from '../auth/principal.ts'
import type { RevocationCheck } from '../auth/revocation.ts'

export type GatewayEnv = BearerAuthEnv<GatewayPrincipal>

/** `realm` of every challenge (the same as the OAuth2 server's). */
export const REALM = 'mcp-docker'

export interface GatewayAuthOptions {
  /** Verifies a token and returns its principal (cached); throws for any invalid token (RS-4). */
  verify: (token: string) => Promise<GatewayPrincipal>
  /** Scopes every request needs (default `mcp.access`): 403 without them (RS-5). */
  requiredScopes: readonly string[]
  /** The RFC 9728 metadata URL named in every challenge (MCP-A4). */
  resourceMetadataUrl: string
  /** Audit log for refused tokens (LOG-4). */
  audit: AuditRecorder
}

/** What `verify` threw, as a short code for the audit record (never the token). */
const causeCode = (cause: unknown) => {
  const code = (cause as { code?: unknown })?.code
  return typeof code === 'string' && /^[a-z_]{1,40}$/i.test(code) ? code : 'invalid'
}

/**
 * Bearer authentication: no credentials → 401 with `resource_metadata` and `scope`, no error
 * code (RS-3, MCP-A4); bad/expired/wrong-audience token → 401 `invalid_token` (RS-4, MCP-A7);
 * missing required scope → 403 `insufficient_scope` (RS-5); malformed header or a token in the
 * query → 400 `invalid_request` (RS-1, RS-6, MCP-A9). Refusals with a token are audited.
 */
export function gatewayBearer(options: GatewayAuthOptions): MiddlewareHandler<GatewayEnv> {
  return bearerAuth<GatewayPrincipal>({
    verify: options.verify,
    requiredScopes: options.requiredScopes,
    realm: REALM,
    resourceMetadataUrl: options.resourceMetadataUrl,
    onReject: (rejection: BearerRejection<GatewayPrincipal>) => {
      if (rejection.error === undefined) return // no credentials: the normal first step
      void options.audit
        .record({
          event: 'token_rejected',
          outcome: 'denied',
          ...(rejection.principal
            ? { client_id: rejection.principal.clientId, jti: rejection.principal.jti }
            : {}),
          detail:
            rejection.error === 'invalid_token'
              ? `invalid_token ${causeCode(rejection.cause)}`
              : rejection.error,
        })
        .catch(() => {})
    },
  })
}

/** The raw token of a request that passed `gatewayBearer` (for introspection only). */
function tokenOf(c: Context): string {
  return /^Bearer +(\S+)/i.exec(c.req.header('authorization') ?? '')![1]!
}

export interface RevocationMiddlewareOptions {
  check: RevocationCheck
  requiredScopes: readonly string[]
  resourceMetadataUrl: string
  audit: AuditRecorder
  /** Seconds a client should wait when the AS cannot be asked. Default 5. */
  retryAfterSeconds?: number
}

/**
 * After authentication: a revoked token → 401 `invalid_token` (RS-4, RV-5); a token whose status
 * cannot be learnt (AS down, never seen before) → 503 with Retry-After (fail closed).
 */
export function revokedTokenCheck(
  options: RevocationMiddlewareOptions,
): MiddlewareHandler<GatewayEnv> {
  const scope = options.requiredScopes.length > 0 ? options.requiredScopes.join(' ') : undefined
  return async function revokedTokenCheckMiddleware(c, next) {
    const principal = c.get('auth')
    const verdict = await options.check.check(tokenOf(c), principal.jti, principal.exp)
    if (verdict === 'active') return next()
    if (verdict === 'revoked') {
      void options.audit
        .record({
          event: 'token_rejected',
          outcome: 'denied',
          client_id: principal.clientId,
          jti: principal.jti,
          detail: 'invalid_token revoked',
        })
        .catch(() => {})
      const description = 'the access token was revoked'
      return new Response(
        JSON.stringify({ error: 'invalid_token', error_description: description }),
        {
          status: 401,
          headers: {
            'Content-Type': 'application/json',
            'Cache-Control': 'no-store',
            'WWW-Authenticate': bearerChallenge({
              realm: REALM,
              error: 'invalid_token',
              description,
              ...(scope ? { scope } : {}),
              resourceMetadataUrl: options.resourceMetadataUrl,
            }),
          },
        },
      )
    }
    return new Response(
      JSON.stringify({
        error: 'temporarily_unavailable',
        error_description:
          'the token’s revocation status cannot be checked right now; retry shortly',
      }),
      {
        status: 503,
        headers: {
          'Content-Type': 'application/json',
          'Cache-Control': 'no-store',
          'Retry-After': String(options.retryAfterSeconds ?? 5),
        },
      },
    )
  }
}

/**
 * The 403 of a tools/call whose tool needs scopes the token lacks (MCP-A6, RS-5): one challenge
 * naming every scope the call needs.
 */
export function insufficientScope(
  scopes: readonly string[],
  tool: string,
  resourceMetadataUrl: string,
): Response {
  const description = `the tool ${tool} needs the scope ${scopes.join(' ')}`
  return new Response(
    JSON.stringify({ error: 'insufficient_scope', error_description: description }),
    {
      status: 403,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'WWW-Authenticate': bearerChallenge({
          realm: REALM,
          error: 'insufficient_scope',
          description,
          scope: scopes.join(' '),
          resourceMetadataUrl,
        }),
      },
    },
  )
}
