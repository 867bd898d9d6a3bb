// Docker engine access for the container tests and the bench: run docker commands, make sure the
// engine answers (starting an installed but stopped dockerd), pick the compose command, build the
// offline base image stand-in. A missing or dead engine is an error that says what to do, never a
// silent skip (docs/docker.md).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, openSync, readFileSync } from 'node:fs'
import { root } from '../bundle.ts'

export { root }

/** The engine cannot be used; the message says why and how to fix it. */
export class DockerUnavailable extends Error {
  override name = 'DockerUnavailable'
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Written to standard input, which is then closed. Default: nothing (stdin closed at once). */
  input?: string
  /** Environment over `process.env`. */
  env?: Record<string, string>
  /** Kill the command after this long (SIGKILL) and reject. Default 120 000 ms. */
  timeoutMs?: number
  /** Resolve with a non-zero exit code instead of rejecting. Default false. */
  allowFail?: boolean
  /** Working directory. Default: the repository root. */
  cwd?: string
}

/** Runs `command args…` and collects its output; rejects on a non-zero exit unless `allowFail`. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { timeoutMs = 120_000 } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')}: no exit within ${timeoutMs} ms\n${stderr}`))
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code !== 0 && !options.allowFail) {
        const output = `${stderr}${stdout}`.trim().split('\n').slice(-15).join('\n')
        reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))
      } else resolve({ code, stdout, stderr })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

/** `docker …args`. */
export const docker = (args: string[], options?: RunOptions) => run('docker', args, options)

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0
const engineAnswers = () =>
  spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0

/** True when /var/run/docker.pid names a live process. */
function dockerdRunning(): boolean {
  try {
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim())
    if (!Number.isInteger(pid) || pid <= 0) return false
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Resolves when `docker info` answers. If it does not and `dockerd` is installed and we are root,
 * starts dockerd in the background (log: /var/log/dockerd.log) and waits up to `waitMs`.
 * @throws DockerUnavailable with the reason and the fix
 */
export function ensureEngine(waitMs = 60_000): Promise<void> {
  // Once per process: a failure is reported by every caller without waiting again.
  engine ??= startEngine(waitMs)
  return engine
}
let engine: Promise<void> | undefined

async function startEngine(waitMs: number): Promise<void> {
  if (!has('docker')) {
    throw new DockerUnavailable(
      'Docker is not installed: the container tests need a real engine. Install it with ' +
        '`apt-get install -y docker.io docker-compose` (.ci/run does this), see docs/docker.md',
    )
  }
  if (engineAnswers()) return
  if (!has('dockerd') || process.getuid?.() !== 0) {
    throw new DockerUnavailable(
      '`docker info` fails and dockerd cannot be started from here (not installed, or not root): ' +
        'start the engine (`nohup dockerd > /var/log/dockerd.log 2>&1 &`) and run the tests again',
    )
  }
  const logPath = existsSync('/var/log') ? '/var/log/dockerd.log' : '/tmp/dockerd.log'
  // A dockerd that is already running (still starting, say) is waited for, never doubled.
  const running = dockerdRunning()
  if (!running) {
    const log = openSync(logPath, 'a')
    spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref()
  }
  const deadline = Date.now() + (running ? Math.min(waitMs, 15_000) : waitMs)
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    if (engineAnswers()) return
  }
  const info = spawnSync('docker', ['info'], { encoding: 'utf8', timeout: 20_000 })
  const reason = `${info.stderr ?? ''}`.trim().split('\n').pop()
  throw new DockerUnavailable(
    running
      ? `dockerd is running but \`docker info\` fails (${reason}); check DOCKER_HOST and ${logPath}`
      : `dockerd was started but \`docker info\` still fails after ${waitMs / 1000} s (${reason}); see ${logPath}`,
  )
}

/** The compose command: `docker compose` (v2) when present, else the Debian `docker-compose` 1.29. */
export function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) {
    return ['docker', 'compose']
  }
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) {
    return ['docker-compose']
  }
  throw new DockerUnavailable(
    'neither `docker compose` nor `docker-compose` works: apt-get install -y docker-compose',
  )
}

/** The base image of the Dockerfile (the real distroless name, or the offline stand-in under it). */
export const BASE_IMAGE = 'gcr.io/distroless/nodejs24-debian12:nonroot'

/** Builds the offline stand-in of the base image unless an image of that name exists. */
export async function ensureBaseImage(): Promise<void> {
  const present = await docker(['image', 'inspect', BASE_IMAGE], { allowFail: true })
  if (present.code === 0) return
  await run('bash', ['scripts/base-image.sh'], { timeoutMs: 300_000 })
}
