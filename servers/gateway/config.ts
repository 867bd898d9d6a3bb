// Gateway configuration: environment variables and GATEWAY_CONFIG_FILE → validated settings,
// every problem reported at once (one line each, never a secret's value).
import * as v from 'valibot'
import { ConfigError, ProblemList } from '../../shared/config/errors.ts'
import { isLoopback, LOOPBACK_HOSTS } from '../../shared/http/loopback.ts'
import { DEFAULT_LIMITS, parseGatewayFile, type GatewayFile, type Limits } from './config-file.ts'
import {
  booleanFlag,
  envReader,
  type EnvReader,
  httpUrl,
  intInRange,
  JWT_ALG_SCHEMA,
  MODE_SCHEMA,
} from '../../shared/config/env-schema.ts'

export type { Limits } from './config-file.ts'
export type Env = Readonly<Record<string, string | undefined>>
/** Reads NAME or the file named by NAME_FILE (shared/node/env.ts `readSecret`), throwing ConfigError. */
export type SecretReader = (env: Env, name: string) => string | undefined

/** `development` (dev key file, demo client for introspection, http allowed) or `production`. */
export type Mode = 'development' | 'production'

/** How a default child server starts (the entry resolves the bundle paths). */
export interface ChildDefaults {
  command: string
  args: readonly string[]
  env?: Readonly<Record<string, string>>
  /** Gateway variables passed on when set (e.g. the child's own API key). */
  envFrom?: readonly string[]
}

/** The built-in servers the gateway can run: in-process factories by name, and child commands. */
export interface Builtins {
  inProcess: readonly string[]
  children: Readonly<Record<string, ChildDefaults>>
  /**
   * Default extra scopes per tool (its own name) of a built-in server, by server name (e.g.
   * `security`: `audit.read` for the audit tools). The file's `toolScopes` of a tool replace its
   * default (`[]` lifts it). Default none.
   */
  toolScopes?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>
}

/** What `readGatewayConfig` needs from its runtime. */
export interface ConfigSources {
  readSecret: SecretReader
  /** The text of a file; throws an Error whose `code` or message says why not. */
  readTextFile: (path: string) => string
  builtins: Builtins
}

/** One upstream server to run. */
export interface ServerConfig {
  /** Name (tool prefix on collisions, logs). */
  name: string
  kind: 'in-process' | 'child'
  /** Child only: executable, arguments, environment (defaults, `env`, then `envFrom`), cwd. */
  command?: string
  args: string[]
  env: Record<string, string>
  cwd?: string
  /** Allow-list of the server's own tool names; undefined: all. */
  tools?: string[]
  /** Scopes every tool of the server needs (besides `requiredScopes`). */
  scopes: string[]
  /** Extra scopes per tool (its own name). */
  toolScopes: Record<string, string[]>
  /** No result or progress for this long cancels a call, ms. */
  callTimeoutMs: number
}

/** How access tokens are verified (JW-6: the choice fixes the one algorithm). */
export type VerificationConfig =
  /** HS256 with the shared secret; undefined = the development key file (.dev/oauth2-jwt-secret). */
  | { alg: 'HS256'; secret: string | undefined }
  /** ES256 with the authorization server's JWKS. */
  | { alg: 'ES256'; jwksUrl: string }

/** Revocation through the AS's introspection endpoint (RFC 7662), authenticated as the gateway. */
export interface IntrospectionConfig {
  url: string
  clientId: string
  clientSecret: string
  /** How long an answer is reused, ms. */
  cacheMs: number
}

export interface GatewayConfig {
  /** MCP_DOCKER_ENV; default `production`. */
  mode: Mode
  /** PORT; default 8080. */
  port: number
  /** HOST; default 127.0.0.1 in development, 0.0.0.0 in production. */
  host: string
  /** GATEWAY_PUBLIC_URL without trailing `/`; default `http://localhost:<PORT>`. */
  publicUrl: string
  /** The resource identifier: `<publicUrl>/mcp` (RFC 8707; the audience tokens must carry, MCP-A7). */
  resource: string
  /** OAUTH2_ISSUER: exact `iss` of tokens and the PRM `authorization_servers` entry. */
  issuer: string
  /** OAUTH2_URL: how the gateway reaches the AS (introspection, JWKS, /health); default issuer. */
  oauth2Url: string
  verification: VerificationConfig
  /** Undefined when GATEWAY_REVOCATION_CHECK=off. */
  introspection: IntrospectionConfig | undefined
  /** Origins accepted in `Origin` (MCP-T2); exact `scheme://host[:port]` strings. */
  allowedOrigins: string[]
  /** Values accepted in `Host` (DNS rebinding), lower case `host[:port]`. */
  allowedHosts: string[]
  /** OAUTH2_ALLOW_HTTP: http:// AS URLs off loopback; default true in development only. */
  allowHttp: boolean
  /** MCP_DOCKER_DEV_DIR; default `.dev`. */
  devDir: string
  /** GATEWAY_CONFIG_FILE, when set. */
  configFile: string | undefined
  /** Scopes every request to /mcp needs; default `mcp.access`. */
  requiredScopes: string[]
  /** Enabled upstream servers, in order: built-ins first, then the file's additions. */
  servers: ServerConfig[]
  limits: Limits
}

export const DEFAULT_PORT = 8080
export const DEFAULT_ISSUER = 'http://localhost:8081'
export const DEFAULT_REQUIRED_SCOPES = ['mcp.access'] as const
/** RFC 7518 §3.2 / JW-7. */
const MIN_SECRET_BYTES = 32
/** The seed's demo client (development only), as the AS adds it. */
const DEMO_CLIENT = { id: 'mcp-client', secret: 'secret' }

/** An http(s) base URL: no credentials, query, fragment or path; trailing `/` removed. */
const baseUrl = (name: string) =>
  v.pipe(
    httpUrl(name),
    v.check((s) => {
      const url = new URL(s)
      return !url.username && !url.password && !url.search && !url.hash && !s.includes('#')
    }, `${name} must have no credentials, query or fragment`),
    v.transform((s) => s.replace(/\/+$/, '')),
  )

const Schemas = {
  MCP_DOCKER_ENV: MODE_SCHEMA,
  PORT: intInRange('PORT', 0, 65535),
  GATEWAY_PUBLIC_URL: v.pipe(
    baseUrl('GATEWAY_PUBLIC_URL'),
    v.check(
      (s) => new URL(s).pathname === '/',
      'GATEWAY_PUBLIC_URL must be an origin without a path (the endpoint is <GATEWAY_PUBLIC_URL>/mcp)',
    ),
  ),
  OAUTH2_ISSUER: baseUrl('OAUTH2_ISSUER'),
  OAUTH2_URL: baseUrl('OAUTH2_URL'),
  OAUTH2_JWKS_URL: httpUrl('OAUTH2_JWKS_URL'),
  JWT_ALG: JWT_ALG_SCHEMA,
  GATEWAY_REVOCATION_CHECK: v.picklist(
    ['introspect', 'off'],
    'GATEWAY_REVOCATION_CHECK must be "introspect" or "off"',
  ),
  OAUTH2_ALLOW_HTTP: booleanFlag('OAUTH2_ALLOW_HTTP'),
}

/** `scheme://host[:port]` of an allowed Origin (RFC 6454 serialisation). */
const ORIGIN = /^https?:\/\/[^/?#\s]+$/i
/** `host[:port]` of an allowed Host header. */
const HOST = /^[a-z0-9.\-[\]:]+$/i

/** What every reader below shares: the environment, its schema reader, one problems collector. */
interface Reading extends EnvReader<typeof Schemas> {
  env: Env
  sources: ConfigSources
  problems: ProblemList
  /** NAME or NAME_FILE; `failed` when reading it raised a problem (already recorded). */
  secret(name: string): { value: string | undefined; failed: boolean }
}

/** Where the authorization server is and whether plain http: may reach it. */
interface AuthServer {
  issuer: string
  oauth2Url: string
  allowHttp: boolean
  /** True for an http: URL off loopback that OAUTH2_ALLOW_HTTP does not allow. */
  insecure(url: string): boolean
}

/**
 * Reads the configuration. Every problem is collected and thrown together as one ConfigError.
 * Production refuses: a missing or short HS256 secret, a revocation check without client
 * credentials, `http:` AS URLs off loopback (unless OAUTH2_ALLOW_HTTP=true).
 */
export function readGatewayConfig(env: Env, sources: ConfigSources): GatewayConfig {
  const problems = new ProblemList()
  const r: Reading = {
    ...envReader(env, Schemas, problems),
    env,
    sources,
    problems,
    secret: (name) => problems.attempt(() => sources.readSecret(env, name)),
  }
  const { mode, strict } = readMode(r)
  const port = r.parse('PORT') ?? DEFAULT_PORT
  const publicUrl = r.parse('GATEWAY_PUBLIC_URL') ?? `http://localhost:${port || DEFAULT_PORT}`
  const as = readAuthServer(r, mode)
  const verification = readVerification(r, as, strict)
  const revocation = r.parse('GATEWAY_REVOCATION_CHECK') ?? 'introspect'
  const file = readFile(r.raw('GATEWAY_CONFIG_FILE'), sources, problems)
  const limits = readLimits(file, problems)
  const introspection =
    revocation === 'introspect' ? readIntrospection(r, as, mode, strict, limits) : undefined
  const allowedOrigins = listOf(
    r.raw('GATEWAY_ALLOWED_ORIGINS'),
    'GATEWAY_ALLOWED_ORIGINS',
    ORIGIN,
    problems,
  )
  const allowedHosts = listOf(
    r.raw('GATEWAY_ALLOWED_HOSTS'),
    'GATEWAY_ALLOWED_HOSTS',
    HOST,
    problems,
  )
  const servers = resolveServers(file, sources, env, limits, problems)
  problems.throwIfAny()

  const allowed = originsAndHosts(publicUrl, port, allowedOrigins, allowedHosts)
  return {
    mode,
    port,
    host: r.raw('HOST') ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    publicUrl,
    resource: `${publicUrl}/mcp`,
    issuer: as.issuer,
    oauth2Url: as.oauth2Url,
    verification,
    introspection,
    allowedOrigins: allowed.origins,
    allowedHosts: allowed.hosts,
    allowHttp: as.allowHttp,
    devDir: r.raw('MCP_DOCKER_DEV_DIR') ?? '.dev',
    configFile: r.raw('GATEWAY_CONFIG_FILE'),
    requiredScopes: [...(file?.requiredScopes ?? DEFAULT_REQUIRED_SCOPES)],
    servers: servers!,
    limits,
  }
}

/**
 * MCP_DOCKER_ENV; default production. `strict`: production checks apply (production given, or
 * nothing given; an invalid value already is a problem).
 */
function readMode(r: Reading): { mode: Mode; strict: boolean } {
  const given = r.parse('MCP_DOCKER_ENV')
  const mode: Mode = given ?? 'production'
  const strict =
    mode === 'production' && (given !== undefined || r.raw('MCP_DOCKER_ENV') === undefined)
  return { mode, strict }
}

/** OAUTH2_ISSUER, OAUTH2_URL (default the issuer) and OAUTH2_ALLOW_HTTP (default: development). */
function readAuthServer(r: Reading, mode: Mode): AuthServer {
  const issuer = r.parse('OAUTH2_ISSUER') ?? DEFAULT_ISSUER
  const oauth2Url = r.parse('OAUTH2_URL') ?? issuer
  const allowHttp = r.parse('OAUTH2_ALLOW_HTTP') ?? mode === 'development'
  const insecure = (url: string) => {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' && !isLoopback(parsed.hostname) && !allowHttp
  }
  return { issuer, oauth2Url, allowHttp, insecure }
}

/** Token verification (JW-6): HS256 with the shared secret, or ES256 with the AS's JWKS. */
function readVerification(r: Reading, as: AuthServer, strict: boolean): VerificationConfig {
  const jwksUrl = r.parse('OAUTH2_JWKS_URL')
  const alg = r.parse('JWT_ALG') ?? (jwksUrl !== undefined ? 'ES256' : 'HS256')
  if (alg === 'HS256') {
    const jwtSecret = r.secret('JWT_SECRET')
    if (
      jwtSecret.value !== undefined &&
      new TextEncoder().encode(jwtSecret.value).byteLength < MIN_SECRET_BYTES
    ) {
      r.problems.add(
        `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2): use the OAuth2 server's signing secret`,
      )
    } else if (jwtSecret.value === undefined && strict && !jwtSecret.failed) {
      r.problems.add(
        'production needs the token key: set JWT_SECRET or JWT_SECRET_FILE (the OAuth2 server’s HS256 secret), or OAUTH2_JWKS_URL for ES256',
      )
    }
    if (jwksUrl !== undefined)
      r.problems.add('OAUTH2_JWKS_URL is for JWT_ALG=ES256; HS256 uses JWT_SECRET')
    return { alg: 'HS256', secret: jwtSecret.value }
  }
  const url = jwksUrl ?? `${as.oauth2Url}/.well-known/jwks.json`
  if (r.raw('JWT_SECRET') !== undefined || r.raw('JWT_SECRET_FILE') !== undefined)
    r.problems.add('JWT_SECRET is for HS256; with ES256 the gateway needs no secret (unset it)')
  if (as.insecure(url))
    r.problems.add(
      `the JWKS URL ${url} uses http: off loopback; use https or set OAUTH2_ALLOW_HTTP=true for a private network`,
    )
  return { alg: 'ES256', jwksUrl: url }
}

/** The file's limits over the defaults, checked against each other. */
function readLimits(file: GatewayFile | undefined, problems: ProblemList): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS, ...file?.limits }
  // A smaller global cap lowers the default per-client cap with it.
  if (file?.limits?.maxSessionsPerClient === undefined)
    limits.maxSessionsPerClient = Math.min(limits.maxSessionsPerClient, limits.maxSessions)
  // No file (or one refused already): the defaults, which agree with each other.
  if (file === undefined) return limits
  if (limits.maxCallSeconds < limits.callTimeoutSeconds)
    problems.add(
      'GATEWAY_CONFIG_FILE: limits.maxCallSeconds must be at least limits.callTimeoutSeconds',
    )
  if (limits.maxSessionsPerClient > limits.maxSessions)
    problems.add(
      'GATEWAY_CONFIG_FILE: limits.maxSessionsPerClient must be at most limits.maxSessions (keep it well below, so one client cannot take every session)',
    )
  return limits
}

/** Revocation (RV-5): introspection as the gateway's own client, with a short cache. */
function readIntrospection(
  r: Reading,
  as: AuthServer,
  mode: Mode,
  strict: boolean,
  limits: Limits,
): IntrospectionConfig | undefined {
  const credentials = clientCredentials(r)
  let clientId = credentials.clientId
  let clientSecret = credentials.clientSecret
  if (clientId === undefined && clientSecret === undefined && mode === 'development') {
    clientId = DEMO_CLIENT.id
    clientSecret = DEMO_CLIENT.secret
  }
  if (clientSecret !== undefined && clientId === undefined)
    r.problems.add(`${credentials.secretName} is set but ${credentials.idName} is not`)
  else if (clientId !== undefined && clientSecret === undefined && !credentials.secretFailed)
    r.problems.add(
      `${credentials.idName} is set but ${credentials.secretName} (or its _FILE) is not`,
    )
  else if (clientId === undefined && strict)
    r.problems.add(
      'production checks revocation by introspection: set GATEWAY_CLIENT_ID and GATEWAY_CLIENT_SECRET (or _FILE), or GATEWAY_REVOCATION_CHECK=off',
    )
  const url = `${as.oauth2Url}/oauth2/introspect`
  if (as.insecure(url))
    r.problems.add(
      `OAUTH2_URL ${as.oauth2Url} uses http: off loopback (the client secret would travel in clear); use https or set OAUTH2_ALLOW_HTTP=true for a private network`,
    )
  if (clientId === undefined || clientSecret === undefined) return undefined
  return { url, clientId, clientSecret, cacheMs: limits.revocationCacheSeconds * 1000 }
}

/**
 * The `Origin` and `Host` values accepted (MCP-T2): the public URL's (every loopback name when it
 * is on loopback), the listening port on loopback, and the configured extras.
 */
function originsAndHosts(
  publicUrl: string,
  port: number,
  allowedOrigins: readonly string[],
  allowedHosts: readonly string[],
): { origins: string[]; hosts: string[] } {
  const parsed = new URL(publicUrl)
  const ports = [...new Set([parsed.port, ...(port ? [String(port)] : [])])]
  const names = isLoopback(parsed.hostname) ? [...LOOPBACK_HOSTS] : [parsed.hostname]
  const origins = new Set<string>()
  const hosts = new Set<string>()
  for (const name of names)
    for (const p of ports) {
      origins.add(`${parsed.protocol}//${name}${p ? `:${p}` : ''}`)
      hosts.add(`${name}${p ? `:${p}` : ''}`.toLowerCase())
    }
  // Local clients reach the listening port on loopback whatever the public URL says.
  for (const name of LOOPBACK_HOSTS)
    if (port) {
      origins.add(`http://${name}:${port}`)
      hosts.add(`${name}:${port}`)
    }
  for (const origin of allowedOrigins) origins.add(origin.replace(/\/+$/, '').toLowerCase())
  for (const host of allowedHosts) hosts.add(host.toLowerCase())
  return { origins: [...origins], hosts: [...hosts] }
}

/** GATEWAY_CLIENT_ID/SECRET, or OAUTH2_CLIENT_ID/SECRET (what compose gives the gateway container). */
function clientCredentials(r: Reading) {
  const { raw } = r
  const gateway =
    raw('GATEWAY_CLIENT_ID') !== undefined ||
    raw('GATEWAY_CLIENT_SECRET') !== undefined ||
    raw('GATEWAY_CLIENT_SECRET_FILE') !== undefined
  const prefix = gateway ? 'GATEWAY' : 'OAUTH2'
  const idName = `${prefix}_CLIENT_ID`
  const secretName = `${prefix}_CLIENT_SECRET`
  const hadSecret = raw(secretName) !== undefined || raw(`${secretName}_FILE`) !== undefined
  const clientSecret = r.secret(secretName).value
  return {
    clientId: raw(idName),
    clientSecret,
    idName,
    secretName,
    secretFailed: hadSecret && clientSecret === undefined,
  }
}

function readFile(
  path: string | undefined,
  sources: ConfigSources,
  problems: ProblemList,
): GatewayFile | undefined {
  if (path === undefined) return undefined
  let text: string
  try {
    text = sources.readTextFile(path)
  } catch (error) {
    const code = (error as { code?: string })?.code ?? 'unreadable'
    problems.add(`GATEWAY_CONFIG_FILE: cannot read ${path} (${code})`)
    return undefined
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    problems.add(`GATEWAY_CONFIG_FILE: ${path} is not valid JSON (${(error as Error).message})`)
    return undefined
  }
  const parsed = parseGatewayFile(json)
  if (parsed.ok) return parsed.file
  for (const problem of parsed.problems) problems.add(`GATEWAY_CONFIG_FILE ${path}: ${problem}`)
  return undefined
}

function listOf(
  value: string | undefined,
  name: string,
  pattern: RegExp,
  problems: ProblemList,
): string[] {
  if (value === undefined) return []
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  for (const item of items)
    if (!pattern.test(item)) problems.add(`${name}: "${item.slice(0, 100)}" is not a valid entry`)
  return items
}

/** A built-in server's default tool scopes (copied), for the tools its allow-list keeps. */
function defaultToolScopes(
  builtins: Builtins,
  server: string,
  allowed: readonly string[] | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [tool, scopes] of Object.entries(builtins.toolScopes?.[server] ?? {}))
    if (!allowed || allowed.includes(tool)) out[tool] = [...scopes]
  return out
}

/** Built-ins (enabled per `defaultServers` and the file) then the file's own child servers. */
function resolveServers(
  file: GatewayFile | undefined,
  sources: ConfigSources,
  env: Env,
  limits: Limits,
  problems: ProblemList,
): ServerConfig[] | undefined {
  const { inProcess, children } = sources.builtins
  const entries = file?.servers ?? {}
  const defaultOn = file?.defaultServers ?? true
  const names = [
    ...inProcess,
    ...Object.keys(children).filter((name) => !inProcess.includes(name)),
    ...Object.keys(entries).filter((name) => !inProcess.includes(name) && !(name in children)),
  ]
  const out: ServerConfig[] = []
  for (const name of names) {
    const entry = entries[name] ?? {}
    const builtinInProcess = inProcess.includes(name)
    const builtinChild = children[name]
    const builtin = builtinInProcess || builtinChild !== undefined
    const at = `GATEWAY_CONFIG_FILE: servers.${name}`
    if (builtinInProcess) {
      for (const field of ['command', 'args', 'env', 'envFrom', 'cwd'] as const)
        if (entry[field] !== undefined)
          problems.add(
            `${at}.${field}: ${name} runs inside the gateway (no command, args or environment)`,
          )
    } else if (!builtin && entry.command === undefined) {
      problems.add(`${at}.command is required (${name} is not a built-in server)`)
    }
    if (entry.toolScopes && entry.tools)
      for (const tool of Object.keys(entry.toolScopes))
        if (!entry.tools.includes(tool))
          problems.add(`${at}.toolScopes.${tool}: the tools allow-list leaves this tool out`)
    const enabled = entry.enabled ?? (builtin ? defaultOn : true)
    if (!enabled) continue
    const base = builtinChild ?? { command: undefined, args: [], env: {}, envFrom: [] }
    const childEnv: Record<string, string> = { ...base.env, ...entry.env }
    for (const variable of [...(base.envFrom ?? []), ...(entry.envFrom ?? [])]) {
      const value = problems.collect(() => sources.readSecret(env, variable))
      if (value !== undefined) childEnv[variable] = value
    }
    out.push({
      name,
      kind: builtinInProcess ? 'in-process' : 'child',
      ...(builtinInProcess ? {} : { command: entry.command ?? base.command! }),
      args: [...(entry.args ?? base.args ?? [])],
      env: builtinInProcess ? {} : childEnv,
      ...(entry.cwd !== undefined ? { cwd: entry.cwd } : {}),
      ...(entry.tools ? { tools: [...entry.tools] } : {}),
      scopes: [...(entry.scopes ?? [])],
      toolScopes: {
        ...defaultToolScopes(sources.builtins, name, entry.tools),
        ...entry.toolScopes,
      },
      callTimeoutMs: (entry.callTimeoutSeconds ?? limits.callTimeoutSeconds) * 1000,
    })
  }
  return out
}
