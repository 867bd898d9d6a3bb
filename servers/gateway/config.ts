// Gateway configuration: environment variables and GATEWAY_CONFIG_FILE → validated settings,
// every problem reported at once (one line each, never a secret's value).
import * as v from 'valibot'
import { ConfigError, ProblemList } from '../../shared/config/errors.ts'
import { isLoopback, LOOPBACK_HOSTS } from '../../shared/http/loopback.ts'
import { DEFAULT_LIMITS, parseGatewayFile, type GatewayFile, type Limits } from './config-file.ts'
import {
  booleanFlag,
  envReader,
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

/**
 * Reads the configuration. Every problem is collected and thrown together as one ConfigError.
 * Production refuses: a missing or short HS256 secret, a revocation check without client
 * credentials, `http:` AS URLs off loopback (unless OAUTH2_ALLOW_HTTP=true).
 */
export function readGatewayConfig(env: Env, sources: ConfigSources): GatewayConfig {
  const problems = new ProblemList()
  const { raw, parse } = envReader(env, Schemas, problems)
  const secret = (name: string) => problems.collect(() => sources.readSecret(env, name))

  const givenMode = parse('MCP_DOCKER_ENV')
  const mode: Mode = givenMode ?? 'production'
  const strict =
    mode === 'production' && (givenMode !== undefined || raw('MCP_DOCKER_ENV') === undefined)
  const port = parse('PORT') ?? DEFAULT_PORT
  const publicUrl = parse('GATEWAY_PUBLIC_URL') ?? `http://localhost:${port || DEFAULT_PORT}`
  const issuer = parse('OAUTH2_ISSUER') ?? DEFAULT_ISSUER
  const oauth2Url = parse('OAUTH2_URL') ?? issuer
  const allowFlag = parse('OAUTH2_ALLOW_HTTP')
  const allowHttp = allowFlag ?? mode === 'development'
  const insecure = (url: string) => {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' && !isLoopback(parsed.hostname) && !allowHttp
  }

  // Token verification (JW-6): HS256 with the shared secret, or ES256 with the AS's JWKS.
  const jwksUrl = parse('OAUTH2_JWKS_URL')
  const alg = parse('JWT_ALG') ?? (jwksUrl !== undefined ? 'ES256' : 'HS256')
  let verification: VerificationConfig | undefined
  if (alg === 'HS256') {
    const before = problems.size
    const jwtSecret = secret('JWT_SECRET')
    if (
      jwtSecret !== undefined &&
      new TextEncoder().encode(jwtSecret).byteLength < MIN_SECRET_BYTES
    ) {
      problems.add(
        `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2): use the OAuth2 server's signing secret`,
      )
    } else if (jwtSecret === undefined && strict && problems.size === before) {
      problems.add(
        'production needs the token key: set JWT_SECRET or JWT_SECRET_FILE (the OAuth2 server’s HS256 secret), or OAUTH2_JWKS_URL for ES256',
      )
    }
    if (jwksUrl !== undefined)
      problems.add('OAUTH2_JWKS_URL is for JWT_ALG=ES256; HS256 uses JWT_SECRET')
    verification = { alg: 'HS256', secret: jwtSecret }
  } else {
    const url = jwksUrl ?? `${oauth2Url}/.well-known/jwks.json`
    if (raw('JWT_SECRET') !== undefined || raw('JWT_SECRET_FILE') !== undefined)
      problems.add('JWT_SECRET is for HS256; with ES256 the gateway needs no secret (unset it)')
    if (insecure(url))
      problems.add(
        `the JWKS URL ${url} uses http: off loopback; use https or set OAUTH2_ALLOW_HTTP=true for a private network`,
      )
    verification = { alg: 'ES256', jwksUrl: url }
  }

  // Revocation (RV-5): introspection as the gateway's own client, with a short cache.
  const revocation = parse('GATEWAY_REVOCATION_CHECK') ?? 'introspect'
  let introspection: IntrospectionConfig | undefined
  const limitsProblemsStart = problems.size
  const file = readFile(raw('GATEWAY_CONFIG_FILE'), sources, problems)
  const limits: Limits = { ...DEFAULT_LIMITS, ...file?.limits }
  // A smaller global cap lowers the default per-client cap with it.
  if (file?.limits?.maxSessionsPerClient === undefined)
    limits.maxSessionsPerClient = Math.min(limits.maxSessionsPerClient, limits.maxSessions)
  const fileRead = problems.size === limitsProblemsStart
  if (fileRead && limits.maxCallSeconds < limits.callTimeoutSeconds)
    problems.add(
      'GATEWAY_CONFIG_FILE: limits.maxCallSeconds must be at least limits.callTimeoutSeconds',
    )
  if (fileRead && limits.maxSessionsPerClient > limits.maxSessions)
    problems.add(
      'GATEWAY_CONFIG_FILE: limits.maxSessionsPerClient must be at most limits.maxSessions (keep it well below, so one client cannot take every session)',
    )
  if (revocation === 'introspect') {
    const credentials = clientCredentials(raw, secret)
    let clientId = credentials.clientId
    let clientSecret = credentials.clientSecret
    if (clientId === undefined && clientSecret === undefined && mode === 'development') {
      clientId = DEMO_CLIENT.id
      clientSecret = DEMO_CLIENT.secret
    }
    if (clientSecret !== undefined && clientId === undefined)
      problems.add(`${credentials.secretName} is set but ${credentials.idName} is not`)
    else if (clientId !== undefined && clientSecret === undefined && !credentials.secretFailed)
      problems.add(
        `${credentials.idName} is set but ${credentials.secretName} (or its _FILE) is not`,
      )
    else if (clientId === undefined && strict)
      problems.add(
        'production checks revocation by introspection: set GATEWAY_CLIENT_ID and GATEWAY_CLIENT_SECRET (or _FILE), or GATEWAY_REVOCATION_CHECK=off',
      )
    const url = `${oauth2Url}/oauth2/introspect`
    if (insecure(url))
      problems.add(
        `OAUTH2_URL ${oauth2Url} uses http: off loopback (the client secret would travel in clear); use https or set OAUTH2_ALLOW_HTTP=true for a private network`,
      )
    if (clientId !== undefined && clientSecret !== undefined)
      introspection = { url, clientId, clientSecret, cacheMs: limits.revocationCacheSeconds * 1000 }
  }

  const allowedOrigins = listOf(
    raw('GATEWAY_ALLOWED_ORIGINS'),
    'GATEWAY_ALLOWED_ORIGINS',
    ORIGIN,
    problems,
  )
  const allowedHosts = listOf(raw('GATEWAY_ALLOWED_HOSTS'), 'GATEWAY_ALLOWED_HOSTS', HOST, problems)
  const servers = resolveServers(file, sources, env, limits, problems)
  problems.throwIfAny()

  const resource = `${publicUrl}/mcp`
  const loopbackForms = (url: string, extraPort?: number) => {
    const parsed = new URL(url)
    const ports = new Set([parsed.port, ...(extraPort ? [String(extraPort)] : [])])
    const hosts = isLoopback(parsed.hostname) ? [...LOOPBACK_HOSTS] : [parsed.hostname]
    return { parsed, ports: [...ports], hosts }
  }
  const { parsed, ports, hosts } = loopbackForms(publicUrl, port)
  const origins = new Set<string>()
  const hostHeaders = new Set<string>()
  for (const host of hosts)
    for (const p of ports) {
      origins.add(`${parsed.protocol}//${host}${p ? `:${p}` : ''}`)
      hostHeaders.add(`${host}${p ? `:${p}` : ''}`.toLowerCase())
    }
  // Local clients reach the listening port on loopback whatever the public URL says.
  for (const host of LOOPBACK_HOSTS)
    if (port) {
      origins.add(`http://${host}:${port}`)
      hostHeaders.add(`${host}:${port}`)
    }
  for (const origin of allowedOrigins) origins.add(origin.replace(/\/+$/, '').toLowerCase())
  for (const host of allowedHosts) hostHeaders.add(host.toLowerCase())

  return {
    mode,
    port,
    host: raw('HOST') ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    publicUrl,
    resource,
    issuer,
    oauth2Url,
    verification: verification!,
    introspection,
    allowedOrigins: [...origins],
    allowedHosts: [...hostHeaders],
    allowHttp,
    devDir: raw('MCP_DOCKER_DEV_DIR') ?? '.dev',
    configFile: raw('GATEWAY_CONFIG_FILE'),
    requiredScopes: [...(file?.requiredScopes ?? DEFAULT_REQUIRED_SCOPES)],
    servers: servers!,
    limits,
  }
}

/** GATEWAY_CLIENT_ID/SECRET, or OAUTH2_CLIENT_ID/SECRET (what compose gives the gateway container). */
function clientCredentials(
  raw: (name: string) => string | undefined,
  secret: (name: string) => string | undefined,
) {
  const gateway =
    raw('GATEWAY_CLIENT_ID') !== undefined ||
    raw('GATEWAY_CLIENT_SECRET') !== undefined ||
    raw('GATEWAY_CLIENT_SECRET_FILE') !== undefined
  const prefix = gateway ? 'GATEWAY' : 'OAUTH2'
  const idName = `${prefix}_CLIENT_ID`
  const secretName = `${prefix}_CLIENT_SECRET`
  const hadSecret = raw(secretName) !== undefined || raw(`${secretName}_FILE`) !== undefined
  const clientSecret = secret(secretName)
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
