// In-memory fixed-window rate limiter per key, with Retry-After seconds (OA-10 brute-force guard).
//
// Memory is bounded by `maxKeys`, and the bound never erases a penalty: when the table is full,
// room is made by dropping an expired window, else the oldest window still under its limit; a
// window at its limit is kept until it expires. When every tracked key is at its limit, a new key
// is not tracked alone: all untracked keys share one window of the same limit (the overflow), so
// a flood of fresh keys neither flushes penalties nor earns unlimited attempts (RFC 6749 §2.3.1
// asks for brute-force protection; this keeps it under a spread attack).

/** Options of `createRateLimiter`. */
export interface RateLimiterOptions {
  /** Events allowed per key within one window; the next one is limited. Must be ≥ 1. */
  limit: number
  /** Window length in milliseconds; a key's window starts at its first event. Must be ≥ 1. */
  windowMs: number
  /**
   * Most keys tracked at once. When full, an expired window or else the oldest window below the
   * limit is dropped; windows at the limit are never dropped before they expire, and new keys
   * then share the overflow window. Default 10 000.
   */
  maxKeys?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
}

export interface RateLimiter {
  /**
   * Seconds until `key` may act again (0 when it is within its limit). Does not count. `limit`
   * applies a stricter limit to this check only. An untracked key answers with the overflow
   * window's wait (0 unless the table was full of penalties and the overflow is over its limit).
   */
  retryAfter(key: string, limit?: number): number
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
  /** Windows below the limit, oldest start first (a new window is always appended). */
  const open = new Map<string, Window>()
  /** Windows at the limit, in the order they reached it (close to expiry order). */
  const penalised = new Map<string, Window>()
  /** Shared by keys that could not be tracked because every slot held a penalty. */
  let overflow: Window | undefined

  const expired = (window: Window, now: number) => now - window.start >= windowMs
  const current = (key: string, now: number): Window | undefined => {
    const window = open.get(key) ?? penalised.get(key)
    if (window && expired(window, now)) {
      open.delete(key)
      penalised.delete(key)
      return undefined
    }
    return window
  }
  const sharedOverflow = (now: number): Window | undefined => {
    if (overflow && expired(overflow, now)) overflow = undefined
    return overflow
  }
  const wait = (window: Window | undefined, now: number, max = limit): number =>
    window && window.count >= max
      ? Math.max(1, Math.ceil((window.start + windowMs - now) / 1000))
      : 0
  /** Frees one slot without erasing a live penalty; false when every slot holds one. */
  const makeRoom = (now: number): boolean => {
    const penalty = penalised.entries().next().value
    if (penalty && expired(penalty[1], now)) return penalised.delete(penalty[0])
    const below = open.keys().next()
    return below.done ? false : open.delete(below.value)
  }

  return {
    retryAfter(key, max = limit) {
      const now = clock()
      const window = current(key, now)
      return wait(window ?? sharedOverflow(now), now, Math.min(max, limit))
    },
    hit(key) {
      const now = clock()
      let window = current(key, now)
      if (!window) {
        if (open.size + penalised.size >= maxKeys && !makeRoom(now)) {
          const shared = sharedOverflow(now) ?? (overflow = { start: now, count: 0 })
          shared.count++
          return wait(shared, now)
        }
        window = { start: now, count: 0 }
        open.set(key, window)
      }
      window.count++
      if (window.count === limit) {
        open.delete(key)
        penalised.set(key, window)
      }
      return wait(window, now)
    },
    reset(key) {
      open.delete(key)
      penalised.delete(key)
    },
    get size() {
      return open.size + penalised.size
    },
  }
}
