// Node entry of the OAuth2 server (dist/oauth2.mjs): env → bootstrap → createApp → serve.
import { getConnInfo } from '@hono/node-server/conninfo'
import { serveNode } from '../../../shared/node/serve.ts'
import { createApp } from '../app.ts'
import { bootstrap, describeStartupError } from './bootstrap.ts'

const log = (line: string) => process.stderr.write(`oauth2: ${line}\n`)

let boot
try {
  boot = await bootstrap(process.env)
} catch (error) {
  process.stderr.write(describeStartupError(error))
  process.exit(1)
}
const { config, appConfig, deps, audit, notices, close } = boot
for (const notice of notices) log(notice)

const app = createApp(appConfig, {
  ...deps,
  // The TCP peer; X-Forwarded-For only when OAUTH2_TRUST_PROXY is set (handled in the app).
  getClientAddress: (c) => getConnInfo(c).remote.address,
  onUnexpectedError: (error) =>
    log(
      `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    ),
})

try {
  const running = await serveNode({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    onClose: [() => audit.close(), close],
    log,
  })
  void audit.record({
    event: 'server_start',
    outcome: 'ok',
    detail: `oauth2 ${config.mode} ${config.alg}`,
  })
  log(`listening on ${running.url} (issuer ${config.issuer}, ${config.mode} mode, ${config.alg})`)
} catch (error) {
  log(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`)
  await audit.close()
  await close()
  process.exit(1)
}
