// OAuth2 server configuration: environment variables → validated settings, every problem at once.
import * as v from 'valibot'
import { ProblemList } from '../../shared/config/errors.ts'
import { isResourceIndicator, SCOPE_TOKEN_PATTERN } from '../../shared/clients/registry.ts'
import {
  booleanFlag,
  envReader,
  httpUrl,
  intInRange,
  JWT_ALG_SCHEMA,
  MODE_SCHEMA,
} from '../../shared/config/env-schema.ts'

/** `development` (demo client, generated keys) or `production` (refuses both). */
export type Mode = 'development' | 'production'

/** Settings read from the environment. Secrets are carried as read; files are read by the entry. */
export interface OAuth2Config {
  /** MCP_DOCKER_ENV; default `production` (`npm start` sets `development`). */
  mode: Mode
  /** PORT, 0–65535; default 8081. */
  port: number
  /** HOST to bind; default 127.0.0.1 in development, 0.0.0.0 in production (containers). */
  host: string
  /**
   * OAUTH2_ISSUER: the public base URL; `iss` of every token and `issuer` of the metadata (MD-2).
   * http(s), no query or fragment; a trailing `/` is removed. Default `http://localhost:<PORT>`.
   */
  issuer: string
  /** TOKEN_TTL_SECONDS, 1–86400; default 1800 (`expires_in`). */
  tokenTtlSeconds: number
  /** OAUTH2_DEFAULT_RESOURCE: `aud` of tokens requested without `resource`; default the gateway. */
  defaultResource: string
  /** JWT_ALG: `HS256` (default) or `ES256`. */
  alg: 'HS256' | 'ES256'
  /** JWT_SECRET / JWT_SECRET_FILE (HS256), at least 32 bytes; undefined = generate (dev only). */
  jwtSecret: string | undefined
  /** JWT_PRIVATE_KEY / JWT_PRIVATE_KEY_FILE (ES256): a private JWK as JSON; undefined = generate (dev only). */
  privateJwk: string | undefined
  /** OAUTH2_CLIENTS_FILE: the client registry (required in production). */
  clientsFile: string | undefined
  /** AUDIT_LOG_FILE: hash-chained JSON Lines audit log; undefined = standard error. */
  auditLogFile: string | undefined
  /** OAUTH2_REVOCATION_FILE: revoked token ids kept across restarts; undefined = memory only. */
  revocationFile: string | undefined
  /** MCP_DOCKER_DEV_DIR: folder of generated development keys; default `.dev`. */
  devDir: string
  /** OAUTH2_TRUST_PROXY: take the client address from X-Forwarded-For (last hop); default false. */
  trustProxy: boolean
  /**
   * OAUTH2_PUBLIC_SCOPES: the scopes the metadata may list in `scopes_supported` (those some
   * registered client holds), separated by spaces or commas; empty lists none. Default
   * `mcp.access`, the scope MCP clients request at the gateway. Other scopes (operator ones
   * such as `audit.read`) stay unpublished unless listed here.
   */
  publicScopes: string[]
}

export type Env = Readonly<Record<string, string | undefined>>
/** Reads NAME or the file named by NAME_FILE (shared/node/env.ts `readSecret`), throwing ConfigError. */
export type SecretReader = (env: Env, name: string) => string | undefined

export const DEFAULTS = {
  port: 8081,
  tokenTtlSeconds: 1800,
  defaultResource: 'http://localhost:8080/mcp',
  devDir: '.dev',
  publicScopes: ['mcp.access'],
} as const

/** RFC 7518 §3.2 / JW-7: an HS256 key is at least 256 bits. */
export const MIN_SECRET_BYTES = 32

const Schemas = {
  MCP_DOCKER_ENV: MODE_SCHEMA,
  PORT: intInRange('PORT', 0, 65535),
  TOKEN_TTL_SECONDS: intInRange('TOKEN_TTL_SECONDS', 1, 86400),
  JWT_ALG: JWT_ALG_SCHEMA,
  OAUTH2_TRUST_PROXY: booleanFlag('OAUTH2_TRUST_PROXY'),
  OAUTH2_ISSUER: v.pipe(
    httpUrl('OAUTH2_ISSUER'),
    v.check(
      (s) => !s.includes('?') && !s.includes('#'),
      'OAUTH2_ISSUER must have no query or fragment (RFC 8414 §2)',
    ),
    v.transform((s) => s.replace(/\/+$/, '')),
  ),
  OAUTH2_PUBLIC_SCOPES: v.pipe(
    v.string(),
    v.transform((s) => s.split(/[\s,]+/).filter((t) => t !== '')),
    v.check(
      (list) => list.every((t) => SCOPE_TOKEN_PATTERN.test(t)),
      'OAUTH2_PUBLIC_SCOPES must list scope tokens (RFC 6749 §3.3) separated by spaces or commas',
    ),
  ),
  OAUTH2_DEFAULT_RESOURCE: v.pipe(
    v.string(),
    v.check(
      isResourceIndicator,
      'OAUTH2_DEFAULT_RESOURCE must be an absolute URI without a fragment (RFC 8707 §2)',
    ),
  ),
}

/**
 * Reads the configuration. Every problem is collected and thrown together as one ConfigError
 * (one line each, never a secret's value). Production refuses to start without a configured
 * signing key or client registry, and with a short HS256 secret.
 */
export function readOAuth2Config(env: Env, readSecret: SecretReader): OAuth2Config {
  const problems = new ProblemList()
  const { raw, parse } = envReader(env, Schemas, problems)

  const givenMode = parse('MCP_DOCKER_ENV')
  const mode = givenMode ?? 'production'
  // Production requirements are only reported when the mode itself was understood.
  const strict =
    mode === 'production' && (givenMode !== undefined || raw('MCP_DOCKER_ENV') === undefined)
  const port = parse('PORT') ?? DEFAULTS.port
  const tokenTtlSeconds = parse('TOKEN_TTL_SECONDS') ?? DEFAULTS.tokenTtlSeconds
  const alg = parse('JWT_ALG') ?? 'HS256'
  const trust = parse('OAUTH2_TRUST_PROXY')
  const issuer = parse('OAUTH2_ISSUER') ?? `http://localhost:${port || DEFAULTS.port}`
  const defaultResource = parse('OAUTH2_DEFAULT_RESOURCE') ?? DEFAULTS.defaultResource
  // Set but empty: publish no scopes (the reader treats an empty value as unset).
  const publicScopes =
    env.OAUTH2_PUBLIC_SCOPES?.trim() === ''
      ? []
      : (parse('OAUTH2_PUBLIC_SCOPES') ?? [...DEFAULTS.publicScopes])

  let jwtSecret: string | undefined
  let privateJwk: string | undefined
  const before = problems.size
  if (alg === 'HS256') {
    jwtSecret = problems.collect(() => readSecret(env, 'JWT_SECRET'))
    if (
      jwtSecret !== undefined &&
      new TextEncoder().encode(jwtSecret).byteLength < MIN_SECRET_BYTES
    ) {
      problems.add(
        `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2); generate one with: openssl rand -base64 32`,
      )
    }
    if (jwtSecret === undefined && strict && problems.size === before) {
      problems.add(
        'production needs a signing key: set JWT_SECRET or JWT_SECRET_FILE (at least 32 bytes)',
      )
    }
  } else {
    privateJwk = problems.collect(() => readSecret(env, 'JWT_PRIVATE_KEY'))
    if (privateJwk === undefined && strict && problems.size === before) {
      problems.add(
        'production with JWT_ALG=ES256 needs JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE (a private JWK)',
      )
    }
  }
  const clientsFile = raw('OAUTH2_CLIENTS_FILE')
  if (clientsFile === undefined && strict) {
    problems.add(
      'production needs OAUTH2_CLIENTS_FILE (create one with: mcp-docker clients add <id> --scopes mcp.access)',
    )
  }
  problems.throwIfAny()
  return {
    mode,
    port,
    host: raw('HOST') ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    issuer,
    tokenTtlSeconds,
    defaultResource,
    alg,
    jwtSecret,
    privateJwk,
    clientsFile,
    auditLogFile: raw('AUDIT_LOG_FILE'),
    revocationFile: raw('OAUTH2_REVOCATION_FILE'),
    devDir: raw('MCP_DOCKER_DEV_DIR') ?? DEFAULTS.devDir,
    trustProxy: trust ?? false,
    publicScopes,
  }
}
