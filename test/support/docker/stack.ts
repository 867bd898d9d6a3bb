// A private copy of the compose stack for one test run: its own project name, container names,
// host ports, secrets and image tag, brought up with `compose up -d --build` and torn down with
// `down -v`. Stacks left by killed runs are removed before a new one starts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../ports.ts'
import { composeCommand, docker, ensureBaseImage, ensureEngine, root, run } from './engine.ts'
import { snapshotContext } from './image.ts'

/** The project name prefix of test stacks (`mcp-test-<pid>`). */
export const TEST_PROJECT_PREFIX = 'mcp-test-'
/** The image tag test stacks build and run (kept between runs so layers are reused). */
export const TEST_IMAGE = 'mcp-docker:test'
/** Default container names, as `.cursor/mcp.json` uses them (`MCP_CONTAINER_PREFIX` = `mcp`). */
export const DEFAULT_PREFIX = 'mcp'

export type ServiceName = 'oauth2' | 'gateway' | 'third-party'
export const SERVICES: readonly ServiceName[] = ['oauth2', 'gateway', 'third-party']

export interface Stack {
  /** Compose project name (`mcp-test-<pid>`), also the container name prefix. */
  project: string
  /** Container name of each service. */
  containers: Record<ServiceName, string>
  /** Host ports published on 127.0.0.1. */
  ports: { oauth2: number; gateway: number }
  /** `http://localhost:<oauth2 port>`: the issuer of the stack's tokens. */
  oauth2Url: string
  /** `http://localhost:<gateway port>`: the gateway's public URL (its resource is `<url>/mcp`). */
  gatewayUrl: string
  /** Folder made by scripts/init-secrets.sh for this stack. */
  secretsDir: string
  /** The environment compose.yml is interpolated with. */
  env: Record<string, string>
  /** Runs `compose -p <project> -f compose.yml -f test/docker/compose.test.yml …args`. */
  compose(args: string[], timeoutMs?: number): Promise<string>
  /** Waits until every container reports `healthy`; throws with their logs after `timeoutMs`. */
  waitHealthy(timeoutMs?: number): Promise<void>
  /** `down -v --remove-orphans` and removes the temp folders. Idempotent. */
  down(): Promise<void>
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Removes containers, volumes and networks of test stacks whose test process is gone. */
async function sweepStaleStacks(): Promise<void> {
  const labels = await docker([
    'ps',
    '-a',
    '--filter',
    'label=com.docker.compose.project',
    '--format',
    '{{.Label "com.docker.compose.project"}}',
  ])
  const stale = [...new Set(labels.stdout.split('\n'))].filter((project) => {
    if (!project.startsWith(TEST_PROJECT_PREFIX)) return false
    const pid = Number(project.slice(TEST_PROJECT_PREFIX.length))
    return Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)
  })
  for (const project of stale) {
    const filter = `label=com.docker.compose.project=${project}`
    const ids = (await docker(['ps', '-aq', '--filter', filter])).stdout.split('\n').filter(Boolean)
    if (ids.length > 0) await docker(['rm', '-f', '-v', ...ids], { allowFail: true })
    const volumes = (await docker(['volume', 'ls', '-q', '--filter', filter])).stdout
      .split('\n')
      .filter(Boolean)
    if (volumes.length > 0) await docker(['volume', 'rm', ...volumes], { allowFail: true })
    const networks = (await docker(['network', 'ls', '-q', '--filter', filter])).stdout
      .split('\n')
      .filter(Boolean)
    if (networks.length > 0) await docker(['network', 'rm', ...networks], { allowFail: true })
  }
}

/**
 * Starts a private stack: engine, base image stand-in, secrets (scripts/init-secrets.sh), then
 * `compose up -d --build` from a snapshot of the build context, and waits for health.
 * On any failure the stack is torn down before the error is thrown.
 */
export async function startStack(): Promise<Stack> {
  await ensureEngine()
  await ensureBaseImage()
  await sweepStaleStacks()
  const project = `${TEST_PROJECT_PREFIX}${process.pid}`
  const ports = { oauth2: await freePort(), gateway: await freePort() }
  const temp = mkdtempSync(join(tmpdir(), `${project}-`))
  const secretsDir = join(temp, 'secrets')
  const context = await snapshotContext()
  const oauth2Url = `http://localhost:${ports.oauth2}`
  const env: Record<string, string> = {
    MCP_CONTAINER_PREFIX: project,
    MCP_IMAGE: TEST_IMAGE,
    MCP_BIND_ADDRESS: '127.0.0.1',
    MCP_OAUTH2_PORT: String(ports.oauth2),
    MCP_GATEWAY_PORT: String(ports.gateway),
    MCP_SECRETS_DIR: secretsDir,
    MCP_BUILD_CONTEXT: context,
    MCP_HEALTH_INTERVAL: '4s',
  }
  const base = [...composeCommand()]
  const files = ['-p', project, '-f', 'compose.yml', '-f', 'test/docker/compose.test.yml']
  const compose = async (args: string[], timeoutMs = 300_000) =>
    (await run(base[0]!, [...base.slice(1), ...files, ...args], { env, timeoutMs })).stdout
  const containers = Object.fromEntries(SERVICES.map((s) => [s, `${project}-${s}`])) as Record<
    ServiceName,
    string
  >
  let downed = false
  const stack: Stack = {
    project,
    containers,
    ports,
    oauth2Url,
    gatewayUrl: `http://localhost:${ports.gateway}`,
    secretsDir,
    env,
    compose,
    async waitHealthy(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs
      let states: string[] = []
      while (Date.now() < deadline) {
        states = await Promise.all(
          SERVICES.map(async (s) => {
            const r = await docker(
              ['inspect', '-f', '{{.State.Status}}/{{.State.Health.Status}}', containers[s]],
              { allowFail: true },
            )
            return `${s}: ${r.stdout.trim() || 'missing'}`
          }),
        )
        if (states.every((s) => s.endsWith('running/healthy'))) return
        if (states.some((s) => /exited|dead|unhealthy/.test(s))) break
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      const logs = await Promise.all(
        SERVICES.map(async (s) => {
          const r = await docker(['logs', '--tail', '20', containers[s]], { allowFail: true })
          return `--- ${s}\n${r.stdout}${r.stderr}`
        }),
      )
      throw new Error(`stack not healthy: ${states.join(', ')}\n${logs.join('\n')}`)
    },
    async down() {
      if (downed) return
      downed = true
      try {
        await compose(['down', '-v', '--remove-orphans', '-t', '5'], 120_000)
        // Earlier builds of the test tag, now untagged (an image a container still uses stays).
        await docker(
          ['image', 'prune', '-f', '--filter', 'label=org.opencontainers.image.title=mcp-docker'],
          {
            allowFail: true,
          },
        )
      } finally {
        rmSync(temp, { recursive: true, force: true })
        rmSync(context, { recursive: true, force: true })
      }
    },
  }
  try {
    await run('bash', ['scripts/init-secrets.sh', secretsDir], {
      env: { GATEWAY_PUBLIC_URL: `http://localhost:${ports.gateway}` },
    })
    await compose(['up', '-d', '--build'], 600_000)
    await stack.waitHealthy()
    return stack
  } catch (error) {
    await stack.down().catch(() => {})
    throw error
  }
}

/** Container name of `service` under the default prefix (what `.cursor/mcp.json` names). */
export const defaultContainer = (service: ServiceName) => `${DEFAULT_PREFIX}-${service}`

export { root }
