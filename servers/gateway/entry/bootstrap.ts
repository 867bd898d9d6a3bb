// Start-up of the Node entry: environment → configuration, tool runtime (detector, policy,
// Fernet keys, audit log), token key, in-process servers and child openers, all problems at once.
import { readFileSync } from 'node:fs'
import { ConfigError, ProblemList } from '../../../shared/config/errors.ts'
import { generateHs256Secret } from '../../../shared/jwt/keys.ts'
import type { VerificationKey } from '../../../shared/jwt/verify.ts'
import { loadOrCreateDevSecret } from '../../../shared/node/dev-keys.ts'
import { readSecret } from '../../../shared/node/env.ts'
import { createToolRuntime, type ToolRuntime } from '../../../shared/node/tool-runtime.ts'
import { readGatewayConfig, type Env, type GatewayConfig } from '../config.ts'
import type { InProcessFactory } from '../gateway.ts'
import {
  BUILTIN_TOOL_SCOPES,
  bundleDir,
  defaultChildren,
  IN_PROCESS_NAMES,
  inProcessServers,
} from './builtins.ts'

export interface Bootstrapped {
  config: GatewayConfig
  runtime: ToolRuntime
  key: VerificationKey
  inProcess: Record<string, InProcessFactory>
  /** Start-up notes for the operator (development defaults in use). */
  notices: string[]
}

/**
 * Reads everything the gateway needs before it can listen. Every configuration problem (the
 * gateway's, the security policy's, the in-process servers') is thrown in one ConfigError.
 * @param moduleUrl `import.meta.url` of the entry (locates the bundled child servers)
 */
export async function bootstrap(env: Env, moduleUrl: string): Promise<Bootstrapped> {
  const problems = new ProblemList()
  const notices: string[] = []
  const config = problems.collect(() =>
    readGatewayConfig(env, {
      readSecret,
      readTextFile: (path) => readFileSync(path, 'utf8'),
      builtins: {
        inProcess: IN_PROCESS_NAMES,
        children: defaultChildren(bundleDir(moduleUrl)),
        toolScopes: BUILTIN_TOOL_SCOPES,
      },
    }),
  )
  let runtime: ToolRuntime | undefined
  try {
    runtime = await createToolRuntime({ env })
  } catch (error) {
    if (error instanceof ConfigError) for (const p of error.problems) problems.add(p)
    else throw error
  }
  const inProcess = runtime ? problems.collect(() => inProcessServers(runtime!, env)) : undefined
  let key: VerificationKey | undefined
  if (config) {
    const { verification } = config
    if (verification.alg === 'ES256') key = { jwksUrl: verification.jwksUrl }
    else if (verification.secret !== undefined) key = { alg: 'HS256', secret: verification.secret }
    else {
      // Development: the OAuth2 server's generated key, shared through the .dev folder.
      try {
        const dev = await loadOrCreateDevSecret({
          dir: config.devDir,
          name: 'oauth2-jwt-secret',
          create: generateHs256Secret,
        })
        notices.push(
          `development token key: ${dev.created ? 'generated' : 'reusing'} ${dev.path} (HS256, shared with the OAuth2 server)`,
        )
        key = { alg: 'HS256', secret: dev.value }
      } catch (error) {
        if (error instanceof ConfigError) for (const p of error.problems) problems.add(p)
        else throw error
      }
    }
    if (config.mode === 'development' && config.introspection?.clientId === 'mcp-client')
      notices.push('development: revocation checked by introspection as the demo client mcp-client')
    if (!config.introspection)
      notices.push(
        'revocation is not checked (GATEWAY_REVOCATION_CHECK=off): tokens count until they expire',
      )
  }
  if (problems.size > 0) {
    await runtime?.close()
    problems.throwIfAny()
  }
  return { config: config!, runtime: runtime!, key: key!, inProcess: inProcess!, notices }
}

/** The lines printed when start-up is refused: one per problem, no stack. */
export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) {
    return `gateway: cannot start, invalid configuration:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`
  }
  return `gateway: cannot start: ${error instanceof Error ? error.message : String(error)}\n`
}
