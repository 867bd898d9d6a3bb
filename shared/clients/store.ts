// In-memory client lookup and authentication over a parsed registry (constant-time, OA-11).
import type { RegisteredClient } from './registry.ts'
import { digestOfHash, secretDigest, timingSafeEqual } from './secret.ts'

export interface ClientStore {
  /** The client with this id, if registered. */
  get(clientId: string): RegisteredClient | undefined
  /** Every registered client, in file order. */
  all(): readonly RegisteredClient[]
  /**
   * The client when `secret` is its secret, else undefined. Unknown ids cost the same digest
   * and comparison as known ones, so timing tells nothing about which ids exist (OA-11).
   */
  authenticate(clientId: string, secret: string): Promise<RegisteredClient | undefined>
}

/** Compared against for unknown ids: no secret hashes to 32 zero bytes in practice. */
const NO_DIGEST = new Uint8Array(32)

/** Options of `createClientStore`. */
export interface ClientStoreOptions {
  /**
   * SHA-256 of a presented secret's UTF-8 bytes. Default `secretDigest` (crypto.subtle). Runtimes
   * with a synchronous hash may pass one (Node's subtle digest costs tens of microseconds).
   */
  digest?: (secret: string) => Uint8Array | Promise<Uint8Array>
}

export function createClientStore(
  clients: readonly RegisteredClient[],
  options: ClientStoreOptions = {},
): ClientStore {
  const digest = options.digest ?? secretDigest
  const byId = new Map<string, { client: RegisteredClient; digest: Uint8Array }>()
  for (const client of clients) {
    if (byId.has(client.clientId)) throw new TypeError(`duplicate client id ${client.clientId}`)
    byId.set(client.clientId, { client, digest: digestOfHash(client.secretHash) })
  }
  const list = [...clients]
  return {
    get: (clientId) => byId.get(clientId)?.client,
    all: () => list,
    async authenticate(clientId, secret) {
      const entry = byId.get(clientId)
      const hashed = digest(secret)
      const presented = hashed instanceof Uint8Array ? hashed : await hashed
      const match = timingSafeEqual(presented, entry?.digest ?? NO_DIGEST)
      return match && entry ? entry.client : undefined
    },
  }
}
