// Test support: dist/oauth2.mjs and dist/gateway.mjs in development mode on free loopback ports,
// the conformance fixture as the gateway's only upstream (the e2e tests of connect and
// scripts/conformance.mjs run against it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from './bundle.ts'
import { freePort } from './ports.ts'
import { startProcess, stopProcess, waitForOutput, type Supervised } from './processes.ts'

export interface StackOptions {
  /** Folder for the shared dev key, logs, audit files and the gateway config. Default: a new temporary folder. */
  dir?: string
  /** The AS's TOKEN_TTL_SECONDS. Default: the server's own default. */
  tokenTtlSeconds?: number
  /** The `limits` object of the gateway's GATEWAY_CONFIG_FILE. Default: none. */
  gatewayLimits?: Record<string, unknown>
  /** The Node binary both servers run on. Default: this process's. */
  nodePath?: string
}

export interface LocalStack {
  dir: string
  /** The OAuth2 server's base URL (its issuer). */
  asUrl: string
  /** The gateway's base URL. */
  gatewayUrl: string
  /** The gateway's MCP endpoint. */
  mcpUrl: string
  /**
   * What `connect` needs in its environment: the development demo client, and the OAuth2 server's
   * issuer as its pin (the AS is on another port, so another origin, than the gateway).
   */
  clientEnv: Record<string, string>
  as: Supervised
  gateway: Supervised
  /** Stops the gateway, then the OAuth2 server; removes `dir` when the stack made it. */
  stop(): Promise<void>
}

/**
 * The OAuth2 server and the gateway in development mode, sharing a generated key in `dir`; the
 * demo client `mcp-client`/`secret` may get tokens for the gateway (OAUTH2_DEFAULT_RESOURCE).
 * Needs dist/oauth2.mjs, dist/gateway.mjs and dist/conformance-fixture.mjs (see bundle.ts).
 */
export async function startStack(options: StackOptions = {}): Promise<LocalStack> {
  const { tokenTtlSeconds, gatewayLimits, nodePath = process.execPath } = options
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mcp-stack-'))
  const asPort = await freePort()
  const gatewayPort = await freePort()
  const asUrl = `http://127.0.0.1:${asPort}`
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  const devDir = join(dir, '.dev')
  const as = startProcess(nodePath, [join(root, 'dist/oauth2.mjs')], {
    logFile: join(dir, 'oauth2.log'),
    env: {
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: devDir,
      HOST: '127.0.0.1',
      PORT: String(asPort),
      OAUTH2_ISSUER: asUrl,
      OAUTH2_DEFAULT_RESOURCE: `${gatewayUrl}/mcp`,
      AUDIT_LOG_FILE: join(dir, 'oauth2-audit.jsonl'),
      ...(tokenTtlSeconds ? { TOKEN_TTL_SECONDS: String(tokenTtlSeconds) } : {}),
    },
  })
  const processes = [as]
  const stop = async () => {
    for (const proc of [...processes].reverse()) await stopProcess(proc)
    if (!options.dir) rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForOutput(as, /listening on /, 'the OAuth2 server')
    const configFile = join(dir, 'gateway.json')
    writeFileSync(
      configFile,
      JSON.stringify({
        defaultServers: false,
        servers: {
          conformance: { command: nodePath, args: [join(root, 'dist/conformance-fixture.mjs')] },
        },
        ...(gatewayLimits ? { limits: gatewayLimits } : {}),
      }),
    )
    const gateway = startProcess(nodePath, [join(root, 'dist/gateway.mjs')], {
      logFile: join(dir, 'gateway.log'),
      env: {
        MCP_DOCKER_ENV: 'development',
        MCP_DOCKER_DEV_DIR: devDir,
        HOST: '127.0.0.1',
        PORT: String(gatewayPort),
        GATEWAY_PUBLIC_URL: gatewayUrl,
        OAUTH2_ISSUER: asUrl,
        GATEWAY_CONFIG_FILE: configFile,
        AUDIT_LOG_FILE: join(dir, 'gateway-audit.jsonl'),
      },
    })
    processes.push(gateway)
    await waitForOutput(gateway, /listening on /, 'the gateway')
    return {
      dir,
      asUrl,
      gatewayUrl,
      mcpUrl: `${gatewayUrl}/mcp`,
      clientEnv: {
        OAUTH2_CLIENT_ID: 'mcp-client',
        OAUTH2_CLIENT_SECRET: 'secret',
        OAUTH2_ISSUER: asUrl,
      },
      as,
      gateway,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
