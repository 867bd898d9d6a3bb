// connect's configuration: the command line (`--url`, `--scope`, `--timeout`) and the client
// credentials from the environment, every problem reported at once (ConfigError), no secret
// value in any message.
import { ConfigError, ProblemList } from '../../shared/config/errors.ts'
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
}

/** `--help` was asked for: print USAGE and exit 0. */
export interface HelpRequest {
  help: true
}

export const DEFAULT_TIMEOUT_SECONDS = 30

export const USAGE = `Usage: node connect.mjs --url <gateway MCP URL> [--scope "<scopes>"] [--timeout <seconds>]

A stdio MCP server that relays every message to the gateway's Streamable HTTP endpoint with an
OAuth2 client-credentials token (for clients such as Cursor that cannot get one themselves).

Options:
  --url <url>          the gateway's MCP endpoint, e.g. http://localhost:8080/mcp (required)
  --scope "<scopes>"   scopes to ask for, space-separated (default: what the client is registered for)
  --timeout <seconds>  wait at most this long for the gateway or the OAuth2 server (default ${DEFAULT_TIMEOUT_SECONDS})
  --help               show this text

Environment:
  OAUTH2_CLIENT_ID                                  the client id (required)
  OAUTH2_CLIENT_SECRET or OAUTH2_CLIENT_SECRET_FILE  its secret, or a file holding it (required)
  OAUTH2_ALLOW_HTTP=true                            allow http:// off loopback (private networks only)
`

/** RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`, space-separated. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/

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
    const match = /^--(url|scope|timeout)(?:=(.*))?$/s.exec(arg)
    if (!match) {
      problems.add(`unknown argument ${JSON.stringify(arg)} (see --help)`)
      continue
    }
    const name = match[1]!
    let value = match[2]
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
  const flag = env.OAUTH2_ALLOW_HTTP?.trim().toLowerCase()
  if (flag !== undefined && flag !== '' && !['true', 'false', '1', '0'].includes(flag))
    problems.add('OAUTH2_ALLOW_HTTP must be true or false')
  const allowHttp = flag === 'true' || flag === '1'
  if (url !== undefined)
    problems.collect(() => {
      try {
        checkEndpointUrl(url, '--url', allowHttp)
      } catch (error) {
        throw new ConfigError([(error as Error).message])
      }
    })

  const scopeText = options.get('scope')?.trim().replace(/\s+/g, ' ')
  if (scopeText !== undefined && !SCOPE.test(scopeText))
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
  }
}
