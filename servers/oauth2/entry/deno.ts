// Deno entry of the OAuth2 server: the same app and bootstrap, served with Deno.serve.
// Run: deno run --allow-net --allow-env --allow-read [--allow-write for dev keys] servers/oauth2/entry/deno.ts
import { createApp } from '../app.ts'
import { bootstrap, describeStartupError } from './bootstrap.ts'

/** The slice of the Deno namespace this file uses (the project typechecks with Node types). */
declare const Deno: {
  env: { toObject(): Record<string, string> }
  serve(
    options: {
      port: number
      hostname: string
      onListen?: (addr: { hostname: string; port: number }) => void
    },
    handler: (
      request: Request,
      info: { remoteAddr: { hostname: string } },
    ) => Response | Promise<Response>,
  ): { shutdown(): Promise<void>; finished: Promise<void> }
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void
  exit(code?: number): never
  stderr: { writeSync(data: Uint8Array): number }
}

const encoder = new TextEncoder()
const log = (line: string) => void Deno.stderr.writeSync(encoder.encode(`oauth2: ${line}\n`))

let boot
try {
  boot = await bootstrap(Deno.env.toObject())
} catch (error) {
  Deno.stderr.writeSync(encoder.encode(describeStartupError(error)))
  Deno.exit(1)
}
const { config, appConfig, deps, audit, notices, close } = boot
for (const notice of notices) log(notice)

type Bindings = { remoteAddr?: { hostname: string } }
const app = createApp(appConfig, {
  ...deps,
  getClientAddress: (c) => (c.env as Bindings | undefined)?.remoteAddr?.hostname,
  onUnexpectedError: (error) =>
    log(
      `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    ),
})

const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: ({ hostname, port }) =>
      log(
        `listening on http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port} (issuer ${config.issuer}, ${config.mode} mode, ${config.alg}, Deno)`,
      ),
  },
  (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr } satisfies Bindings),
)
void audit.record({
  event: 'server_start',
  outcome: 'ok',
  detail: `oauth2 ${config.mode} ${config.alg} deno`,
})

let stopping = false
const stop = async () => {
  if (stopping) Deno.exit(130)
  stopping = true
  log('stopping (finishing in-flight requests)')
  await server.shutdown() // stops accepting, waits for in-flight requests
  await audit.close()
  await close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGTERM', () => void stop())
Deno.addSignalListener('SIGINT', () => void stop())
