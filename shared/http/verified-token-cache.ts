// A bounded LRU of verified access tokens, keyed by the token's SHA-256, kept until the token's `exp`.
//
// Verifying a JWT signature on every request dominates a small resource's cost; a token that
// verified once stays valid until `exp` (the key and the issuer do not change while a process
// runs), so its claims can be reused. Revocation is NOT cached: callers check their denylist on
// every request, after this lookup (RV-5).

/** Options of `cachedVerifier`. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens kept; the least recently used is dropped first. Default 10 000. */
  maxEntries?: number
  /** Current time in milliseconds. Default `Date.now`. */
  clock?: () => number
  /**
   * SHA-256 of a token as a string key (any encoding). Default `tokenDigest` (crypto.subtle, hex).
   * Runtimes with a synchronous hash may pass one: Node's `crypto.subtle.digest` costs tens of
   * microseconds per call, more than the rest of a cached request (shared/node/sha256.ts).
   */
  digest?: (token: string) => string | Promise<string>
}

interface Entry<T> {
  claims: T
  /** `exp` in milliseconds: the entry is dropped at this instant. */
  expiresAt: number
}

const hex = (bytes: Uint8Array): string => {
  let out = ''
  for (const byte of bytes) out += (byte < 16 ? '0' : '') + byte.toString(16)
  return out
}

/** SHA-256 of a token as hex: the cache never holds a usable token (LOG-1 spirit). */
export async function tokenDigest(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  return hex(new Uint8Array(digest))
}

/** A verify function with the cache in front, plus what tests and health output need. */
export interface CachedVerifier<T> {
  (token: string): Promise<T>
  /** Number of tokens cached. */
  readonly size: number
  /** Empties the cache. */
  clear(): void
}

/**
 * Wraps `verify` (which throws on an invalid token) so that a token that verified is answered
 * from memory until its `exp`. Failures are never cached. Claims must carry a numeric `exp`
 * (seconds since the epoch); a result without one is returned but not cached.
 */
export function cachedVerifier<T extends { exp?: unknown }>(
  verify: (token: string) => Promise<T>,
  options: VerifiedTokenCacheOptions = {},
): CachedVerifier<T> {
  const maxEntries = options.maxEntries ?? 10_000
  const clock = options.clock ?? Date.now
  const digest = options.digest ?? tokenDigest
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError('maxEntries must be ≥ 1')
  const entries = new Map<string, Entry<T>>()

  const cached = async (token: string): Promise<T> => {
    const hashed = digest(token)
    const key = typeof hashed === 'string' ? hashed : await hashed
    const entry = entries.get(key)
    if (entry !== undefined) {
      entries.delete(key)
      if (clock() < entry.expiresAt) {
        entries.set(key, entry) // most recently used goes last
        return entry.claims
      }
    }
    const claims = await verify(token)
    if (typeof claims.exp === 'number' && clock() < claims.exp * 1000) {
      entries.set(key, { claims, expiresAt: claims.exp * 1000 })
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    }
    return claims
  }
  return Object.defineProperties(cached, {
    size: { get: () => entries.size },
    clear: { value: () => entries.clear() },
  }) as CachedVerifier<T>
}
