// The guard's command line: `guard [--policy-file F] [--call-timeout S] -- <command> [args…]`.
import { GuardError } from './errors.ts'

export const USAGE = `usage: node guard.mjs [--policy-file <file>] [--call-timeout <seconds>] -- <command> [args…]

Runs the stdio MCP server <command> as a child process and applies the PII guard to its tool
calls: the argument policy before a tools/call reaches it, the result policy to its answer, one
audit record per call; every other message through the same policies (client → server:
arguments, server → client: results). See docs/guard.md.

options:
  --policy-file <file>  security policy (JSON); overrides SECURITY_POLICY_FILE
  --call-timeout <s>    cancel a tools/call with no answer or progress after this many
                        seconds (1-86400; default 60, as the gateway)
  -h, --help            show this help

environment: SECURITY_POLICY_FILE, FERNET_KEY / FERNET_KEY_FILE, AUDIT_LOG_FILE (not passed to
the child). Example: node dist/guard.mjs -- node dist/sequential-thinking.mjs`

/** What to run. */
export interface GuardArgs {
  /** `--policy-file`: replaces SECURITY_POLICY_FILE when given. */
  policyFile?: string
  /** `--call-timeout`, in seconds (1 to 86 400). Default: the relay's 60 s. */
  callTimeoutSeconds?: number
  /** The server's executable (looked up on PATH). */
  command: string
  /** Its arguments, unchanged. */
  args: string[]
}

/**
 * Parses the guard's arguments. Options come first; the server command starts after `--` (or at
 * the first argument that is not an option); everything after it belongs to the server.
 * @returns `'help'` for -h/--help
 * @throws GuardError `ERR_USAGE` for an unknown option, a missing value or a missing command
 */
export function parseGuardArgs(argv: readonly string[]): GuardArgs | 'help' {
  let policyFile: string | undefined
  let callTimeoutSeconds: number | undefined
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      i++
      break
    }
    if (arg === '-h' || arg === '--help') return 'help'
    if (arg === '--policy-file' || arg.startsWith('--policy-file=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
      if (value === undefined || value === '') {
        throw new GuardError('ERR_USAGE', '--policy-file needs a file name')
      }
      policyFile = value
      continue
    }
    if (arg === '--call-timeout' || arg.startsWith('--call-timeout=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
      const seconds = Number(value)
      if (!/^\d+$/.test(value ?? '') || seconds < 1 || seconds > 86_400) {
        throw new GuardError(
          'ERR_USAGE',
          '--call-timeout needs a whole number of seconds (1-86400)',
        )
      }
      callTimeoutSeconds = seconds
      continue
    }
    if (arg.startsWith('-')) throw new GuardError('ERR_USAGE', `unknown option ${arg}`)
    break
  }
  const [command, ...args] = argv.slice(i)
  if (command === undefined || command === '') {
    throw new GuardError('ERR_USAGE', 'no server command given (put it after --)')
  }
  return {
    ...(policyFile !== undefined ? { policyFile } : {}),
    ...(callTimeoutSeconds !== undefined ? { callTimeoutSeconds } : {}),
    command,
    args,
  }
}
