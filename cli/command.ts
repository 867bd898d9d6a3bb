// The CLI's command contract: each command parses its own options and returns an exit code.

/** What a command may touch: injected so tests run commands in-process. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>
  /** all of standard input */
  readStdin(): Promise<Uint8Array>
  stdout(data: string | Uint8Array): void
  stderr(text: string): void
}

export interface Command {
  /** words that select it, e.g. `keys fernet` */
  name: string
  /** one line for the command list */
  summary: string
  /** full usage text shown by `--help` and on usage errors */
  usage: string
  run(args: string[], io: CliIo): Promise<number>
}

/** Exit codes, documented in `mcp-docker --help`. */
export const Exit = {
  ok: 0,
  /** the check the command performs failed (chain broken, PII rejected, token invalid) */
  failed: 1,
  /** the command line was wrong */
  usage: 2,
  /** configuration (keys, files) is missing or invalid */
  config: 3,
} as const

/** A wrong command line; printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}
