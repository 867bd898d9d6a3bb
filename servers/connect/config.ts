// connect's configuration: the command line (`--url`, `--scope`, `--timeout`, `--issuer`,
// `--allow-cross-origin-issuer`) and the client credentials from the environment, every problem reported at once (ConfigError), no secret
// value in any message.
import { ConfigError, ProblemList } from '../../shared/config/errors.ts'
import { isScopeToken } from '../../shared/jwt/claims.ts'
import { checkEndpointUrl } from './discovery.ts'

export type Env = Readonly<Record<string, string | undefined>>
/** Reads NAME or the file named by NAME_FILE (shared/node/env.ts `readSecret`), throwing ConfigError. */
export type SecretReader = (env: Env, name: string) => string | undefined

export interface ConnectConfig {
  /** `--url`: the gateway's MCP endpoint, e.g. `http://localhost:8080/mcp`. Required. */
  url: string
  /** `--scope`: space-separated scopes to ask for; default none (the client's registered scopes). */
  scope: string | undefined
  /** `--timeout`: seconds to wait for the gateway's or the AS's answer (headers), 1–600; default 30. */
  timeoutSeconds: number
  /** OAUTH2_CLIENT_ID. Required. */
  clientId: string
  /** OAUTH2_CLIENT_SECRET or the file named by OAUTH2_CLIENT_SECRET_FILE. Required. */
  clientSecret: string
  /** OAUTH2_ALLOW_HTTP: http:// URLs off loopback (secret and token in clear); default false. */
  allowHttp: boolean
  /**
   * `--issuer` or OAUTH2_ISSUER: the only authorization server that gets the client secret (its
   * RFC 8414 issuer identifier, exactly). Default none: see `allowCrossOriginIssuer`.
   */
  issuer: string | undefined
  /**
   * `--allow-cross-origin-issuer` or OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER=true: with no `issuer`, send
   * the secret to whichever authorization server the gateway names. Default false: only one on the
   * gateway's own origin (scheme, host and port of `--url`).
   */
  allowCrossOriginIssuer: boolean
}

/** `--help` was asked for: print USAGE and exit 0. */
export interface HelpRequest {
  help: true
}

export const DEFAULT_TIMEOUT_SECONDS = 30

export const USAGE = `Usage: node connect.mjs --url <gateway MCP URL> [--issuer <OAuth2 issuer URL>]
         [--scope "<scopes>"] [--timeout <seconds>] [--allow-cross-origin-issuer]

A stdio MCP server that relays every message to the gateway's Streamable HTTP endpoint with an
OAuth2 client-credentials token (for clients such as Cursor that cannot get one themselves).

Options:
  --url <url>          the gateway's MCP endpoint, e.g. http://localhost:8080/mcp (required)
  --issuer <url>       your OAuth2 server's issuer, e.g. http://localhost:8081: the client secret
                       goes to this authorization server only (or set OAUTH2_ISSUER)
  --scope "<scopes>"   scopes to ask for, space-separated (default: what the client is registered for)
  --timeout <seconds>  wait at most this long for the gateway or the OAuth2 server (default ${DEFAULT_TIMEOUT_SECONDS})
  --allow-cross-origin-issuer
                       without --issuer, send the secret to whichever authorization server the
                       gateway names, even on another origin (default: the gateway's origin only)
  --help               show this text

Environment:
  OAUTH2_CLIENT_ID                                  the client id (required)
  OAUTH2_CLIENT_SECRET or OAUTH2_CLIENT_SECRET_FILE  its secret, or a file holding it (required)
  OAUTH2_ISSUER                                     the issuer, as --issuer
  OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER=true             as --allow-cross-origin-issuer
  OAUTH2_ALLOW_HTTP=true                            allow http:// off loopback (private networks only)
`

/** Options that take no value. */
const FLAGS = new Set(['allow-cross-origin-issuer'])

/** A true/false environment variable; undefined when unset or empty. */
function readBoolean(env: Env, name: string, problems: ProblemList): boolean | undefined {
  const value = env[name]?.trim().toLowerCase()
  if (value === undefined || value === '') return undefined
  if (['true', '1'].includes(value)) return true
  if (['false', '0'].includes(value)) return false
  problems.add(`${name} must be true or false`)
  return undefined
}

/** RFC 6749 §3.3: `scope = scope-token *( SP scope-token )`. */
const isScope = (text: string) => text.split(' ').every(isScopeToken)

/**
 * Reads argv (without `node` and the script) and the environment.
 * @throws ConfigError with one line per problem
 */
export function readConnectConfig(
  argv: readonly string[],
  env: Env,
  readSecret: SecretReader,
): ConnectConfig | HelpRequest {
  const problems = new ProblemList()
  const options = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return { help: true }
    const match = /^--(url|scope|timeout|issuer|allow-cross-origin-issuer)(?:=(.*))?$/s.exec(arg)
    if (!match) {
      problems.add(`unknown argument ${JSON.stringify(arg.slice(0, 100))} (see --help)`)
      continue
    }
    const name = match[1]!
    let value = match[2]
    if (FLAGS.has(name)) {
      if (value !== undefined) problems.add(`--${name} takes no value`)
      else if (options.has(name)) problems.add(`--${name} is given twice`)
      options.set(name, 'true')
      continue
    }
    if (value === undefined) {
      value = argv[i + 1]
      if (value === undefined || value.startsWith('--')) {
        problems.add(`--${name} needs a value`)
        continue
      }
      i++
    }
    if (options.has(name)) problems.add(`--${name} is given twice`)
    options.set(name, value)
  }

  const url = options.get('url')
  if (url === undefined)
    problems.add('--url is required (the gateway’s MCP endpoint, e.g. http://localhost:8080/mcp)')
  const allowHttp = readBoolean(env, 'OAUTH2_ALLOW_HTTP', problems) ?? false
  if (url !== undefined)
    problems.collect(() => {
      try {
        checkEndpointUrl(url, '--url', allowHttp)
      } catch (error) {
        throw new ConfigError([(error as Error).message])
      }
    })

  const scopeText = options.get('scope')?.trim().replace(/\s+/g, ' ')
  if (scopeText !== undefined && !isScope(scopeText))
    problems.add(
      '--scope must be space-separated scope tokens (RFC 6749 §3.3: no quotes or backslashes)',
    )

  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS
  const timeout = options.get('timeout')
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1 || Number(timeout) > 600)
      problems.add('--timeout must be a whole number of seconds between 1 and 600')
    else timeoutSeconds = Number(timeout)
  }

  const issuer = readIssuer(options.get('issuer'), env.OAUTH2_ISSUER?.trim(), allowHttp, problems)
  const crossOriginFromEnv = readBoolean(env, 'OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER', problems)
  const allowCrossOriginIssuer =
    options.has('allow-cross-origin-issuer') || (crossOriginFromEnv ?? false)

  const clientId = env.OAUTH2_CLIENT_ID?.trim()
  if (!clientId)
    problems.add('OAUTH2_CLIENT_ID is required (the client registered with the OAuth2 server)')
  const hadSecret =
    (env.OAUTH2_CLIENT_SECRET ?? '') !== '' || (env.OAUTH2_CLIENT_SECRET_FILE ?? '') !== ''
  const clientSecret = problems.collect(() => readSecret(env, 'OAUTH2_CLIENT_SECRET'))
  if (clientSecret === undefined && !hadSecret)
    problems.add('OAUTH2_CLIENT_SECRET or OAUTH2_CLIENT_SECRET_FILE is required')

  problems.throwIfAny()
  return {
    url: url!,
    scope: scopeText === '' ? undefined : scopeText,
    timeoutSeconds,
    clientId: clientId!,
    clientSecret: clientSecret!,
    allowHttp,
    issuer,
    allowCrossOriginIssuer,
  }
}

/**
 * `--issuer` or OAUTH2_ISSUER (the two must agree when both are set): an RFC 8414 §2 issuer
 * identifier, a URL with no query or fragment, https (or http on loopback, or with allowHttp).
 */
function readIssuer(
  option: string | undefined,
  fromEnv: string | undefined,
  allowHttp: boolean,
  problems: ProblemList,
): string | undefined {
  const value = option ?? (fromEnv === '' ? undefined : fromEnv)
  if (value === undefined) return undefined
  if (option !== undefined && fromEnv && fromEnv !== option) {
    problems.add(`--issuer and OAUTH2_ISSUER differ (${option} and ${fromEnv}); give one`)
    return undefined
  }
  const what = option !== undefined ? '--issuer' : 'OAUTH2_ISSUER'
  try {
    const url = checkEndpointUrl(value, what, allowHttp)
    if (url.search !== '' || value.includes('?'))
      problems.add(
        `${what} must have no query (RFC 8414 §2: an issuer is a URL without query or fragment)`,
      )
  } catch (error) {
    problems.add((error as Error).message)
  }
  return value
}
