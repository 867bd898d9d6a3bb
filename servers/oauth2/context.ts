// Everything the OAuth2 routes share, built once per app from its config and dependencies.
import type { Context } from 'hono'
import type { RegisteredClient } from '../../shared/clients/registry.ts'
import type { ClientStore } from '../../shared/clients/store.ts'
import { createRateLimiter } from '../../shared/http/rate-limit.ts'
import { createAccessTokenIssuer, type AccessTokenIssuer } from '../../shared/jwt/issue.ts'
import type { SigningKey } from '../../shared/jwt/keys.ts'
import type { AuditRecorder } from '../../shared/audit/recorder.ts'
import { createAuditor, type Auditor } from './audit.ts'
import { createClientAuthenticator, type ClientAuthenticator } from './authenticate.ts'
import { createDenylist, type Denylist, type DenylistOptions } from './denylist.ts'
import { createKnownSources } from './known-sources.ts'
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
  /**
   * Scopes the RFC 8414 metadata may list in `scopes_supported`; only those some registered
   * client holds are listed. Default `['mcp.access']` (issue 9 §6: other clients' scopes stay
   * private).
   */
  publicScopes?: readonly string[]
  /** Limits; every field has a default. */
  limits?: Partial<Limits>
}

/** Tunables with their defaults. */
export interface Limits {
  /** Largest request body in bytes; more is 413. Default 16 384. */
  maxBodyBytes: number
  /**
   * Failed client authentications per (client id, source address) per window before that pair
   * gets 429 (OA-10). Other sources are not affected. Default 10.
   */
  authFailuresPerClientSource: number
  /** Failed client authentications per source address, any client id, before 429 (OA-10). Default 30. */
  authFailuresPerAddress: number
  /**
   * Failed client authentications per client id from all sources per window after which a source
   * that has failed for it even once is refused for it (a distributed attack); sources that have
   * not failed still get in (OA-10). Default 100.
   */
  authFailuresPerClient: number
  /** The failure window in seconds. Default 60. */
  authFailureWindowSeconds: number
  /**
   * Most keys each failure counter tracks (pairs, sources, client ids; ~200 bytes each, so at
   * most ~30 MB for the three); a full counter keeps its penalties and makes untracked keys
   * share one window (shared/http/rate-limit.ts). Default 50 000.
   */
  authTrackedKeys: number
  /**
   * Sources remembered per client after a correct secret (for 24 hours); such a source is
   * limited by its own failures only, so an outsider cannot starve it (OA-10). Default 16.
   */
  authKnownSourcesPerClient: number
  /**
   * Live revocations each client may hold (RV-4, RV-5): entries leave when their token expires;
   * a client over its quota gets 503 for its own revocations only. The revocation list holds at
   * most this × the registered clients. Default 10 000.
   */
  revocationsPerClient: number
  /** Most verified tokens cached for /hello. Default 10 000. */
  tokenCacheMaxEntries: number
  /** Leeway for exp/nbf in seconds (JW-9). Default 30. */
  clockToleranceSeconds: number
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 16 * 1024,
  authFailuresPerClientSource: 10,
  authFailuresPerAddress: 30,
  authFailuresPerClient: 100,
  authFailureWindowSeconds: 60,
  authTrackedKeys: 50_000,
  authKnownSourcesPerClient: 16,
  revocationsPerClient: 10_000,
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
    publicScopes: config.publicScopes ?? ['mcp.access'],
  }
  const audiencesOf = (client: RegisteredClient) =>
    client.audiences.length > 0 ? client.audiences : [resolved.defaultResource]
  const audit = createAuditor(deps.audit, onUnexpectedError)
  const connection = deps.getClientAddress ?? (() => undefined)
  const clientAddress = resolved.trustProxy
    ? (c: Context) => forwardedFor(c) ?? connection(c)
    : connection
  const window = limits.authFailureWindowSeconds * 1000
  const failures = (limit: number) =>
    createRateLimiter({ limit, windowMs: window, maxKeys: limits.authTrackedKeys, clock })
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
      perClient: limits.revocationsPerClient,
      clock,
      ...deps.revocations,
    }),
    authenticate: createClientAuthenticator({
      clients: deps.clients,
      perPair: failures(limits.authFailuresPerClientSource),
      perAddress: failures(limits.authFailuresPerAddress),
      perClient: failures(limits.authFailuresPerClient),
      known: createKnownSources({
        perClient: limits.authKnownSourcesPerClient,
        limit: limits.authFailuresPerClientSource,
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
