// GATEWAY_CONFIG_FILE: which upstream servers run (built-in and stdio children), their tool
// allow-lists, scopes and timeouts, and the gateway's limits. JSON validated with valibot; every
// problem is reported at once with its path.
import * as v from 'valibot'
import { isScopeToken } from '../../shared/jwt/claims.ts'

/**
 * # File format
 *
 * ```json
 * {
 *   "defaultServers": true,
 *   "requiredScopes": ["mcp.access"],
 *   "servers": {
 *     "context7": { "enabled": false },
 *     "security": { "toolScopes": { "get_security_audit_log": ["audit.read"] } },
 *     "files": {
 *       "command": "node",
 *       "args": ["/opt/mcp/files.mjs", "--root", "/data"],
 *       "env": { "LOG_LEVEL": "info" },
 *       "envFrom": ["FILES_API_KEY"],
 *       "tools": ["read_file", "list_directory"],
 *       "scopes": ["files.read"],
 *       "callTimeoutSeconds": 30
 *     }
 *   },
 *   "limits": { "sessionIdleSeconds": 1800, "requestsPerMinute": 1200 }
 * }
 * ```
 *
 * Every field is optional; unknown fields are errors. `defaultServers: false` starts none of the
 * built-in servers (in-process `security`, `oauth2`, `example`; children `sequential-thinking`,
 * `context7`) unless the file lists one with `"enabled": true`.
 */
export interface GatewayFile {
  defaultServers?: boolean
  requiredScopes?: string[]
  servers?: Record<string, ServerEntry>
  limits?: Partial<Limits>
}

/** One `servers` entry: overrides for a built-in server, or a new stdio child. */
export interface ServerEntry {
  /** Run this server. Default: true for servers the file adds, `defaultServers` for built-ins. */
  enabled?: boolean
  /** Executable of a stdio child (required for a server that is not built in). */
  command?: string
  /** Its arguments. */
  args?: string[]
  /** Extra environment of the child (plain values: put secrets in `envFrom`). */
  env?: Record<string, string>
  /** Names of gateway environment variables (or their `_FILE` forms) passed to the child. */
  envFrom?: string[]
  /** Working directory of the child. */
  cwd?: string
  /** Allow-list of the server's tools (its own names); absent: every tool. */
  tools?: string[]
  /** Scopes a token needs for every tool of this server (besides `requiredScopes`). */
  scopes?: string[]
  /** Scopes a token needs for one tool (its own name), on top of `scopes`. */
  toolScopes?: Record<string, string[]>
  /** Call timeout of this server's tools, seconds (no progress for this long). */
  callTimeoutSeconds?: number
}

/** Limits and timeouts; every field has a default (`DEFAULT_LIMITS`). */
export interface Limits {
  /** A call with no result or progress for this long is cancelled, seconds. Default 60. */
  callTimeoutSeconds: number
  /** Longest call even with progress, seconds. Default 600. */
  maxCallSeconds: number
  /** Longest wait for an upstream to connect and list its tools, seconds. Default 15. */
  connectTimeoutSeconds: number
  /** A session without requests for this long is closed, seconds. Default 1800. */
  sessionIdleSeconds: number
  /**
   * Most sessions at once. Default 1000. At the cap, an idle session (no call in flight, no open
   * stream) of the client holding the most sessions is closed to make room; 503 only when none
   * is idle.
   */
  maxSessions: number
  /**
   * Most sessions of one client id at once; more → 429. Default 32: well below `maxSessions`,
   * so a few clients cannot take every session. At most `maxSessions`.
   */
  maxSessionsPerClient: number
  /**
   * Most tools/call requests of one client id in flight at once, over all its sessions; more →
   * 429 (JSON-RPC error, Retry-After: 1). Default 16.
   */
  maxCallsInFlightPerClient: number
  /** HTTP requests per minute per client id on /mcp; more → 429. 0 disables. Default 1200. */
  requestsPerMinute: number
  /** Largest request body, bytes; more → 413. Default 4 MiB. */
  maxBodyBytes: number
  /** How long an introspection answer is reused, seconds (0: ask every time). Default 30. */
  revocationCacheSeconds: number
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  callTimeoutSeconds: 60,
  maxCallSeconds: 600,
  connectTimeoutSeconds: 15,
  sessionIdleSeconds: 1800,
  maxSessions: 1000,
  maxSessionsPerClient: 32,
  maxCallsInFlightPerClient: 16,
  requestsPerMinute: 1200,
  maxBodyBytes: 4 * 1024 * 1024,
  revocationCacheSeconds: 30,
})

/** Server names: they become tool name prefixes and appear in logs. */
export const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/

const int = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be between ${min} and ${max}`),
    v.maxValue(max, `must be between ${min} and ${max}`),
  )
const text = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'))
const strings = v.array(v.string('must be a string'), 'must be an array of strings')
const scopes = v.array(
  v.pipe(
    v.string('must be a string'),
    v.check(isScopeToken, 'must be a scope token (RFC 6749 §3.3: no spaces or quotes)'),
  ),
  'must be an array of scopes',
)

const ServerSchema = v.strictObject({
  enabled: v.optional(v.boolean('must be true or false')),
  command: v.optional(text),
  args: v.optional(strings),
  env: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(ENV_NAME, 'must be an environment variable name')),
      v.string('must be a string'),
      'must be an object of strings',
    ),
  ),
  envFrom: v.optional(
    v.array(
      v.pipe(
        v.string('must be a string'),
        v.regex(ENV_NAME, 'must be an environment variable name'),
      ),
      'must be an array of variable names',
    ),
  ),
  cwd: v.optional(text),
  tools: v.optional(v.array(text, 'must be an array of tool names')),
  scopes: v.optional(scopes),
  toolScopes: v.optional(v.record(text, scopes, 'must be an object of scope arrays')),
  callTimeoutSeconds: v.optional(int(1, 3600)),
})

const LimitsSchema = v.strictObject({
  callTimeoutSeconds: v.optional(int(1, 3600)),
  maxCallSeconds: v.optional(int(1, 86_400)),
  connectTimeoutSeconds: v.optional(int(1, 300)),
  sessionIdleSeconds: v.optional(int(10, 86_400)),
  maxSessions: v.optional(int(1, 100_000)),
  maxSessionsPerClient: v.optional(int(1, 100_000)),
  maxCallsInFlightPerClient: v.optional(int(1, 10_000)),
  requestsPerMinute: v.optional(int(0, 1_000_000)),
  maxBodyBytes: v.optional(int(1024, 64 * 1024 * 1024)),
  revocationCacheSeconds: v.optional(int(0, 300)),
})

const FileSchema = v.strictObject({
  defaultServers: v.optional(v.boolean('must be true or false')),
  requiredScopes: v.optional(scopes),
  servers: v.optional(
    v.record(
      v.pipe(
        v.string(),
        v.regex(
          SERVER_NAME,
          'server names are 1–32 letters, digits, _ or -, starting with a letter or digit',
        ),
      ),
      ServerSchema,
      'must be an object of servers',
    ),
  ),
  limits: v.optional(LimitsSchema),
})

/** Where an issue is: `servers.files.args.1`, or `(top level)`. */
function where(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue)
  return path ?? '(top level)'
}

/** Describes a valibot issue in one line, naming unknown fields by their key. */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = where(issue)
  if (issue.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never') {
    return `${path}: unknown field`
  }
  return `${path}: ${issue.message}`
}

/**
 * Parses the file's JSON value. Returns the typed file, or the list of problems (each prefixed by
 * the caller with the file name).
 */
export function parseGatewayFile(
  json: unknown,
): { ok: true; file: GatewayFile } | { ok: false; problems: string[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problems: ['(top level): must be a JSON object'] }
  }
  const result = v.safeParse(FileSchema, json)
  if (result.success) return { ok: true, file: result.output as GatewayFile }
  return { ok: false, problems: [...new Set(result.issues.map(describeIssue))] }
}
