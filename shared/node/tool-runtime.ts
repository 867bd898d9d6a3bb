// Builds a tool server's dependencies from the environment: detector, security policy, Fernet
// keys, audit log and guard, with every configuration problem reported at once.
import { readFile } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { AUDIT_ERROR_WORD, AuditError } from '../audit/errors.ts'
import { createAuditLog, type AuditLog } from '../audit/log.ts'
import { ConfigError, ProblemList } from '../config/errors.ts'
import { FernetKeyRing, parseFernetKeys } from '../crypto/index.ts'
import { createGuard, type Guard } from '../mcp/guard/guard.ts'
import { createDeferredGuard } from '../mcp/guard/deferred.ts'
import {
  DEFAULT_SECURITY_POLICY,
  parseSecurityPolicy,
  rulesUsing,
  type SecurityPolicy,
} from '../mcp/policy-config.ts'
import type { ToolServerDeps } from '../mcp/server.ts'
import { createScrubber } from '../pii/mask-scrubber.ts'
import type { Detector } from '../pii/types.ts'
import { createCollectorLog } from './audit/collector-client.ts'
import { openAuditFileLog } from './audit/file-log.ts'
import { createStreamSink } from './audit/stream-sink.ts'
import { readSecret, readVar, type Env } from './env.ts'
import { sha256Hex } from './sha256.ts'

/**
 * Environment variables read:
 * - `SECURITY_POLICY_FILE`: JSON policy (shared/mcp/policy-config.ts, docs/mcp-servers.md).
 *   Unset: arguments pass through, results are masked, secrets always masked in results.
 * - `FERNET_KEY` (comma-separated keys, the first encrypts) or `FERNET_KEY_FILE` (one per line):
 *   required when the policy encrypts, optional otherwise.
 * - `AUDIT_LOG_FILE`: the hash-chained audit log is appended there (rotated, resumed after a
 *   restart). Unset: one JSON line per record on standard error.
 */
export interface ToolRuntimeOptions {
  /** Environment to read. Default: `process.env`. */
  env?: Env
  /** PII detector. Default: `createDetector()` over the built-in patterns (loaded on demand). */
  detector?: Detector
  /** Where audit records (without AUDIT_LOG_FILE) and operator lines go. Default: `process.stderr`. */
  stderr?: Writable
}

/** A ready runtime. */
export interface ToolRuntime {
  /** Pass to the server's `createServer(deps)`. */
  deps: ToolServerDeps
  guard: Guard
  detector: Detector
  policy: SecurityPolicy
  audit: AuditLog
  /** The Fernet key ring, when FERNET_KEY or FERNET_KEY_FILE is set. */
  encryptor?: FernetKeyRing
  /** Flushes and closes the audit log (give it to `serveStdio`'s `onShutdown`). */
  close(): Promise<void>
}

/** A runtime whose detector is not loaded yet: `deps.guard` works at once, calls wait for it. */
export interface StartingToolRuntime extends Omit<ToolRuntime, 'detector'> {
  /**
   * Loads the detector, checks the policy against its entity types and builds the guard (once;
   * the first guarded call also triggers it). Rejects with a ConfigError (an unknown entity type,
   * `allow` for a secret in results).
   */
  load(): Promise<ToolRuntime>
}

/**
 * Reads the configuration and builds the runtime, detector included.
 * @throws ConfigError listing every problem (bad policy fields, unreadable files, bad keys,
 *   `encrypt` without a key, an unwritable audit file), never a secret value
 */
export async function createToolRuntime(options: ToolRuntimeOptions = {}): Promise<ToolRuntime> {
  const starting = await startToolRuntime(options)
  try {
    return await starting.load()
  } catch (error) {
    await starting.close()
    throw error
  }
}

/**
 * Like `createToolRuntime`, but stops before the PII detector is loaded (compiling every pattern
 * costs milliseconds of cold start), so a stdio server can answer `initialize` first; `load()`
 * finishes the job.
 * Everything that needs no detector (files, JSON shape of the policy, keys, audit log) is
 * checked before this resolves, with the same ConfigError.
 */
export async function startToolRuntime(
  options: ToolRuntimeOptions = {},
): Promise<StartingToolRuntime> {
  const env = options.env ?? process.env
  const stderr = options.stderr ?? process.stderr
  const operatorLine = (line: string) => void stderr.write(`${line}\n`)
  const problems = new ProblemList()

  const keys = await readKeys(env, problems)
  const policyFile = await readPolicyFile(env, problems)
  // SECURITY_SCAN_BUDGET: characters of text one message may hold for the PII scan (issue 9 §5).
  const budgetVar = readVar(env, 'SECURITY_SCAN_BUDGET')
  const scanBudget = budgetVar === undefined ? undefined : Number(budgetVar)
  if (scanBudget !== undefined && !(/^\d+$/.test(budgetVar!) && scanBudget >= 1024))
    problems.add('SECURITY_SCAN_BUDGET: must be a whole number of characters, at least 1024')
  const policy = policyFile
    ? problems.collect(() => parseSecurityPolicy(policyFile.json, { source: policyFile.source }))
    : DEFAULT_SECURITY_POLICY
  const encrypting = rulesUsing(policy ?? policyFile?.json, 'encrypt')
  if (encrypting.length > 0 && !keys.configured) {
    problems.add(
      `SECURITY_POLICY_FILE: the policy encrypts (${encrypting.join(', ')}) but no Fernet key is configured: set FERNET_KEY or FERNET_KEY_FILE`,
    )
  }

  // The audit log masks PII in its string fields with the detector's scrubber (LOG-2). Records
  // are only written by guarded calls, which wait for the detector; until then a field that
  // needed scrubbing would be `[REDACTED]` (the audit log's rule for a throwing scrubber).
  let scrubber: ((text: string) => string) | undefined
  const scrub = (text: string) => {
    if (!scrubber) throw new Error('the PII scanner is not ready')
    return scrubber(text)
  }
  const auditPath = readVar(env, 'AUDIT_LOG_FILE')
  let audit: AuditLog | undefined
  if (problems.size === 0) {
    if (auditPath) {
      try {
        audit = await openAuditFileLog({ path: auditPath, scrub, env })
      } catch (error) {
        // A bad audit setting (AUDIT_KEY, AUDIT_SIGNING_KEY, AUDIT_SYSLOG…) names itself.
        if (error instanceof ConfigError)
          for (const problem of error.problems) problems.add(problem)
        else problems.add(`AUDIT_LOG_FILE: cannot open ${auditPath} (${errorCode(error)})`)
      }
    } else if (readVar(env, 'AUDIT_COLLECTOR_SOCKET')) {
      // Records join the chain of the process that owns the log (docs/audit.md, collector).
      audit = createCollectorLog({
        path: readVar(env, 'AUDIT_COLLECTOR_SOCKET')!,
        scrub,
        fallback: stderr,
      })
    } else {
      audit = createAuditLog({ sinks: [createStreamSink(stderr)], scrub, digest: sha256Hex })
    }
  }
  problems.throwIfAny()
  const log = audit!
  const checkedPolicy = policy!
  const encryptor = keys.ring

  const build = async (): Promise<ToolRuntime> => {
    const detector = options.detector ?? (await loadDetector())
    const typed = policyFile
      ? parseSecurityPolicy(policyFile.json, {
          knownTypes: detector.types,
          categoryOf: (type) => detector.categoryOf(type),
          source: policyFile.source,
        })
      : checkedPolicy
    const guard = createGuard({
      detector,
      policy: typed,
      audit: log,
      ...(encryptor ? { encryptor } : {}),
      ...(scanBudget !== undefined ? { scanBudget } : {}),
      onError: operatorLine,
    })
    scrubber = createScrubber(detector)
    return {
      deps: { guard, onError: operatorLine },
      guard,
      detector,
      policy: typed,
      audit: log,
      ...(encryptor ? { encryptor } : {}),
      close: () => log.close(),
    }
  }
  let loading: Promise<ToolRuntime> | undefined
  const load = () => (loading ??= build())
  const guard = createDeferredGuard(checkedPolicy, () => load().then((runtime) => runtime.guard))
  return {
    deps: { guard, onError: operatorLine },
    guard,
    policy: checkedPolicy,
    audit: log,
    ...(encryptor ? { encryptor } : {}),
    load,
    close: () => log.close(),
  }
}

/** The built-in detector, imported on demand (bundles evaluate the patterns module lazily). */
async function loadDetector(): Promise<Detector> {
  const { createDetector } = await import('../pii/detect.ts')
  try {
    return createDetector()
  } catch (error) {
    throw new ConfigError([
      `PII detector: ${error instanceof Error ? error.message : String(error)}`,
    ])
  }
}

/**
 * The Fernet key ring from FERNET_KEY / FERNET_KEY_FILE. `configured` is true when either is set,
 * also when the keys were bad (that problem is recorded here, not again as "no key").
 */
async function readKeys(
  env: Env,
  problems: ProblemList,
): Promise<{ ring?: FernetKeyRing; configured: boolean }> {
  const configured = Boolean(readVar(env, 'FERNET_KEY') ?? readVar(env, 'FERNET_KEY_FILE'))
  const text = problems.collect(() => readSecret(env, 'FERNET_KEY'))
  if (text === undefined) return { configured }
  const name = readVar(env, 'FERNET_KEY_FILE') ? 'FERNET_KEY_FILE' : 'FERNET_KEY'
  try {
    return { ring: await FernetKeyRing.create(parseFernetKeys(text)), configured }
  } catch (error) {
    // FernetKeyError messages name the key's position, never its value.
    problems.add(`${name}: ${error instanceof Error ? error.message : 'invalid keys'}`)
    return { configured }
  }
}

/** The parsed JSON of SECURITY_POLICY_FILE, undefined when unset or unreadable (a problem then). */
async function readPolicyFile(
  env: Env,
  problems: ProblemList,
): Promise<{ json: unknown; source: string } | undefined> {
  const path = readVar(env, 'SECURITY_POLICY_FILE')
  if (path === undefined) return undefined
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    problems.add(`SECURITY_POLICY_FILE: cannot read ${path} (${errorCode(error)})`)
    return undefined
  }
  try {
    return { json: JSON.parse(text), source: `SECURITY_POLICY_FILE (${path})` }
  } catch (error) {
    problems.add(`SECURITY_POLICY_FILE: ${path} is not valid JSON (${(error as Error).message})`)
    return undefined
  }
}

function errorCode(error: unknown): string {
  if (error instanceof AuditError) return AUDIT_ERROR_WORD[error.code]
  return (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.name : 'error')
}
