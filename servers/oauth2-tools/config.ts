// oauth2-tools configuration: which OAuth2 server to reach and as which client, read from the
// environment (OAUTH2_URL, OAUTH2_ISSUER, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET[_FILE],
// OAUTH2_TIMEOUT_MS, MCP_DOCKER_ENV) with every problem reported at once.
import { ProblemList } from '../../shared/config/errors.ts'
import { envReader } from '../../shared/config/env-schema.ts'

export type Env = Readonly<Record<string, string | undefined>>
/** Reads NAME or the file named by NAME_FILE (shared/node/env.ts `readSecret`), throwing ConfigError. */
export type SecretReader = (env: Env, name: string) => string | undefined

/** The seed's demo client (docs/oauth2.md), used only outside production. */
export const DEMO_CLIENT = Object.freeze({ id: 'mcp-client', secret: 'secret' })
export const DEFAULT_OAUTH2_URL = 'http://localhost:8081'
export const DEFAULT_TIMEOUT_MS = 5_000

/** Where the client secret came from (for the flow guide; never the value). */
export type SecretSource =
  /** OAUTH2_CLIENT_SECRET_FILE: the path (a Docker secret, say). */
  | { kind: 'file'; path: string }
  /** OAUTH2_CLIENT_SECRET in the environment. */
  | { kind: 'env' }
  /** The demo client's documented secret (MCP_DOCKER_ENV is not `production`). */
  | { kind: 'demo' }

export interface OAuth2ToolsConfig {
  /**
   * OAUTH2_URL: base URL this process uses to reach the OAuth2 server (inside a compose network
   * `http://oauth2:8081`). http(s), no credentials, query or fragment; a trailing `/` is removed.
   * Default `http://localhost:8081`.
   */
  url: string
  /**
   * OAUTH2_ISSUER: the server's public base URL, which is the `issuer` of its metadata and the
   * `iss` of its tokens (RFC 8414 §3.3, MD-2), and the URL people outside a container network
   * use (the flow guide's curl commands). Same rules as `url`. Default: `url`.
   */
  issuer: string
  /** OAUTH2_CLIENT_ID; default `mcp-client` outside production; undefined when not configured. */
  clientId?: string
  /** OAUTH2_CLIENT_SECRET or the file named by OAUTH2_CLIENT_SECRET_FILE; the demo secret outside production. */
  clientSecret?: string
  /** Where `clientSecret` came from; undefined when there is none. */
  secretSource?: SecretSource
  /** OAUTH2_TIMEOUT_MS: limit of every request to the server, 100–60000 ms. Default 5000. */
  timeoutMs: number
  /** MCP_DOCKER_ENV is `production`: the demo client is never used. */
  production: boolean
}

/**
 * Reads the configuration. Client credentials: OAUTH2_CLIENT_ID with OAUTH2_CLIENT_SECRET (or
 * OAUTH2_CLIENT_SECRET_FILE). When MCP_DOCKER_ENV is anything but `production` (unset included:
 * this is a developer's tool) and neither is set, the demo client `mcp-client` is used, also when
 * only OAUTH2_CLIENT_ID=mcp-client is set. In production nothing is defaulted; the server still
 * starts, and the tools that need a client say what to set.
 * @throws ConfigError listing every problem (a malformed URL or timeout, a secret without a
 *   client id, both OAUTH2_CLIENT_SECRET and its _FILE), never a secret value
 */
export function readOAuth2ToolsConfig(env: Env, readSecret: SecretReader): OAuth2ToolsConfig {
  const problems = new ProblemList()
  const { raw } = envReader(env, {}, problems)
  const mode = raw('MCP_DOCKER_ENV')
  if (mode !== undefined && mode !== 'development' && mode !== 'production') {
    problems.add('MCP_DOCKER_ENV must be "development" or "production"')
  }
  const production = mode === 'production'
  const url = baseUrl(raw('OAUTH2_URL'), 'OAUTH2_URL', problems) ?? DEFAULT_OAUTH2_URL
  const issuer = baseUrl(raw('OAUTH2_ISSUER'), 'OAUTH2_ISSUER', problems) ?? url
  const timeoutMs = timeout(raw('OAUTH2_TIMEOUT_MS'), problems)

  let clientId = raw('OAUTH2_CLIENT_ID')
  let clientSecret = problems.collect(() => readSecret(env, 'OAUTH2_CLIENT_SECRET'))
  const secretFile = raw('OAUTH2_CLIENT_SECRET_FILE')
  let secretSource: SecretSource | undefined =
    clientSecret === undefined
      ? undefined
      : secretFile !== undefined
        ? { kind: 'file', path: secretFile }
        : { kind: 'env' }
  if (clientSecret !== undefined && clientId === undefined) {
    problems.add('OAUTH2_CLIENT_SECRET is set but OAUTH2_CLIENT_ID is not: set both')
  }
  if (
    clientSecret === undefined &&
    secretFile === undefined &&
    !production &&
    (clientId === undefined || clientId === DEMO_CLIENT.id)
  ) {
    clientId = DEMO_CLIENT.id
    clientSecret = DEMO_CLIENT.secret
    secretSource = { kind: 'demo' }
  }
  problems.throwIfAny()
  return {
    url,
    issuer,
    ...(clientId !== undefined ? { clientId } : {}),
    ...(clientSecret !== undefined ? { clientSecret, secretSource } : {}),
    timeoutMs,
    production,
  }
}

/** An http(s) base URL without credentials, query or fragment, trailing `/` removed (RFC 8414 §3). */
function baseUrl(value: string | undefined, name: string, problems: ProblemList) {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.add(`${name} must be an http(s) URL such as http://localhost:8081`)
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.add(`${name} must be an http(s) URL such as http://localhost:8081`)
  } else if (url.username !== '' || url.password !== '') {
    problems.add(`${name} must not carry credentials (user:password@)`)
  } else if (value.includes('?') || value.includes('#')) {
    problems.add(`${name} must have no query or fragment (RFC 8414 §2)`)
  } else {
    return url.href.replace(/\/+$/, '')
  }
  return undefined
}

function timeout(value: string | undefined, problems: ProblemList): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS
  const ms = /^\d+$/.test(value) ? Number(value) : NaN
  if (!(ms >= 100 && ms <= 60_000)) {
    problems.add('OAUTH2_TIMEOUT_MS must be a whole number of milliseconds between 100 and 60000')
    return DEFAULT_TIMEOUT_MS
  }
  return ms
}
