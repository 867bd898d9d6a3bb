// Revoked token ids (jti) kept until the token's own expiry (RFC 7009 §2.1 "cannot be used again", RV-5).

/** Options of `createDenylist`. */
export interface DenylistOptions {
  /** Most revoked ids kept at once; expired ones are purged first. Default 100 000. */
  maxEntries?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
}

export interface Denylist {
  /**
   * Adds `jti` until `exp` (seconds since the epoch). False when the list is full of unexpired
   * ids: the caller must then answer 503 so the client knows the token is still valid (RV-4).
   */
  add(jti: string, exp: number): boolean
  /** True while `jti` is revoked and its token has not expired. */
  has(jti: string): boolean
  /** Ids currently kept. */
  readonly size: number
}

/**
 * In-memory denylist. Stateless JWTs cannot be recalled, so every verifier in this process
 * (introspection, /hello) checks it after the signature. It lives as long as the process: a
 * restart forgets revocations (documented in docs/oauth2.md; tokens are short-lived).
 */
export function createDenylist(options: DenylistOptions = {}): Denylist {
  const maxEntries = options.maxEntries ?? 100_000
  const clock = options.clock ?? Date.now
  /** jti → exp in milliseconds */
  const revoked = new Map<string, number>()

  const purge = (now: number) => {
    for (const [jti, expiresAt] of revoked) if (expiresAt <= now) revoked.delete(jti)
  }

  return {
    add(jti, exp) {
      const now = clock()
      const expiresAt = exp * 1000
      if (expiresAt <= now) return true // already unusable
      if (!revoked.has(jti) && revoked.size >= maxEntries) {
        purge(now)
        if (revoked.size >= maxEntries) return false
      }
      revoked.set(jti, Math.max(expiresAt, revoked.get(jti) ?? 0))
      return true
    },
    has(jti) {
      const expiresAt = revoked.get(jti)
      if (expiresAt === undefined) return false
      if (expiresAt <= clock()) {
        revoked.delete(jti)
        return false
      }
      return true
    },
    get size() {
      return revoked.size
    },
  }
}
