// Opens in-process upstreams: a fresh tool server (its `createServer` factory) on a new
// in-process link for every (re)connection.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { createInProcessLink } from './link.ts'

/** `UpstreamSpec.open` for a server made by `create` (called once per connection). */
export function openInProcess(create: () => Server): () => Promise<Transport> {
  return async () => {
    const [client, server] = createInProcessLink()
    await create().connect(server)
    return client
  }
}
