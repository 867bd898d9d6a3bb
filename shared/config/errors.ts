// Configuration errors: every problem found at start-up, one clear line each, no secret values.

/** Raised when configuration is invalid; `problems` holds one human-readable line per problem. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG'
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** Collects problems while a config is read, then throws them all at once. */
export class ProblemList {
  readonly #problems: string[] = []

  add(problem: string): void {
    this.#problems.push(problem)
  }

  /** Runs `read`, recording a thrown ConfigError's problems (or message) instead of failing fast. */
  collect<T>(read: () => T): T | undefined {
    return this.attempt(read).value
  }

  /** `collect`, also saying whether `read` failed (its problems are then recorded). */
  attempt<T>(read: () => T): { value: T | undefined; failed: boolean } {
    try {
      return { value: read(), failed: false }
    } catch (error) {
      if (error instanceof ConfigError) this.#problems.push(...error.problems)
      else this.#problems.push(error instanceof Error ? error.message : String(error))
      return { value: undefined, failed: true }
    }
  }

  get size(): number {
    return this.#problems.length
  }

  throwIfAny(): void {
    if (this.#problems.length > 0) throw new ConfigError(this.#problems)
  }
}
