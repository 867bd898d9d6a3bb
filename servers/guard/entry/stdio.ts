// Entry of dist/guard.mjs: `node guard.mjs [--policy-file F] -- <command> [args…]` runs a stdio
// MCP server as a child (its own process group) and relays its JSON-RPC through the guard
// (servers/guard/relay.ts). The child never outlives the guard, even a SIGKILLed one
// (shared/node/child-lifetime.ts); the guard ends with the child.
import { Readable, Writable } from 'node:stream'
import { parseGuardArgs, USAGE, type GuardArgs } from '../args.ts'
import type { Guard } from '../../../shared/mcp/guard/guard.ts'
import { SCRUB_UNAVAILABLE } from '../../../shared/mcp/guard/deferred.ts'
import { spawnBoundChild } from '../../../shared/node/child-lifetime.ts'
import type { StartingToolRuntime } from '../../../shared/node/tool-runtime.ts'
import { GuardError } from '../errors.ts'

/** After the client closed stdin, how long the child may take to exit before SIGTERM, then SIGKILL. */
const GRACE_MS = 500
/** After SIGTERM, how long before SIGKILL. */
const TERM_MS = 400
/** Longest wait for the audit log and the last answers to be written before exiting. */
const FLUSH_MS = 750
/**
 * Variables the guard reads itself and keeps from the child (keys, its audit file, its policy,
 * the audit collector's socket: the wrapped third-party server must not write into the chain).
 */
const GUARD_ONLY_VARS = [
  'SECURITY_POLICY_FILE',
  'FERNET_KEY',
  'FERNET_KEY_FILE',
  'AUDIT_LOG_FILE',
  'AUDIT_COLLECTOR_SOCKET',
  'AUDIT_KEY',
  'AUDIT_KEY_FILE',
  'AUDIT_SIGNING_KEY',
  'AUDIT_SIGNING_KEY_FILE',
]

const log = (line: string) => void process.stderr.write(`${line}\n`)

let parsed: GuardArgs | 'help'
try {
  parsed = parseGuardArgs(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof GuardError)) throw error
  log(`guard: ${error.message}\n\n${USAGE}`)
  process.exit(2)
}
if (parsed === 'help') {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
const { command, args, policyFile } = parsed

// The child first: its start-up overlaps with the guard's own (configuration, PII patterns).
const childEnv: NodeJS.ProcessEnv = { ...process.env }
for (const name of GUARD_ONLY_VARS) delete childEnv[name]
// Its own process group (the guard can stop it and everything it started), killed on every exit
// path of the guard, and by a watchdog process if the guard itself is SIGKILLed.
const { child, signal: signalChild } = spawnBoundChild(command, args, {
  env: childEnv,
  note: (line) => log(`guard: ${line}`),
})
const spawned = new Promise<boolean>((resolve) => {
  child.once('spawn', () => resolve(true))
  child.once('error', (error: NodeJS.ErrnoException) => {
    log(`guard: cannot start ${command}: ${error.code ?? error.message}`)
    resolve(false)
  })
})
const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
  child.once('exit', (code, signal) => resolve({ code, signal })),
)
let childRunning = true
void exited.then(() => (childRunning = false))
child.stdin.on('error', () => undefined) // EPIPE once the child is gone: the relay notes it
process.stdout.on('error', () => undefined) // EPIPE once the client is gone: see onClientGone

const wait = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([
    promise,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms)),
  ])

let closing = false
let exitCode = 0
let fatal = (error: unknown): never => {
  log(`guard: fatal error: ${error instanceof Error ? error.name : 'error'}`)
  signalChild('SIGKILL')
  process.exit(1)
}
process.on('uncaughtException', (error) => fatal(error))
process.on('unhandledRejection', (error) => fatal(error))
// One handler per signal for the whole life of the process; `onSignal` changes once running.
let onSignal: (signal: NodeJS.Signals) => void = () => {
  signalChild('SIGTERM')
  process.exit(0)
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => onSignal(signal))
}

if (!(await spawned)) process.exit(1)
log(`guard: started ${command} (pid ${child.pid})`)

const { connectRelay } = await import('../relay-streams.ts')
const failConfig = async (error: unknown): Promise<never> => {
  const { ConfigError } = await import('../../../shared/config/errors.ts')
  log(`guard: ${error instanceof ConfigError ? error.message : String(error)}`)
  signalChild('SIGKILL')
  process.exit(1)
}
// Configuration (policy file, keys, audit log) is read while messages already flow: only a
// tools/call needs the guard, and it waits for it. A configuration error stops everything.
const env = {
  ...process.env,
  ...(policyFile !== undefined ? { SECURITY_POLICY_FILE: policyFile } : {}),
}
let runtime: StartingToolRuntime | undefined
const runtimeReady = import('../../../shared/node/tool-runtime.ts')
  .then(({ startToolRuntime }) => startToolRuntime({ env }))
  .then((ready) => (runtime = ready), failConfig)
/** The runtime's guard once the configuration is read; calls wait for it meanwhile. */
const guard: Guard = {
  get policy() {
    if (!runtime) throw new Error('the security policy is not read yet')
    return runtime.guard.policy
  },
  begin: async (start) => (await runtimeReady).guard.begin(start),
  guardMessage: async (direction, message) =>
    (await runtimeReady).guard.guardMessage(direction, message),
  scrub: (text) => (runtime ? runtime.guard.scrub(text) : SCRUB_UNAVAILABLE),
  scrubValue: (value) => {
    if (!runtime) throw new Error('the PII scanner is not ready')
    return runtime.guard.scrubValue(value)
  },
}
fatal = (error) => {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  log(`guard: fatal error: ${guard.scrub(text)}`)
  signalChild('SIGKILL')
  process.exit(1)
}

let childOutputEnded!: () => void
const outputEnded = new Promise<void>((resolve) => (childOutputEnded = resolve))
const connection = connectRelay({
  guard,
  note: log,
  ...(parsed.callTimeoutSeconds ? { callTimeoutMs: parsed.callTimeoutSeconds * 1000 } : {}),
  client: {
    readable: Readable.toWeb(process.stdin) as unknown as ReadableStream<Uint8Array>,
    writable: Writable.toWeb(process.stdout) as unknown as WritableStream<Uint8Array>,
  },
  child: {
    readable: Readable.toWeb(child.stdout) as unknown as ReadableStream<Uint8Array>,
    writable: Writable.toWeb(child.stdin) as unknown as WritableStream<Uint8Array>,
  },
  onClientEnd: () => void stop('stdin closed'),
  onClientGone: () => void stop('stdout closed'),
  onChildEnd: childOutputEnded,
})
onSignal = (signal) => void stop(signal)

// The PII detector (and a policy naming unknown entity types) loads shortly after start-up, or
// at the first tools/call, whichever comes first; a bad policy stops the guard and the child.
setTimeout(() => void runtimeReady.then((ready) => ready.load()).catch(failConfig), 100)

/** The child's output is fully relayed (bounded: a grandchild may hold the pipe open). */
async function childDrained(): Promise<void> {
  if (
    (await wait(
      outputEnded.then(() => true),
      300,
    )) === undefined
  ) {
    signalChild('SIGKILL')
    await wait(outputEnded, 300)
  }
}

/** Waits for the audit log and the answers already written, then exits with `exitCode`. */
async function finish(): Promise<never> {
  await wait(connection.flush(), FLUSH_MS)
  await wait(
    runtimeReady
      .then((ready) => ready.close())
      .catch((error: unknown) => {
        log(
          `guard: closing the audit log failed: ${error instanceof Error ? error.message : error}`,
        )
        exitCode = 1
      }),
    FLUSH_MS,
  )
  process.exit(exitCode)
}

/**
 * The client went away (stdin closed, stdout broken) or the guard was told to stop: the child
 * gets end-of-input (and SIGTERM at once for a signal), then SIGTERM and SIGKILL if it lingers
 * (the MCP stdio shutdown sequence); its last answers are relayed; exit 0.
 */
async function stop(reason: 'stdin closed' | 'stdout closed' | NodeJS.Signals): Promise<void> {
  if (closing) return
  closing = true
  if (reason !== 'stdin closed') child.stdin.end()
  if (reason !== 'stdin closed' && reason !== 'stdout closed') signalChild('SIGTERM')
  if (childRunning && (await wait(exited, GRACE_MS)) === undefined) {
    signalChild('SIGTERM')
    if ((await wait(exited, TERM_MS)) === undefined) signalChild('SIGKILL')
    await exited
  }
  await childDrained()
  await connection.relay.childGone('was stopped')
  await finish()
}

// The child ended on its own: answer what it left pending, say so, exit non-zero.
void exited.then(async ({ code, signal }) => {
  if (closing) return
  closing = true
  await childDrained()
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
  await connection.relay.childGone(how)
  log(`guard: the MCP server ${command} ${how}; the guard stops too`)
  exitCode = code !== null && code !== 0 ? code : 1
  await finish()
})
