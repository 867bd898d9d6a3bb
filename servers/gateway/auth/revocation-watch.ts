// Revocation of tokens that make no requests: a token holding an SSE stream open sends nothing the
// revocation check could look at, so the tokens of open streams are re-checked on a timer. A
// revocation found this way reaches the check's listeners like any other (RFC 7009 §2, RV-5).
import type { RevocationCheck } from './revocation.ts'

export interface RevocationWatchOptions {
  /** The revocation check (its cache decides whether the AS is asked again). */
  check: RevocationCheck
  /** How often every watched token is re-checked, ms (use the check's cache time). */
  everyMs: number
  /** Current time, ms. Default `Date.now`. */
  clock?: () => number
}

export interface RevocationWatch {
  /**
   * Watches the token `jti` (text `token`, expiring at `exp`, seconds) until the returned
   * function is called (once per `watch`; a token watched twice stays watched until both end).
   */
  watch(token: string, jti: string, exp: number): () => void
  /** Re-checks every watched token now (what the timer does). */
  recheck(): Promise<void>
  /** Tokens watched. */
  readonly size: number
}

interface Watched {
  token: string
  exp: number
  holders: number
}

/** The timer runs only while some token is watched. */
export function createRevocationWatch(options: RevocationWatchOptions): RevocationWatch {
  const clock = options.clock ?? Date.now
  const watched = new Map<string, Watched>()
  let timer: ReturnType<typeof setInterval> | undefined

  const recheck = async () => {
    const now = clock()
    await Promise.all(
      [...watched].map(async ([jti, { token, exp }]) => {
        // Past `exp` the verifier refuses the token; there is nothing to ask.
        if (exp * 1000 <= now) return
        await options.check.check(token, jti, exp).catch(() => undefined)
      }),
    )
  }

  return {
    watch(token, jti, exp) {
      const entry = watched.get(jti) ?? { token, exp, holders: 0 }
      entry.holders++
      watched.set(jti, entry)
      if (!timer) {
        timer = setInterval(() => void recheck(), Math.max(options.everyMs, 1000))
        ;(timer as { unref?: () => void }).unref?.()
      }
      let done = false
      return () => {
        if (done) return
        done = true
        if (--entry.holders > 0 || watched.get(jti) !== entry) return
        watched.delete(jti)
        if (watched.size === 0 && timer) {
          clearInterval(timer)
          timer = undefined
        }
      }
    },
    recheck,
    get size() {
      return watched.size
    },
  }
}
