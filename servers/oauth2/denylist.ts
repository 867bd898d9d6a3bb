// Revoked token ids (jti) kept until the token's own expiry (RFC 7009 §2.1 "cannot be used again", RV-5).

/** Where revocations are kept across restarts (the Node entry's file, OAUTH2_REVOCATION_FILE). */
export interface DenylistStore {
  /** Makes one revocation durable before the revocation is answered with 200. */
  append(jti: string, exp: number): Promise<void>
}

/** Options of `createDenylist`. */
export interface DenylistOptions {
  /** Most revoked ids kept at once; expired ones are purged first. Default 100 000. */
  maxEntries?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
  /** Revocations loaded at start-up (`[jti, exp]`); expired ones are skipped. Default none. */
  entries?: Iterable<readonly [string, number]>
  /** Persistence of new revocations. Default none: a restart forgets them. */
  store?: DenylistStore
}

/** `ok`; `full` (RV-4: answer 503, the token stays valid); `unsaved` (revoked here, not durable). */
export type DenylistAddResult = 'ok' | 'full' | 'unsaved'

export interface Denylist {
  /**
   * Adds `jti` until `exp` (seconds since the epoch) and persists it. `full` when the list is
   * full of unexpired ids; `unsaved` when the store failed: the id is revoked in this process but
   * would be forgotten by a restart, so the caller answers 503 and the client retries (RV-4).
   */
  add(jti: string, exp: number): Promise<DenylistAddResult>
  /** True while `jti` is revoked and its token has not expired. */
  has(jti: string): boolean
  /** Ids currently kept. */
  readonly size: number
  /** Whether revocations survive a restart. */
  readonly durable: boolean
}

/**
 * Denylist in memory, optionally backed by a store. Stateless JWTs cannot be recalled, so every
 * verifier of this server (introspection, /hello) checks it after the signature.
 */
export function createDenylist(options: DenylistOptions = {}): Denylist {
  const maxEntries = options.maxEntries ?? 100_000
  const clock = options.clock ?? Date.now
  const store = options.store
  /** jti → exp in milliseconds */
  const revoked = new Map<string, number>()

  const purge = (now: number) => {
    for (const [jti, expiresAt] of revoked) if (expiresAt <= now) revoked.delete(jti)
  }
  const remember = (jti: string, exp: number, now: number): boolean => {
    const expiresAt = exp * 1000
    if (expiresAt <= now) return true // already unusable
    if (!revoked.has(jti) && revoked.size >= maxEntries) {
      purge(now)
      if (revoked.size >= maxEntries) return false
    }
    revoked.set(jti, Math.max(expiresAt, revoked.get(jti) ?? 0))
    return true
  }

  const start = clock()
  for (const [jti, exp] of options.entries ?? []) remember(jti, exp, start)

  return {
    async add(jti, exp) {
      const now = clock()
      if (exp * 1000 <= now) return 'ok'
      if (!remember(jti, exp, now)) return 'full'
      if (!store) return 'ok'
      try {
        await store.append(jti, exp)
        return 'ok'
      } catch {
        return 'unsaved'
      }
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
    durable: store !== undefined,
  }
}
