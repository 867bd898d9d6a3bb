// Errors of the guard wrapper: a command line it cannot run (exit status 2, with the usage).

/** Stable codes of guard errors. */
export type GuardErrorCode =
  /** The command line is wrong (unknown option, missing value, no server command). */
  'ERR_USAGE'

export class GuardError extends Error {
  readonly code: GuardErrorCode

  constructor(code: GuardErrorCode, message: string) {
    super(message)
    this.name = 'GuardError'
    this.code = code
  }
}
