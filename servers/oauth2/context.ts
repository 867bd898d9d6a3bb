// Everything the OAuth2 routes share, built once per app from its config and dependencies.
import type { Context } from 'hono'
import type { RegisteredClient } from '../../shared/clients/registry.ts'
import type { ClientStore } from '../../shared/clients/store.ts'
import { createRateLimiter } from '../../shared/http/rate-limit.ts'
import { createAccessTokenIssuer, type AccessTokenIssuer } from '../../shared/jwt/issue.ts'
import type { SigningKey } from '../../shared/jwt/keys.ts'
import { createAuditor, type AuditRecorder, type Auditor } from './audit.ts'
import { createClientAuthenticator, type ClientAuthenticator } from './authenticate.ts'
import { createDenylist, type Denylist, type DenylistOptions } from './denylist.ts'
import { createTokenInspector, type TokenInspector } from './tokens.ts'

/** What `createApp` needs from the configuration (an `OAuth2Config` fits). */
export interface AppConfig {
  /** Issuer identifier: `iss` and metadata `issuer`, no trailing slash (MD-2, JW-4). */
  issuer: string
  /** Audience of tokens requested without `resource` (RFC 9068 §3, OA-22); also /hello's audience. */
  defaultResource: string
  /** Token lifetime in seconds. Default 1800. */
  tokenTtlSeconds?: number
  /** Take the client address from the last X-Forwarded-For hop. Default false. */
  trustProxy?: boolean
  /** Limits; every field has a default. */
  limits?: Partial<Limits>
}

/** Tunables with their defaults. */
export interface Limits {
  /** Largest request body in bytes; more is 413. Default 16 384. */
  maxBodyBytes: number
  /** Failed client authentications per client id per window before 429 (OA-10). Default 10. */
  authFailuresPerClient: number
  /** Failed client authentications per source address per window before 429 (OA-10). Default 30. */
  authFailuresPerAddress: number
  /** The failure window in seconds. Default 60. */
  authFailureWindowSeconds: number
  /** Most revoked token ids kept (RV-5). Default 100 000. */
  denylistMaxEntries: number
  /** Most verified tokens cached for /hello. Default 10 000. */
  tokenCacheMaxEntries: number
  /** Leeway for exp/nbf in seconds (JW-9). Default 30. */
  clockToleranceSeconds: number
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 16 * 1024,
  authFailuresPerClient: 10,
  authFailuresPerAddress: 30,
  authFailureWindowSeconds: 60,
  denylistMaxEntries: 100_000,
  tokenCacheMaxEntries: 10_000,
  clockToleranceSeconds: 30,
}

/** Runtime dependencies, injected so tests and every runtime build the app the same way. */
export interface AppDeps {
  /** The signing key (HS256 secret or ES256 pair). */
  key: SigningKey
  /** Registered clients. */
  clients: ClientStore
  /** Audit log (LOG-4). */
  audit: AuditRecorder
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
  /** The connection's remote address (from @hono/node-server conninfo or Deno's `remoteAddr`). */
  getClientAddress?: (c: Context) => string | undefined
  /** Told about unexpected errors (500s, failed audit writes); responses never carry them. */
  onUnexpectedError?: (error: unknown) => void
  /**
   * SHA-256 of a token as a string, the /hello cache key. Default crypto.subtle (hex); the
   * entries pass node:crypto's synchronous hash, much cheaper per call (shared/node/sha256.ts).
   */
  tokenDigest?: (token: string) => string | Promise<string>
  /**
   * Revocations that outlive the process: those saved before (`entries`) and where new ones go
   * (`store`). Default none: a restart forgets revocations.
   */
  revocations?: Pick<DenylistOptions, 'entries' | 'store'>
}

export interface OAuth2Context {
  config: Required<Omit<AppConfig, 'limits'>>
  limits: Limits
  key: SigningKey
  clients: ClientStore
  issuer: AccessTokenIssuer
  inspector: TokenInspector
  denylist: Denylist
  authenticate: ClientAuthenticator
  audit: Auditor
  clock: () => number
  /** `realm` of every challenge. */
  realm: string
  /** Resources a client may request tokens for: its audiences, or the default resource (OA-22). */
  audiencesOf(client: RegisteredClient): readonly string[]
  onUnexpectedError: (error: unknown) => void
  tokenDigest: ((token: string) => string | Promise<string>) | undefined
}

/** RFC 7239-style last hop of X-Forwarded-For: the address our trusted proxy saw. */
function forwardedFor(c: Context): string | undefined {
  const header = c.req.header('x-forwarded-for')
  const last = header?.split(',').pop()?.trim()
  return last ? last : undefined
}

export function createContext(config: AppConfig, deps: AppDeps): OAuth2Context {
  const limits = { ...DEFAULT_LIMITS, ...config.limits }
  const clock = deps.clock ?? Date.now
  const onUnexpectedError = deps.onUnexpectedError ?? (() => {})
  const resolved = {
    issuer: config.issuer,
    defaultResource: config.defaultResource,
    tokenTtlSeconds: config.tokenTtlSeconds ?? 1800,
    trustProxy: config.trustProxy ?? false,
  }
  const audiencesOf = (client: RegisteredClient) =>
    client.audiences.length > 0 ? client.audiences : [resolved.defaultResource]
  const audit = createAuditor(deps.audit, onUnexpectedError)
  const connection = deps.getClientAddress ?? (() => undefined)
  const clientAddress = resolved.trustProxy
    ? (c: Context) => forwardedFor(c) ?? connection(c)
    : connection
  const window = limits.authFailureWindowSeconds * 1000
  const realm = 'mcp-docker'
  return {
    config: resolved,
    limits,
    key: deps.key,
    clients: deps.clients,
    issuer: createAccessTokenIssuer({
      issuer: resolved.issuer,
      key: deps.key,
      ttlSeconds: resolved.tokenTtlSeconds,
      clock,
    }),
    inspector: createTokenInspector({
      issuer: resolved.issuer,
      key: deps.key,
      audiences: [resolved.defaultResource, ...deps.clients.all().flatMap(audiencesOf)],
      clockToleranceSeconds: limits.clockToleranceSeconds,
      clock,
    }),
    denylist: createDenylist({
      maxEntries: limits.denylistMaxEntries,
      clock,
      ...deps.revocations,
    }),
    authenticate: createClientAuthenticator({
      clients: deps.clients,
      perClient: createRateLimiter({
        limit: limits.authFailuresPerClient,
        windowMs: window,
        clock,
      }),
      perAddress: createRateLimiter({
        limit: limits.authFailuresPerAddress,
        windowMs: window,
        clock,
      }),
      clientAddress,
      realm,
      audit,
    }),
    audit,
    clock,
    realm,
    audiencesOf,
    onUnexpectedError,
    tokenDigest: deps.tokenDigest,
  }
}
