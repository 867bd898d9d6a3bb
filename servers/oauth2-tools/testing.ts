// Test fixture for the OAuth2 tools: the real OAuth2 Hono app (servers/oauth2 test fixture)
// served through an in-process fetch, and an SDK client connected to the tools in memory.
// Tests only: the server code itself never imports servers/oauth2.
import type { Detector } from '../../shared/pii/types.ts'
import { connectInMemory, createTestDeps } from '../../shared/mcp/testing.ts'
import { makeTestApp } from '../oauth2/testing.ts'
import type { Fetch } from './client.ts'
import { readOAuth2ToolsConfig, type OAuth2ToolsConfig } from './config.ts'
import { createServer } from './server.ts'

/** The development configuration (demo client, http://localhost:8081), as an empty environment gives. */
export const DEV_CONFIG: OAuth2ToolsConfig = readOAuth2ToolsConfig({}, () => undefined)

export interface ToolsHarnessOptions {
  /** Overrides of DEV_CONFIG. */
  config?: Partial<OAuth2ToolsConfig>
  /** Replaces the in-process OAuth2 app (to simulate failures). */
  fetch?: Fetch
  /** Security policy of the guard (SECURITY_POLICY_FILE shape). */
  policy?: unknown
  /** Default: the PII library's small test detector. */
  detector?: Detector
}

/** The OAuth2 app in process, the tools connected to it through a real SDK client. */
export async function connectTools(options: ToolsHarnessOptions = {}) {
  const oauth2 = await makeTestApp()
  const requests: string[] = []
  const appFetch: Fetch = async (input, init) => {
    requests.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`)
    return oauth2.app.request(input, init)
  }
  const { deps, audit, operator } = createTestDeps({
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
    ...(options.detector ? { detector: options.detector } : {}),
  })
  const server = createServer({
    ...deps,
    oauth2: { ...DEV_CONFIG, ...options.config },
    fetch: options.fetch ?? appFetch,
    clock: () => oauth2.clock.now,
  })
  const { client, close } = await connectInMemory(server)
  return { client, close, audit, operator, oauth2, requests }
}

/** A fetch whose connection is refused, as Node's fetch reports it. */
export const refusedFetch: Fetch = async () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  })
}

/**
 * A fetch that never answers (until its signal aborts). It holds a timer, as a real socket would
 * hold the event loop: `AbortSignal.timeout` alone does not keep a process alive.
 */
export const hangingFetch: Fetch = (_input, init) =>
  new Promise((_resolve, reject) => {
    const socket = setTimeout(() => undefined, 60_000)
    init.signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(socket)
        reject(init.signal?.reason)
      },
      { once: true },
    )
  })
