// Revoked token ids (jti) kept until the token's own expiry (RFC 7009 §2.1 "cannot be used again", RV-5),
// with a quota per client so that no client can use up the capacity others revoke with (RV-4).

/** One revocation: the token id, its expiry (seconds since the epoch) and the client it was issued to. */
export interface DenylistEntry {
  jti: string
  exp: number
  /** The token's `client_id`; `''` for entries saved before revocations named their client. */
  clientId: string
}

/** Where revocations are kept across restarts (the Node entry's file, OAUTH2_REVOCATION_FILE). */
export interface DenylistStore {
  /** Makes one revocation durable before the revocation is answered with 200. */
  append(entry: DenylistEntry): Promise<void>
  /**
   * Replaces what is stored by exactly `live` (the unexpired revocations), so the store shrinks
   * as tokens expire. Optional; a failure leaves the previous content in place.
   */
  compact?(live: DenylistEntry[]): Promise<void>
}

/** Options of `createDenylist`. */
export interface DenylistOptions {
  /**
   * Live revocations one client may hold; beyond it that client's new revocations answer
   * `quota` until one of its entries expires. Other clients are not affected. Default 10 000.
   */
  perClient?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
  /**
   * Revocations loaded at start-up; expired ones are skipped, the others are all kept (also
   * beyond a quota: a revocation is never forgotten before its token expires). Default none.
   */
  entries?: Iterable<DenylistEntry>
  /** Persistence of new revocations. Default none: a restart forgets them. */
  store?: DenylistStore
  /**
   * Expired entries leave memory in a sweep every max(`sweepEvery`, entries kept) adds (O(1) per
   * add); after a sweep the store is compacted when it holds more than twice the entries kept
   * plus `sweepEvery` lines. Default 1024.
   */
  sweepEvery?: number
}

/**
 * `ok`; `quota`: this client holds `perClient` live revocations, the token stays valid and the
 * client may retry after `retryAfter` seconds (RV-4: the caller answers 503); `unsaved`: revoked
 * in this process but not durable (the store failed), so the caller answers 503 and the client
 * retries.
 */
export type DenylistAddResult =
  { status: 'ok' } | { status: 'quota'; retryAfter: number } | { status: 'unsaved' }

export interface Denylist {
  /** Adds `jti` of `clientId`'s token until `exp` (seconds since the epoch) and persists it. */
  add(jti: string, exp: number, clientId: string): Promise<DenylistAddResult>
  /** True while `jti` is revoked and its token has not expired. */
  has(jti: string): boolean
  /** Ids currently kept. */
  readonly size: number
  /** Whether revocations survive a restart. */
  readonly durable: boolean
}

/**
 * Denylist in memory, optionally backed by a store. Stateless JWTs cannot be recalled, so every
 * verifier of this server (introspection, /hello) checks it after the signature. Memory is
 * bounded by `perClient` × the clients that revoke (plus what was loaded), never shared: a
 * client that revokes a flood of its own tokens reaches its own quota and nobody else's.
 */
export function createDenylist(options: DenylistOptions = {}): Denylist {
  const perClient = options.perClient ?? 10_000
  const clock = options.clock ?? Date.now
  const store = options.store
  const sweepEvery = options.sweepEvery ?? 1024
  if (!Number.isInteger(sweepEvery) || sweepEvery < 1)
    throw new RangeError('sweepEvery must be ≥ 1')
  if (!Number.isInteger(perClient) || perClient < 1) throw new RangeError('perClient must be ≥ 1')
  /** client id → jti → exp in milliseconds */
  const byClient = new Map<string, Map<string, number>>()
  /** jti → client id */
  const owner = new Map<string, string>()
  /** client id → before this time (ms) a purge of its entries cannot free anything */
  const nothingExpiresBefore = new Map<string, number>()
  /** Lines in the store (loaded, then appended) since it was last rewritten. */
  let storedLines = 0
  /** Adds since every client's expired entries were last dropped, and the size that sweep left. */
  let addsSinceSweep = 0
  let sizeAfterSweep = 0

  const entriesOf = (clientId: string) => {
    let entries = byClient.get(clientId)
    if (entries === undefined) byClient.set(clientId, (entries = new Map()))
    return entries
  }
  const forget = (clientId: string, jti: string) => {
    byClient.get(clientId)?.delete(jti)
    owner.delete(jti)
  }
  /** Drops `clientId`'s expired entries; returns when its earliest remaining entry expires. */
  const purge = (clientId: string, entries: Map<string, number>, now: number): number => {
    let earliest = Infinity
    for (const [jti, expiresAt] of entries) {
      if (expiresAt <= now) forget(clientId, jti)
      else earliest = Math.min(earliest, expiresAt)
    }
    nothingExpiresBefore.set(clientId, earliest)
    return earliest
  }
  const set = (jti: string, expiresAt: number, clientId: string) => {
    const entries = entriesOf(clientId)
    entries.set(jti, Math.max(expiresAt, entries.get(jti) ?? 0))
    owner.set(jti, clientId)
    // Keeps the bound true: nothing of this client expires before it.
    if (expiresAt < (nothingExpiresBefore.get(clientId) ?? -Infinity))
      nothingExpiresBefore.set(clientId, expiresAt)
  }
  const live = (now: number): DenylistEntry[] => {
    const out: DenylistEntry[] = []
    for (const [clientId, entries] of byClient)
      for (const [jti, expiresAt] of entries)
        if (expiresAt > now) out.push({ jti, exp: expiresAt / 1000, clientId })
    return out
  }

  const start = clock()
  for (const { jti, exp, clientId } of options.entries ?? []) {
    if (exp * 1000 <= start) continue
    const previous = owner.get(jti)
    if (previous !== undefined && previous !== clientId) forget(previous, jti)
    set(jti, exp * 1000, clientId)
    storedLines++
  }

  return {
    async add(jti, exp, clientId) {
      const now = clock()
      const expiresAt = exp * 1000
      if (expiresAt <= now) return { status: 'ok' } // already unusable: no entry needed
      const entries = entriesOf(clientId)
      if (!entries.has(jti) && entries.size >= perClient) {
        const earliest =
          now >= (nothingExpiresBefore.get(clientId) ?? 0)
            ? purge(clientId, entries, now)
            : nothingExpiresBefore.get(clientId)!
        if (entries.size >= perClient)
          return { status: 'quota', retryAfter: Math.max(1, Math.ceil((earliest - now) / 1000)) }
      }
      set(jti, expiresAt, clientId)
      const swept = ++addsSinceSweep > Math.max(sweepEvery, sizeAfterSweep)
      if (swept) {
        for (const [id, entries] of byClient) {
          purge(id, entries, now)
          if (entries.size === 0) byClient.delete(id)
        }
        addsSinceSweep = 0
        sizeAfterSweep = owner.size
      }
      if (!store) return { status: 'ok' }
      try {
        await store.append({ jti, exp, clientId })
        storedLines++
      } catch {
        return { status: 'unsaved' }
      }
      if (swept && store.compact && storedLines > 2 * owner.size + sweepEvery) {
        const snapshot = live(now)
        try {
          await store.compact(snapshot)
          storedLines = snapshot.length
        } catch {
          // The longer store is still correct; the next sweep tries again.
        }
      }
      return { status: 'ok' }
    },
    has(jti) {
      const clientId = owner.get(jti)
      if (clientId === undefined) return false
      const expiresAt = byClient.get(clientId)?.get(jti)
      if (expiresAt === undefined || expiresAt <= clock()) {
        forget(clientId, jti)
        return false
      }
      return true
    },
    get size() {
      return owner.size
    },
    durable: store !== undefined,
  }
}
