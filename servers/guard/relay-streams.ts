// Connects the relay to byte streams (Web Streams: stdin/stdout of the guard, stdin/stdout of
// the child): newline framing with a size cap in, one JSON line per message out, back-pressure
// both ways, and the end of each input reported once every line from it has been handled.
import { createLineSplitter, type OversizeLine } from './lines.ts'
import { createRelay, type Relay, type RelayOptions } from './relay.ts'

/** One peer: what it writes to us, and where we write to it. */
export interface ByteStreams {
  readable: ReadableStream<Uint8Array>
  writable: WritableStream<Uint8Array>
}

export interface RelayStreamsOptions extends Omit<RelayOptions, 'toChild' | 'toClient'> {
  /** The MCP client side (the guard's stdin and stdout). */
  client: ByteStreams
  /** The child server side (its stdout and stdin). */
  child: ByteStreams
  /** Longest line relayed, each way. Default: 16 MiB (lines.ts). */
  maxLineBytes?: number
  /** The client's input ended and was handled; the child's input has been closed. */
  onClientEnd?: () => void
  /** The child's output ended and every line of it was handled. */
  onChildEnd?: () => void
  /** Writing to the client failed (it went away); later messages to it are dropped. */
  onClientGone?: (error: unknown) => void
}

export interface RelayConnection {
  relay: Relay
  /** Resolves once everything written to the client so far has been accepted by its stream. */
  flush(): Promise<void>
}

/** Starts relaying at once; see `RelayStreamsOptions` for how the ends are reported. */
export function connectRelay(options: RelayStreamsOptions): RelayConnection {
  const { note } = options
  const encoder = new TextEncoder()
  const clientWriter = options.client.writable.getWriter()
  const childWriter = options.child.writable.getWriter()
  const line = (message: unknown) => encoder.encode(`${JSON.stringify(message)}\n`)

  let clientGone = false
  let lastClientWrite: Promise<void> = Promise.resolve()
  const toClient = (message: unknown): Promise<void> | undefined => {
    if (clientGone) return undefined
    lastClientWrite = clientWriter.write(line(message)).catch((error: unknown) => {
      if (clientGone) return
      clientGone = true
      options.onClientGone?.(error)
    })
    return lastClientWrite
  }

  let childClosed = false
  const toChild = (message: unknown): Promise<void> | undefined => {
    if (childClosed) return undefined
    return childWriter.write(line(message)).catch(() => {
      if (childClosed) return
      childClosed = true
      note("guard: the server's stdin is closed; messages to it are dropped")
    })
  }

  const relay = createRelay({ ...options, toChild, toClient })

  /**
   * Reads `readable` to its end through the line splitter. After each chunk it waits for the
   * relay to handle that chunk's last line (each side's lines are handled in order), so a peer
   * that writes faster than the other reads is slowed down instead of buffered without bound.
   */
  const pump = async (
    readable: ReadableStream<Uint8Array>,
    onLine: (line: string) => Promise<void>,
    onOversize: (line: OversizeLine) => Promise<void>,
  ) => {
    let last: Promise<void> = Promise.resolve()
    const splitter = createLineSplitter({
      ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
      onLine: (text) => void (last = onLine(text)),
      onOversize: (info) => void (last = onOversize(info)),
    })
    const reader = readable.getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        splitter.push(value)
        await last
      }
    } catch {
      // A failed read is the end of that input (the peer is gone).
    }
    splitter.end()
    await last
  }

  void pump(options.client.readable, relay.fromClient, relay.clientLineTooLong).then(async () => {
    childClosed = true
    await childWriter.close().catch(() => undefined)
    options.onClientEnd?.()
  })
  void pump(options.child.readable, relay.fromChild, relay.childLineTooLong).then(() =>
    options.onChildEnd?.(),
  )

  return {
    relay,
    async flush() {
      let seen: Promise<void>
      do {
        seen = lastClientWrite
        await seen
      } while (seen !== lastClientWrite)
    },
  }
}
