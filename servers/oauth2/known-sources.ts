// Sources that recently presented a client's correct secret: their own failures are all that can
// slow them (OA-10, RFC 6749 §2.3.1), so an outsider cannot starve e.g. the gateway's introspection.

/** Options of `createKnownSources`. */
export interface KnownSourcesOptions {
  /** Most sources remembered per client; the least recently successful is forgotten first. Default 16. */
  perClient?: number
  /** How long a correct secret keeps a source known, in milliseconds. Default 24 hours. */
  ttlMs?: number
  /** Failures of a known source per window before it gets 429 like any other. Default 10. */
  limit?: number
  /** The failure window in milliseconds. Default 60 000. */
  windowMs?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
}

/** A (client, source) pair that authenticated correctly within the ttl. */
export interface KnownSource {
  /** Seconds until this pair may try again after its own failures (0 when it may). */
  retryAfter(): number
  /** Counts one failed authentication of this pair. */
  fail(): void
}

export interface KnownSources {
  /** The pair, when `source` presented `clientId`'s correct secret within the ttl. */
  get(clientId: string, source: string): KnownSource | undefined
  /** Records a correct secret: the pair becomes (or stays) known for another ttl. */
  remember(clientId: string, source: string): void
}

interface Entry {
  seen: number
  start: number
  failures: number
}

/**
 * Only a correct secret adds an entry, so outsiders cannot fill this table: its size is bounded
 * by the registered clients × `perClient`, whatever the traffic.
 */
export function createKnownSources(options: KnownSourcesOptions = {}): KnownSources {
  const perClient = options.perClient ?? 16
  const ttlMs = options.ttlMs ?? 24 * 3600_000
  const limit = options.limit ?? 10
  const windowMs = options.windowMs ?? 60_000
  const clock = options.clock ?? Date.now
  if (!Number.isInteger(perClient) || perClient < 0) throw new RangeError('perClient must be ≥ 0')
  /** client id → source → entry, least recently successful first. */
  const clients = new Map<string, Map<string, Entry>>()

  return {
    get(clientId, source) {
      const entry = clients.get(clientId)?.get(source)
      const now = clock()
      if (entry === undefined || now - entry.seen >= ttlMs) return undefined
      return {
        retryAfter() {
          const now = clock()
          if (entry.failures < limit || now - entry.start >= windowMs) return 0
          return Math.max(1, Math.ceil((entry.start + windowMs - now) / 1000))
        },
        fail() {
          const now = clock()
          if (now - entry.start >= windowMs) Object.assign(entry, { start: now, failures: 0 })
          entry.failures++
        },
      }
    },
    remember(clientId, source) {
      if (perClient === 0) return
      let sources = clients.get(clientId)
      if (sources === undefined) clients.set(clientId, (sources = new Map()))
      const now = clock()
      // A success does not forget failures: a co-located guesser gains nothing from it.
      const entry = sources.get(source) ?? { seen: now, start: now, failures: 0 }
      entry.seen = now
      sources.delete(source)
      sources.set(source, entry)
      if (sources.size > perClient) sources.delete(sources.keys().next().value!)
    },
  }
}
