// An in-process transport pair for mounting a tool server inside the gateway: like the SDK's
// InMemoryTransport, but it also carries what the gateway needs across the link: the caller's
// AuthInfo to the server (without the token, MCP-A8) and, back to the client side, the id of the
// request a server notification relates to (so a tool's log lines reach the right HTTP stream).
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js'

/** What the client side's `onmessage` receives besides the message. */
export interface LinkMessageExtra extends MessageExtraInfo {
  /** For a server notification sent while handling a request: that request's id. */
  relatedRequestId?: RequestId
}

/** Send options of the client side: the SDK's plus the caller identity for the server. */
export interface LinkSendOptions extends TransportSendOptions {
  /** Delivered to the server as `extra.authInfo` (set `token` to '' : never the real token). */
  authInfo?: AuthInfo
}

class LinkEnd implements Transport {
  other: LinkEnd | undefined
  readonly #queue: Array<[JSONRPCMessage, LinkMessageExtra]> = []
  #started = false
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage, extra?: LinkMessageExtra) => void

  constructor(private readonly side: 'client' | 'server') {}

  async start(): Promise<void> {
    this.#started = true
    while (this.#queue.length > 0) {
      const [message, extra] = this.#queue.shift()!
      this.onmessage?.(message, extra)
    }
  }

  deliver(message: JSONRPCMessage, extra: LinkMessageExtra): void {
    if (this.#started && this.onmessage) this.onmessage(message, extra)
    else this.#queue.push([message, extra])
  }

  async send(message: JSONRPCMessage, options?: LinkSendOptions): Promise<void> {
    const other = this.other
    if (!other) throw new Error('Not connected')
    // No copy: each side's SDK parses what it receives into new objects (zod), as from a wire.
    if (this.side === 'client')
      other.deliver(message, options?.authInfo ? { authInfo: options.authInfo } : {})
    else
      other.deliver(
        message,
        options?.relatedRequestId !== undefined
          ? { relatedRequestId: options.relatedRequestId }
          : {},
      )
  }

  async close(): Promise<void> {
    const other = this.other
    if (!other) return
    this.other = undefined
    await other.close()
    this.onclose?.()
  }
}

/** A linked pair: give the first to the gateway's SDK `Client`, the second to the tool server. */
export function createInProcessLink(): [client: Transport, server: Transport] {
  const client = new LinkEnd('client')
  const server = new LinkEnd('server')
  client.other = server
  server.other = client
  return [client, server]
}
