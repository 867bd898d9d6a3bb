// In-memory fixed-window rate limiter per key, with Retry-After seconds (OA-10 brute-force protection).
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
  key: string
  start: number
  count: number
}

/** A FIFO of windows read from the front (arrays: a Map's front iteration skips deleted holes). */
class Queue {
  items: Window[] = []
  head = 0
  push(window: Window) {
    this.items.push(window)
  }
  peek(): Window | undefined {
    return this.items[this.head]
  }
  shift() {
    this.head++
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }
  get length() {
    return this.items.length - this.head
  }
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
  /** Every window in start order, hence expiry order; entries of dropped windows are skipped. */
  let byStart = new Queue()
  /** The same windows, left behind once they reach the limit: the eviction candidates. */
  let belowLimit = new Queue()
  /** Shared by keys that could not be tracked because every slot held a penalty. */
  let overflow: Window | undefined

  const expired = (window: Window, now: number) => now - window.start >= windowMs
  const live = (window: Window) => windows.get(window.key) === window
  const current = (key: string, now: number): Window | undefined => {
    const window = windows.get(key)
    if (window && expired(window, now)) {
      windows.delete(key)
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
  /** Drops expired windows (they sit at the front of `byStart`): O(1) amortised. */
  const trim = (now: number) => {
    for (let w = byStart.peek(); w && (!live(w) || expired(w, now)); w = byStart.peek()) {
      if (live(w)) windows.delete(w.key)
      byStart.shift()
    }
    // Entries of windows dropped out of order (reset, expiry seen by a lookup) are rebuilt away.
    if (byStart.length + belowLimit.length > 4 * windows.size + 2048) {
      byStart = new Queue()
      belowLimit = new Queue()
      for (const w of windows.values()) {
        byStart.push(w) // a Map keeps insertion order, which is start order here
        if (w.count < limit) belowLimit.push(w)
      }
    }
  }
  /** Frees one slot without erasing a live penalty; false when every slot holds one. */
  const makeRoom = (): boolean => {
    for (let w = belowLimit.peek(); w; w = belowLimit.peek()) {
      belowLimit.shift() // a window at the limit never drops below it again
      if (live(w) && w.count < limit) return windows.delete(w.key)
    }
    return false
  }

  return {
    retryAfter(key, max = limit) {
      const now = clock()
      const window = current(key, now)
      return wait(window ?? sharedOverflow(now), now, Math.min(max, limit))
    },
    hit(key) {
      const now = clock()
      trim(now)
      let window = current(key, now)
      if (!window) {
        if (windows.size >= maxKeys && !makeRoom()) {
          const shared = sharedOverflow(now) ?? (overflow = { key: '', start: now, count: 0 })
          shared.count++
          return wait(shared, now)
        }
        window = { key, start: now, count: 0 }
        windows.set(key, window)
        byStart.push(window)
        belowLimit.push(window)
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
