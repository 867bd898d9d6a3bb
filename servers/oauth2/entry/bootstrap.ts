// Start-up shared by the Node and Deno entries: env → config, signing key, clients, audit log.
import process from 'node:process'
import { createAuditLog, type AuditLog } from '../../../shared/audit/index.ts'
import { ConfigError, ProblemList } from '../../../shared/config/errors.ts'
import type { RegisteredClient } from '../../../shared/clients/registry.ts'
import { hashClientSecret } from '../../../shared/clients/secret.ts'
import { createClientStore } from '../../../shared/clients/store.ts'
import {
  generateEs256Key,
  generateHs256Secret,
  hs256Key,
  importEs256PrivateJwk,
  type SigningKey,
} from '../../../shared/jwt/keys.ts'
import { openAuditFileLog } from '../../../shared/node/audit/file-log.ts'
import { createStreamSink } from '../../../shared/node/audit/stream-sink.ts'
import { readClientRegistryFile } from '../../../shared/node/clients-file.ts'
import { loadOrCreateDevSecret } from '../../../shared/node/dev-keys.ts'
import { readSecret } from '../../../shared/node/env.ts'
import { sha256Bytes, sha256Hex } from '../../../shared/node/sha256.ts'
import type { AppConfig, AppDeps } from '../context.ts'
import { readOAuth2Config, type Env, type OAuth2Config } from '../config.ts'
import { openRevocationFile, type RevocationFile } from './revocation-file.ts'

/** The seed README's demo client (development only): `mcp-client` / `secret`, scope `mcp.access`. */
export const DEMO_CLIENT = {
  clientId: 'mcp-client',
  secret: 'secret',
  scopes: ['mcp.access'],
} as const

export interface Bootstrapped {
  config: OAuth2Config
  appConfig: AppConfig
  /** Dependencies except the runtime-specific client address. */
  deps: Omit<AppDeps, 'getClientAddress'>
  /** The audit log: flush and close it on shutdown. */
  audit: AuditLog
  /** Closes what bootstrap opened besides the audit log (the revocation file). */
  close(): Promise<void>
  /** Start-up notes for the operator (development defaults in use, generated key files). */
  notices: string[]
}

async function signingKey(config: OAuth2Config, notices: string[]): Promise<SigningKey> {
  if (config.alg === 'HS256') {
    if (config.jwtSecret !== undefined) return hs256Key(config.jwtSecret)
    const dev = await loadOrCreateDevSecret({
      dir: config.devDir,
      name: 'oauth2-jwt-secret',
      create: generateHs256Secret,
    })
    notices.push(
      `development signing key: ${dev.created ? 'generated' : 'reusing'} ${dev.path} (HS256)`,
    )
    return hs256Key(dev.value)
  }
  let text = config.privateJwk
  if (text === undefined) {
    const dev = await loadOrCreateDevSecret({
      dir: config.devDir,
      name: 'oauth2-es256-private.jwk.json',
      create: async () => JSON.stringify((await generateEs256Key()).privateJwk),
    })
    notices.push(
      `development signing key: ${dev.created ? 'generated' : 'reusing'} ${dev.path} (ES256)`,
    )
    text = dev.value
  }
  let jwk: unknown
  try {
    jwk = JSON.parse(text)
  } catch {
    throw new ConfigError(['JWT_PRIVATE_KEY is not JSON (expected a private EC P-256 JWK)'])
  }
  try {
    return await importEs256PrivateJwk(jwk as never)
  } catch (error) {
    throw new ConfigError([`JWT_PRIVATE_KEY: ${(error as Error).message}`])
  }
}

async function registeredClients(
  config: OAuth2Config,
  notices: string[],
): Promise<RegisteredClient[]> {
  const clients = config.clientsFile ? readClientRegistryFile(config.clientsFile) : []
  const demoHash = await hashClientSecret(DEMO_CLIENT.secret)
  if (config.mode === 'production') {
    const problems = clients
      .filter((c) => c.secretHash === demoHash)
      .map(
        (c) =>
          `client "${c.clientId}" uses the development demo secret; production refuses it ` +
          `(replace it: mcp-docker clients remove ${c.clientId} && mcp-docker clients add ${c.clientId} --scopes …)`,
      )
    if (clients.length === 0) problems.push(`clients file ${config.clientsFile} lists no clients`)
    if (problems.length > 0) throw new ConfigError(problems)
    return clients
  }
  if (!clients.some((c) => c.clientId === DEMO_CLIENT.clientId)) {
    clients.push({
      clientId: DEMO_CLIENT.clientId,
      secretHash: demoHash,
      scopes: [...DEMO_CLIENT.scopes],
      audiences: [],
    })
    notices.push('development demo client enabled: mcp-client / secret (scope mcp.access)')
  }
  return clients
}

async function auditLog(config: OAuth2Config, env: Env): Promise<AuditLog> {
  if (config.auditLogFile === undefined) {
    return createAuditLog({ sinks: [createStreamSink(process.stderr)], digest: sha256Hex })
  }
  const log = await openAuditFileLog({ path: config.auditLogFile, env })
  try {
    await log.sink.open()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unwritable'
    throw new ConfigError([`AUDIT_LOG_FILE: cannot open ${config.auditLogFile} (${code})`])
  }
  return log
}

/** The revocation file (RV-5 across restarts), or a notice that revocations live in memory. */
async function revocationFile(
  config: OAuth2Config,
  notices: string[],
): Promise<RevocationFile | undefined> {
  if (config.revocationFile === undefined) {
    if (config.mode === 'production') {
      notices.push('OAUTH2_REVOCATION_FILE is not set: revocations are forgotten on restart')
    }
    return undefined
  }
  try {
    const file = await openRevocationFile(config.revocationFile)
    const skipped = file.invalidLines > 0 ? `, ${file.invalidLines} invalid line(s) dropped` : ''
    notices.push(`revocations: ${file.entries.length} still in force${skipped}`)
    return file
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new ConfigError([
      `OAUTH2_REVOCATION_FILE: cannot open ${config.revocationFile} (${code})`,
    ])
  }
}

/**
 * Reads the whole configuration and prepares every dependency, reporting all problems together
 * (ConfigError, one line each). Production refuses the demo client, a short or missing key and a
 * missing client registry; development adds the demo client and a generated key in `.dev/`.
 */
export async function bootstrap(env: Env): Promise<Bootstrapped> {
  const config = readOAuth2Config(env, readSecret)
  const problems = new ProblemList()
  const notices: string[] = []
  const collect = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step()
    } catch (error) {
      if (error instanceof ConfigError) for (const p of error.problems) problems.add(p)
      else problems.add(error instanceof Error ? error.message : String(error))
      return undefined
    }
  }
  const key = await collect(() => signingKey(config, notices))
  const clients = await collect(() => registeredClients(config, notices))
  const revocations =
    problems.size === 0 ? await collect(() => revocationFile(config, notices)) : undefined
  const audit = problems.size === 0 ? await collect(() => auditLog(config, env)) : undefined
  if (problems.size > 0) await revocations?.close()
  problems.throwIfAny()
  return {
    config,
    appConfig: {
      issuer: config.issuer,
      defaultResource: config.defaultResource,
      tokenTtlSeconds: config.tokenTtlSeconds,
      trustProxy: config.trustProxy,
      publicScopes: config.publicScopes,
    },
    deps: {
      key: key!,
      // node:crypto's synchronous SHA-256 (Node and Deno both have it) on the per-request paths.
      clients: createClientStore(clients!, { digest: sha256Bytes }),
      tokenDigest: sha256Hex,
      audit: audit!,
      ...(revocations
        ? { revocations: { entries: revocations.entries, store: revocations.store } }
        : {}),
    },
    audit: audit!,
    close: async () => {
      await revocations?.close()
    },
    notices,
  }
}

/** The lines printed when start-up is refused: one per problem, no stack. */
export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) {
    return `oauth2: cannot start, invalid configuration:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`
  }
  return `oauth2: cannot start: ${error instanceof Error ? error.message : String(error)}\n`
}
