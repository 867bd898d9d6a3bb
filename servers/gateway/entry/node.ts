// Node entry of the gateway (dist/gateway.mjs): env → bootstrap → createGateway → serve on PORT.
// Children (sequential-thinking, Context7, any configured) run as stdio processes; SIGTERM ends
// the sessions, stops the children and flushes the audit log.
import { sha256Hex } from '../../../shared/node/sha256.ts'
import { serveNode } from '../../../shared/node/serve.ts'
import { createGateway } from '../gateway.ts'
import { bootstrap, describeStartupError } from './bootstrap.ts'
import { openChild } from './child-transport.ts'

const log = (line: string) => process.stderr.write(`gateway: ${line}\n`)

let boot
try {
  boot = await bootstrap(process.env, import.meta.url)
} catch (error) {
  process.stderr.write(describeStartupError(error))
  process.exit(1)
}
const { config, runtime, key, inProcess, notices } = boot
for (const notice of notices) log(notice)
const scrub = (text: string) => runtime.guard.scrub(text)

let gateway
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
  process.stderr.write(describeStartupError(error))
  await runtime.close()
  process.exit(1)
}

try {
  const running = await serveNode({
    fetch: gateway.app.fetch,
    port: config.port,
    hostname: config.host,
    onClose: [() => gateway.close(), () => runtime.close()],
    log,
  })
  const servers = gateway.upstreams.map((u) => `${u.name}=${u.state}`).join(' ')
  void runtime.audit.record({
    event: 'server_start',
    outcome: 'ok',
    detail: `gateway ${config.mode} ${config.verification.alg}`,
  })
  log(
    `listening on ${running.url} (resource ${config.resource}, issuer ${config.issuer}, ${config.mode} mode; ${gateway.catalog.entries().length} tools: ${servers})`,
  )
} catch (error) {
  log(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`)
  await gateway.close()
  await runtime.close()
  process.exit(1)
}
