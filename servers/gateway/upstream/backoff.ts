// Restart delays of a supervised upstream: exponential, capped, reset after a stable run.

/** Options of `restartDelay`; every field has a default. */
export interface BackoffOptions {
  /** Delay before the first restart, ms. Default 500. */
  initialDelayMs?: number
  /** Longest delay between attempts, ms. Default 30 000. */
  maxDelayMs?: number
  /** A connection that lived this long resets the delay to `initialDelayMs`, ms. Default 60 000. */
  stableAfterMs?: number
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
}

/** Delay before attempt number `failures` (1 = first restart): initial × 2^(failures−1), capped. */
export function restartDelay(failures: number, options: BackoffOptions = {}): number {
  const { initialDelayMs, maxDelayMs } = { ...DEFAULT_BACKOFF, ...options }
  const exponent = Math.min(Math.max(failures, 1) - 1, 30)
  return Math.min(maxDelayMs, initialDelayMs * 2 ** exponent)
}
