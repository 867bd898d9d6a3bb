// Test support: events a test can wait for instead of sleeping (a count that promises when it
// reaches a number). A wait that is never satisfied fails after a deadline instead of hanging
// the run; the deadline uses the real timer even while fake timers are installed.

const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

/** A count whose `reached(n)` resolves once `bump()` has been called `n` times in all. */
export interface EventCounter {
  count(): number
  bump(): void
  /** Resolves when the count reaches `n`; rejects after `deadlineMs` (default 10 s) without. */
  reached(n: number, deadlineMs?: number): Promise<void>
}

export function createCounter(name = 'event'): EventCounter {
  let value = 0
  let waiters: Array<{ n: number; resolve: () => void }> = []
  return {
    count: () => value,
    bump() {
      value++
      const ready = waiters.filter((w) => w.n <= value)
      waiters = waiters.filter((w) => w.n > value)
      for (const w of ready) w.resolve()
    },
    reached(n, deadlineMs = 10_000) {
      if (n <= value) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const timer = realSetTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done)
          reject(new Error(`${name} ${n} did not happen within ${deadlineMs} ms (count ${value})`))
        }, deadlineMs)
        const done = () => {
          realClearTimeout(timer)
          resolve()
        }
        waiters.push({ n, resolve: done })
      })
    },
  }
}

/**
 * Resolves with `check()`'s first value that is not `undefined`, asking again every `everyMs`
 * (default 20): for state another process writes (a file) that no event announces. Rejects after
 * `deadlineMs` (default 10 s) with the name of what never came; real timers, as above.
 */
export async function eventually<T>(
  name: string,
  check: () => T | undefined,
  { deadlineMs = 10_000, everyMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${name} did not happen within ${deadlineMs} ms`)
    await new Promise((resolve) => realSetTimeout(resolve, everyMs))
  }
}
