// Starts the gateway on Node from an environment: bootstrap, createGateway, serveNode. The body
// of entry/node.ts, and what end-to-end tests run in-process on a free port.
import type { Env } from '../config.ts'
import type { GatewayConfig } from '../config.ts'
import { sha256Hex } from '../../../shared/node/sha256.ts'
import { serveNode } from '../../../shared/node/serve.ts'
import type { ToolRuntime } from '../../../shared/node/tool-runtime.ts'
import { createGateway, type Gateway } from '../gateway.ts'
import { bootstrap } from './bootstrap.ts'
import { openChild } from './child-transport.ts'

export interface StartOptions {
  /** Operator lines. Default: `gateway: <line>` on standard error. */
  log?: (line: string) => void
  /**
   * Signals that stop the gateway gracefully (sessions, then requests, children, audit log) and
   * then exit the process. Default SIGTERM and SIGINT; `[]` for none (tests).
   */
  signals?: readonly NodeJS.Signals[]
}

export interface RunningGateway {
  /** `http://<host>:<port>` as bound. */
  url: string
  port: number
  config: GatewayConfig
  gateway: Gateway
  runtime: ToolRuntime
  /** Stops accepting requests, ends sessions and children, flushes the audit log. */
  close(): Promise<void>
}

/**
 * Reads the configuration from `env` and serves the gateway.
 * @param moduleUrl `import.meta.url` of the entry (locates the bundled child servers)
 * @throws ConfigError for configuration problems (all at once), or the listen error
 */
export async function startGateway(
  env: Env,
  moduleUrl: string,
  options: StartOptions = {},
): Promise<RunningGateway> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`gateway: ${line}\n`))
  const { config, runtime, key, inProcess, notices } = await bootstrap(env, moduleUrl)
  for (const notice of notices) log(notice)
  const scrub = (text: string) => runtime.guard.scrub(text)
  let gateway: Gateway
  try {
    gateway = await createGateway(config, {
      guard: runtime.guard,
      audit: runtime.audit,
      inProcess,
      openChild: (server) =>
        openChild(
          {
            command: server.command!,
            args: server.args,
            env: server.env,
            ...(server.cwd !== undefined ? { cwd: server.cwd } : {}),
          },
          // LOG-2: a child's stderr may carry what its callers sent; mask it like every log line.
          (line) => log(`${server.name}: ${scrub(line)}`),
        ),
      key,
      digest: sha256Hex,
      log: (line) => log(scrub(line)),
    })
  } catch (error) {
    await runtime.close()
    throw error
  }
  let running
  try {
    running = await serveNode({
      fetch: gateway.app.fetch,
      port: config.port,
      hostname: config.host,
      onClose: [() => gateway.close(), () => runtime.close()],
      log,
      signals: [], // handled below: sessions first, so open SSE streams do not hold the shutdown
    })
  } catch (error) {
    await gateway.close()
    await runtime.close()
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`)
  }
  void runtime.audit.record({
    event: 'server_start',
    outcome: 'ok',
    detail: `gateway ${config.mode} ${config.verification.alg}`,
  })
  const server = running
  let stopping: Promise<void> | undefined
  // Ending the sessions closes their SSE streams; then in-flight requests finish and the
  // children and the audit log are closed (serveNode's close hooks).
  const close = () =>
    (stopping ??= (async () => {
      await gateway.sessions.closeAll()
      await server.close()
    })())
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`)
      process.exit(130)
    }
    log(`${signal}: stopping (ending sessions, finishing in-flight requests)`)
    void close().then(() => process.exit())
  }
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const))
    process.on(signal, onSignal)
  const servers = gateway.upstreams.map((u) => `${u.name}=${u.state}`).join(' ')
  log(
    `listening on ${running.url} (resource ${config.resource}, issuer ${config.issuer}, ${config.mode} mode; ${gateway.catalog.entries().length} tools: ${servers})`,
  )
  return {
    url: running.url,
    port: running.port,
    config,
    gateway,
    runtime,
    close,
  }
}
