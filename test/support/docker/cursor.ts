// `.cursor/mcp.json` as the container tests use it: its entries, the same command and args aimed
// at a test stack's containers, and one sample tools/call per server.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { root } from './engine.ts'
import { DEFAULT_PREFIX, SERVICES, type ServiceName, type Stack } from './stack.ts'

export interface CursorEntry {
  /** The key under `mcpServers`. */
  name: string
  command: string
  args: string[]
  env?: Record<string, string>
}

/** The `mcpServers` entries of `.cursor/mcp.json`, in file order. */
export function readCursorEntries(): CursorEntry[] {
  const json = JSON.parse(readFileSync(join(root, '.cursor/mcp.json'), 'utf8')) as {
    mcpServers: Record<string, Omit<CursorEntry, 'name'>>
  }
  return Object.entries(json.mcpServers).map(([name, entry]) => ({ name, ...entry }))
}

/** The gateway's MCP endpoint on the host, as `.cursor/mcp.json` names it (compose defaults). */
export const DEFAULT_GATEWAY_URL = 'http://localhost:8080/mcp'
/** The OAuth2 server's issuer `connect` is pinned to (`--issuer`, compose defaults). */
export const DEFAULT_ISSUER = 'http://localhost:8081'

/** Where an entry's server runs. */
export type EntryTarget =
  /** `docker exec -i <container> … /app/<bundle>.mjs`: a stdio bundle inside a container. */
  | { kind: 'exec'; service: ServiceName; bundle: string }
  /**
   * A process on the host (`node dist/connect.mjs --url …`) that reaches the gateway's published
   * port: in a container, the issuer `http://localhost:<oauth2 port>` the gateway names is not
   * reachable.
   */
  | { kind: 'host'; bundle: string; url: string }

/** The container and bundle an entry's `docker exec` runs, or the host bundle and its `--url`. */
export function entryTarget(entry: CursorEntry): EntryTarget {
  if (entry.command !== 'docker') {
    const bundle = entry.args.map((a) => /^dist\/([\w-]+)\.mjs$/.exec(a)?.[1]).find(Boolean)
    const url = entry.args[entry.args.indexOf('--url') + 1]
    if (!bundle || !entry.args.includes('--url') || !url) {
      throw new Error(`entry ${entry.name}: a host entry runs dist/<bundle>.mjs with --url`)
    }
    return { kind: 'host', bundle, url }
  }
  const service = SERVICES.find((s) => entry.args.includes(`${DEFAULT_PREFIX}-${s}`))
  const bundle = entry.args
    .map((a) => /^\/app\/([\w-]+)\.mjs$/.exec(a)?.[1])
    .find((b) => b !== undefined && b !== 'guard')
  if (!service || !bundle) {
    throw new Error(`entry ${entry.name}: no ${DEFAULT_PREFIX}-<service> container or /app bundle`)
  }
  return { kind: 'exec', service, bundle }
}

/** An entry's process as a test starts it: what Cursor would run, aimed at a test stack. */
export interface EntryCommand {
  command: string
  args: string[]
  /** The entry's `env` (host entries: secret files in the stack's secrets folder). */
  env: Record<string, string>
  /** Working directory: the repository, as Cursor runs servers from the project folder. */
  cwd: string
}

/**
 * The entry's command and args aimed at `stack`: the default container names replaced by the
 * stack's; for host entries the gateway's and the issuer's ports swapped for the stack's and
 * `secrets/<name>` files taken from the stack's secrets folder. Nothing else changes.
 */
export function entryForStack(entry: CursorEntry, stack: Stack): EntryCommand {
  const names = new Map(SERVICES.map((s) => [`${DEFAULT_PREFIX}-${s}`, stack.containers[s]]))
  const gatewayUrl = `http://localhost:${stack.ports.gateway}/mcp`
  const issuer = `http://localhost:${stack.ports.oauth2}`
  const args = entry.args.map(
    (a) =>
      names.get(a) ?? (a === DEFAULT_GATEWAY_URL ? gatewayUrl : a === DEFAULT_ISSUER ? issuer : a),
  )
  const env = Object.fromEntries(
    Object.entries(entry.env ?? {}).map(([key, value]) => {
      const file = /^secrets\/([\w.-]+)$/.exec(value)?.[1]
      return [key, file ? join(stack.secretsDir, file) : value]
    }),
  )
  return { command: entry.command, args, env, cwd: root }
}

export interface SampleCall {
  tool: string
  arguments: Record<string, unknown>
  /** Throws when the result is not the expected one. */
  check(result: CallToolResult): void
}

const text = (result: CallToolResult) =>
  result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')

function expect(condition: boolean, message: string, result: CallToolResult): void {
  if (!condition) throw new Error(`${message}: ${JSON.stringify(result).slice(0, 400)}`)
}

/**
 * One tools/call per server of `.cursor/mcp.json`, keyed by entry name. A new entry needs one here
 * (the test fails naming it). None of them reaches beyond this machine.
 */
export const SAMPLE_CALLS: Record<string, SampleCall> = {
  example: {
    tool: 'add',
    arguments: { a: 2, b: 3 },
    check: (r) => expect(!r.isError && r.structuredContent?.sum === 5, 'add(2, 3) is not 5', r),
  },
  'security-tools': {
    tool: 'test_pii_detection',
    arguments: { text: 'write to kim@example.com' },
    check: (r) =>
      expect(
        !r.isError &&
          Number(r.structuredContent?.totalDetections) >= 1 &&
          !JSON.stringify(r).includes('kim@example.com'),
        'the e-mail address was not detected and masked',
        r,
      ),
  },
  // The whole flow from inside the gateway container to the oauth2 service over the compose
  // network, as client mcp-gateway: metadata, token, /hello, introspection, revocation.
  'oauth2-tools': {
    tool: 'validate_oauth2_setup',
    arguments: {},
    check: (r) => expect(!r.isError && r.structuredContent?.ok === true, 'a step failed', r),
  },
  'sequential-thinking': {
    tool: 'sequentialthinking',
    arguments: {
      thought: 'one step',
      nextThoughtNeeded: false,
      thoughtNumber: 1,
      totalThoughts: 1,
    },
    check: (r) =>
      expect(!r.isError && r.structuredContent?.thoughtNumber === 1, 'thought not recorded', r),
  },
  // The gateway through connect (host): the e-mail address in the echo comes back masked by the
  // gateway's result policy (PII-4), from the in-process example server.
  gateway: {
    tool: 'echo',
    arguments: { text: 'mail kim@example.com' },
    check: (r) =>
      expect(
        !r.isError &&
          !JSON.stringify(r).includes('kim@example.com') &&
          /@example\.com/.test(text(r)),
        'the e-mail address was not masked',
        r,
      ),
  },
  // Context7 answers from its web service; a call with its required argument missing is refused
  // by the server's own validation, so the container (which has no network in tests) sends nothing.
  context7: {
    tool: 'resolve-library-id',
    arguments: {},
    check: (r) => expect(r.isError === true && /valid|required/i.test(text(r)), 'not refused', r),
  },
}
