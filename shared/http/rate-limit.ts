// In-memory fixed-window rate limiter per key, with Retry-After seconds (OA-10 brute-force guard).

/** Options of `createRateLimiter`. */
export interface RateLimiterOptions {
  /** Events allowed per key within one window; the next one is limited. Must be ≥ 1. */
  limit: number
  /** Window length in milliseconds; a key's window starts at its first event. Must be ≥ 1. */
  windowMs: number
  /** Most keys tracked at once; the oldest windows are dropped first. Default 10 000. */
  maxKeys?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
}

export interface RateLimiter {
  /** Seconds until `key` may act again (0 when it is within its limit). Does not count. */
  retryAfter(key: string): number
  /** Counts one event for `key` and returns `retryAfter(key)` after counting. */
  hit(key: string): number
  /** Forgets `key`. */
  reset(key: string): void
  /** Number of keys currently tracked (for tests and health output). */
  readonly size: number
}

interface Window {
  start: number
  count: number
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = options
  const maxKeys = options.maxKeys ?? 10_000
  const clock = options.clock ?? Date.now
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError('rate limit must be an integer ≥ 1')
  if (!(windowMs >= 1)) throw new RangeError('rate limit window must be ≥ 1 ms')
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys must be ≥ 1')
  const windows = new Map<string, Window>()

  const current = (key: string, now: number): Window | undefined => {
    const window = windows.get(key)
    if (window && now - window.start >= windowMs) {
      windows.delete(key)
      return undefined
    }
    return window
  }
  const wait = (window: Window | undefined, now: number): number =>
    window && window.count >= limit
      ? Math.max(1, Math.ceil((window.start + windowMs - now) / 1000))
      : 0

  return {
    retryAfter(key) {
      const now = clock()
      return wait(current(key, now), now)
    },
    hit(key) {
      const now = clock()
      let window = current(key, now)
      if (!window) {
        window = { start: now, count: 0 }
        windows.set(key, window)
        if (windows.size > maxKeys) windows.delete(windows.keys().next().value!)
      }
      window.count++
      return wait(window, now)
    },
    reset(key) {
      windows.delete(key)
    },
    get size() {
      return windows.size
    },
  }
}
