// E2E support: start the OAuth2 server (bundle or Deno entry) on a free port, wait for it, stop it.
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundlePath, root } from '../support/bundle.ts'
import { freePort } from '../support/ports.ts'

export interface RunningOAuth2 {
  url: string
  port: number
  child: ChildProcess
  /** Everything the server wrote to stderr so far. */
  stderr(): string
  /** SIGTERM and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
  /** Resolves with the exit code when the process ends on its own. */
  exited: Promise<number | null>
}

export interface StartOptions {
  /** Extra environment (merged over a minimal one: PATH, HOME). */
  env?: Record<string, string>
  /** `node` runs a copy of dist/oauth2.mjs from an empty folder (no node_modules); `deno` runs the TS entry. */
  runtime?: 'node' | 'deno'
  /** Wait for the "listening on" line; false for start-up failures. Default true. */
  waitForListen?: boolean
  timeoutMs?: number
}

/** Starts the server with the given environment; PORT and OAUTH2_ISSUER are filled in if absent. */
export async function startOAuth2(options: StartOptions = {}): Promise<RunningOAuth2> {
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    DENO_NO_UPDATE_CHECK: '1',
    PORT: String(port),
    OAUTH2_ISSUER: `http://127.0.0.1:${port}`,
    ...options.env,
  }
  let child: ChildProcess
  if (options.runtime === 'deno') {
    child = spawn(
      `${root}node_modules/.bin/deno`,
      [
        'run',
        '--quiet',
        '--no-prompt',
        '--allow-net',
        '--allow-env',
        '--allow-read',
        '--allow-write',
        'servers/oauth2/entry/deno.ts',
      ],
      { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] },
    )
  } else {
    // A copy in an empty folder proves the bundle needs no node_modules beside it.
    const dir = mkdtempSync(join(tmpdir(), 'oauth2-bundle-'))
    copyFileSync(await bundlePath('oauth2'), join(dir, 'oauth2.mjs'))
    child = spawn(process.execPath, [join(dir, 'oauth2.mjs')], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  }
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const running: RunningOAuth2 = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  if (options.waitForListen === false) return running
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  while (!/listening on /.test(stderr)) {
    if (child.exitCode !== null)
      throw new Error(`oauth2 server exited (${child.exitCode}):\n${stderr}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`oauth2 server did not start in time:\n${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return running
}

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }

/** The seed README's token request (client_secret_post), returning the parsed JSON body. */
export async function seedToken(
  url: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: FORM,
    body: 'grant_type=client_credentials&client_id=mcp-client&client_secret=secret&scope=mcp.access',
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
