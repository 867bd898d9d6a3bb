// The gateway's composition root: the tool servers it mounts in-process (one line each, through
// their `createServer` factories) and the bundled third-party servers it runs as stdio children.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ProblemList } from '../../../shared/config/errors.ts'
import { readSecret, readVar } from '../../../shared/node/env.ts'
import type { ToolRuntime } from '../../../shared/node/tool-runtime.ts'
import { createServer as createExampleServer } from '../../example/server.ts'
import {
  createServer as createOAuth2ToolsServer,
  readOAuth2ToolsConfig,
} from '../../oauth2-tools/server.ts'
import { createAuditFileReader } from '../../../shared/node/audit/file-reader.ts'
import {
  createServer as createSecurityServer,
  SECURITY_TOOL_SCOPES,
} from '../../security-tools/server.ts'
import type { ChildDefaults, Env } from '../config.ts'
import type { InProcessFactory } from '../gateway.ts'

/**
 * In-process servers by the name the gateway gives them (the prefix of their tools on a name
 * collision). Each factory gets deps whose guard passes calls through: the gateway's front guard
 * applies the policy and writes the one audit record.
 * @throws ConfigError listing the servers' own configuration problems
 */
export function inProcessServers(runtime: ToolRuntime, env: Env): Record<string, InProcessFactory> {
  const problems = new ProblemList()
  // OAUTH2_URL, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET[_FILE]… as for dist/oauth2-tools.mjs.
  const oauth2 = problems.collect(() => readOAuth2ToolsConfig(env, readSecret))
  problems.throwIfAny()
  // The security tools read back the gateway's own audit log (AUDIT_LOG_FILE), after a flush.
  const auditReader = createAuditFileReader(readVar(env, 'AUDIT_LOG_FILE'), {
    flush: () => runtime.audit.flush(),
  })
  return {
    security: (deps) =>
      createSecurityServer({
        ...deps,
        detector: () => runtime.detector,
        ...(runtime.encryptor ? { keyRing: runtime.encryptor } : {}),
        auditReader,
      }),
    oauth2: (deps) => createOAuth2ToolsServer({ ...deps, oauth2: oauth2! }),
    example: (deps) => createExampleServer(deps),
  }
}

/** Names of the in-process servers, in listing order (what the configuration may name). */
export const IN_PROCESS_NAMES = ['security', 'oauth2', 'example'] as const

/**
 * Default extra scopes of built-in servers' tools: the audit tools of `security` need
 * `audit.read` (they show every client's calls). GATEWAY_CONFIG_FILE `toolScopes` override them.
 */
export const BUILTIN_TOOL_SCOPES = { security: SECURITY_TOOL_SCOPES } as const

/**
 * The folder of the bundled servers: the gateway bundle's own folder (dist/, or /app in the
 * image), or the repository's dist/ when running from source.
 */
export function bundleDir(moduleUrl: string): string {
  const here = fileURLToPath(new URL('.', moduleUrl))
  if (existsSync(`${here}sequential-thinking.mjs`)) return here
  return fileURLToPath(new URL('../../../dist/', moduleUrl))
}

/** The bundled third-party servers, started with this Node binary and a minimal environment. */
export function defaultChildren(dir: string): Record<string, ChildDefaults> {
  return {
    'sequential-thinking': { command: process.execPath, args: [`${dir}sequential-thinking.mjs`] },
    context7: {
      command: process.execPath,
      args: [`${dir}context7.mjs`],
      // No telemetry from a tool server (its SDK would otherwise try to export traces).
      env: { OTEL_SDK_DISABLED: 'true' },
      // Its own API key, when the operator gives the gateway one (optional).
      envFrom: ['CONTEXT7_API_KEY'],
    },
  }
}
