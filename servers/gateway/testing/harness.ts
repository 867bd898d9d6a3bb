// Test harness for the gateway (Web-standard: no files, no processes): the real OAuth2 app
// (tokens, introspection, revocation through app.request), a gateway built by createGateway from
// environment-style configuration with test in-process servers, and helpers to speak raw
// Streamable HTTP to it. Child servers are tested through entry/ (Node).
import { hs256Key } from '../../../shared/jwt/keys.ts'
import type { Detector, TextEncryptor } from '../../../shared/pii/types.ts'
import { createTestDeps, type TestAudit } from '../../../shared/mcp/testing.ts'
import { makeTestApp, TEST_JWT_SECRET } from '../../oauth2/testing.ts'
import { readGatewayConfig, type Builtins, type Env, type GatewayConfig } from '../config.ts'
import { createGateway, type Gateway, type GatewayDeps, type InProcessFactory } from '../gateway.ts'
import { hangTool, say, steps, testServer, whoami } from './tools.ts'

export const GATEWAY = 'http://localhost:8080'
export const MCP = `${GATEWAY}/mcp`
export const PROTOCOL = '2025-11-25'
/** A test client of the AS holding the operator scope `audit.read` (secret `operator-secret`). */
export const OPERATOR_CLIENT: Record<string, [string, string[], string[]]> = {
  operator: ['operator-secret', ['mcp.access', 'audit.read'], []],
}
/** The path GATEWAY_CONFIG_FILE names when `file` is given (read from memory). */
const CONFIG_PATH = '/virtual/gateway.json'

/** Cancellations the `hang` tool saw. */
export const hangSeen = { cancelled: 0 }

/** The default in-process test servers: `alpha` (whoami, say) and `beta` (say, steps, hang). */
export const TEST_SERVERS: Record<string, InProcessFactory> = {
  alpha: testServer('alpha', [whoami, say]),
  beta: testServer('beta', [say, steps, hangTool(hangSeen)]),
}

export interface HarnessOptions {
  /** Environment over `MCP_DOCKER_ENV=development` (GATEWAY_CONFIG_FILE, limits…). */
  env?: Env
  /** Security policy (SECURITY_POLICY_FILE format). Default `{}`. */
  policy?: unknown
  detector?: Detector
  encryptor?: TextEncryptor
  /** GATEWAY_CONFIG_FILE contents (its JSON value). Default: no file. */
  file?: unknown
  /** In-process servers. Default TEST_SERVERS. */
  inProcess?: Record<string, InProcessFactory>
  /** Replaces the fetch the gateway uses to reach the AS (default: the test AS app). */
  fetch?: GatewayDeps['fetch']
  /** Default tool scopes of the in-process servers, as the entry's built-ins give them. */
  toolScopes?: Builtins['toolScopes']
}

export interface Harness {
  gateway: Gateway
  config: GatewayConfig
  as: Awaited<ReturnType<typeof makeTestApp>>
  audit: TestAudit
  /** Operator log lines. */
  operator: string[]
  /** A token from the test AS for `client` (default `mcp-client`) with extra form parameters. */
  token(client?: string, extra?: string): Promise<string>
  /** app.request on the gateway (absolute URL from a path). */
  request(path: string, init?: RequestInit): Promise<Response>
  /** POST one JSON-RPC message to /mcp with the usual headers. */
  post(body: unknown, token: string, headers?: Record<string, string>): Promise<Response>
  /** Initializes a session; returns its id. */
  initialize(token: string): Promise<string>
  close(): Promise<void>
}

/** The messages of an SSE body (data lines parsed as JSON) or of a JSON body. */
export async function messagesOf(response: Response): Promise<any[]> {
  const text = await response.text()
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    const parsed = JSON.parse(text)
    return Array.isArray(parsed) ? parsed : [parsed]
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)))
}

export async function makeHarness(options: HarnessOptions = {}): Promise<Harness> {
  const as = await makeTestApp({ clients: OPERATOR_CLIENT })
  const { deps, audit, operator } = createTestDeps({
    policy: options.policy ?? {},
    ...(options.detector ? { detector: options.detector } : {}),
    ...(options.encryptor ? { encryptor: options.encryptor } : {}),
  })
  const inProcess = options.inProcess ?? TEST_SERVERS
  const env: Env = {
    MCP_DOCKER_ENV: 'development',
    JWT_SECRET: TEST_JWT_SECRET,
    ...(options.file !== undefined ? { GATEWAY_CONFIG_FILE: CONFIG_PATH } : {}),
    ...options.env,
  }
  const config = readGatewayConfig(env, {
    readSecret: (from, name) => from[name] || undefined,
    readTextFile: (path) => {
      if (path !== CONFIG_PATH) throw Object.assign(new Error('no such file'), { code: 'ENOENT' })
      return JSON.stringify(options.file)
    },
    builtins: {
      inProcess: Object.keys(inProcess),
      children: {},
      ...(options.toolScopes ? { toolScopes: options.toolScopes } : {}),
    },
  })
  const gateway = await createGateway(config, {
    guard: deps.guard,
    audit: audit.log,
    inProcess,
    key: hs256Key(TEST_JWT_SECRET),
    fetch: options.fetch ?? (async (request) => as.app.request(request)),
    clock: () => as.clock.now,
    log: (line) => operator.push(line),
    restart: { initialDelayMs: 30, maxDelayMs: 200 },
  })
  const request = (path: string, init?: RequestInit) =>
    Promise.resolve(gateway.app.request(`${GATEWAY}${path}`, init))
  const post = (body: unknown, token: string, headers: Record<string, string> = {}) =>
    request('/mcp', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  return {
    gateway,
    config,
    as,
    audit,
    operator,
    token: (client = 'mcp-client', extra = '') => as.token(client, extra),
    request,
    post,
    async initialize(token) {
      const response = await post(
        {
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: {
            protocolVersion: PROTOCOL,
            capabilities: {},
            clientInfo: { name: 'harness', version: '1' },
          },
        },
        token,
      )
      if (response.status !== 200)
        throw new Error(`initialize: ${response.status} ${await response.text()}`)
      await response.body?.cancel()
      const id = response.headers.get('mcp-session-id')!
      const initialized = await post(
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        token,
        {
          'Mcp-Session-Id': id,
          'MCP-Protocol-Version': PROTOCOL,
        },
      )
      if (initialized.status !== 202) throw new Error(`initialized: ${initialized.status}`)
      return id
    },
    close: () => gateway.close(),
  }
}
