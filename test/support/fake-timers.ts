// Test support: a fake clock for the long timers of the code under test (call timeouts, retry
// delays), so a test moves time on purpose instead of racing real timers on a loaded machine.
// Short timers (below `minMs`: the SDK's and the in-memory links' own scheduling, test tools)
// stay real, so everything else keeps running as usual.

/** A timer on the fake clock. */
interface FakeTimer {
  at: number
  delay: number
  seq: number
  run: () => void
}

/** What `installFakeTimers` returns. */
export interface FakeTimers {
  /** Milliseconds the fake clock has moved since it was installed. */
  now(): number
  /** Moves the clock by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void
  /**
   * Resolves once a timer (of exactly `delay` ms, when given) is pending; at once if one is.
   * Rejects after `deadlineMs` of real time (default 10 s) without one.
   */
  scheduled(delay?: number, deadlineMs?: number): Promise<void>
  /** Delays of the pending fake timers, soonest first. */
  pending(): number[]
  /** Puts the real setTimeout / clearTimeout back. */
  restore(): void
}

export interface FakeTimersOptions {
  /** Timers of this many ms or more run on the fake clock. Default 1000. */
  minMs?: number
}

/**
 * Replaces `globalThis.setTimeout` / `clearTimeout`: timers of `minMs` or more wait for
 * `advance`; shorter ones are real. Always `restore()` (in a `finally`).
 */
export function installFakeTimers(options: FakeTimersOptions = {}): FakeTimers {
  const minMs = options.minMs ?? 1000
  const realSet = globalThis.setTimeout
  const realClear = globalThis.clearTimeout
  const timers = new Map<object, FakeTimer>()
  const watchers: Array<{ delay: number | undefined; resolve: () => void }> = []
  let now = 0
  let seq = 0

  const fakeSet = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const delay = Math.max(0, Number(ms) || 0)
    if (delay < minMs) return realSet(callback, delay, ...args)
    // A handle with the Node Timeout methods callers use (unref, ref, hasRef, refresh).
    const handle = {
      unref: () => handle,
      ref: () => handle,
      hasRef: () => true,
      refresh: () => {
        const timer = timers.get(handle)
        if (timer) timer.at = now + delay
        return handle
      },
    }
    timers.set(handle, { at: now + delay, delay, seq: seq++, run: () => callback(...args) })
    for (let i = watchers.length - 1; i >= 0; i--) {
      const wanted = watchers[i]!.delay
      if (wanted === undefined || wanted === delay) watchers.splice(i, 1)[0]!.resolve()
    }
    return handle
  }
  const fakeClear = (handle: unknown) => {
    if (handle !== null && typeof handle === 'object' && timers.has(handle)) timers.delete(handle)
    else realClear(handle as Parameters<typeof clearTimeout>[0])
  }
  globalThis.setTimeout = fakeSet as unknown as typeof setTimeout
  globalThis.clearTimeout = fakeClear as typeof clearTimeout

  const sorted = () => [...timers].sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)
  return {
    now: () => now,
    advance(ms) {
      const target = now + ms
      for (;;) {
        const due = sorted().find(([, timer]) => timer.at <= target)
        if (!due) break
        timers.delete(due[0])
        now = due[1].at
        due[1].run()
      }
      now = target
    },
    scheduled(delay, deadlineMs = 10_000) {
      const match = (timer: FakeTimer) => delay === undefined || timer.delay === delay
      if ([...timers.values()].some(match)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const what = delay === undefined ? 'a timer' : `a ${delay} ms timer`
        const deadline = realSet(() => {
          const at = watchers.findIndex((w) => w.resolve === done)
          if (at >= 0) watchers.splice(at, 1)
          reject(new Error(`${what} was not set within ${deadlineMs} ms`))
        }, deadlineMs)
        const done = () => {
          realClear(deadline)
          resolve()
        }
        watchers.push({ delay, resolve: done })
      })
    },
    pending: () => sorted().map(([, timer]) => timer.delay),
    restore() {
      globalThis.setTimeout = realSet
      globalThis.clearTimeout = realClear
    },
  }
}
