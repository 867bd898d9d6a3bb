// Answers `initialize` on stdio before the MCP SDK is even loaded (cold start): reads stdin from
// the first byte, replies to an `initialize` request from plain data, and hands every byte read
// over to the SDK transport later, which then processes the session from its start.
import type { Readable, Writable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { concatBytes } from '../http/stream.ts'
import { initializeResult, type ServerInfo } from '../mcp/initialize.ts'

/** Longest first line looked at; a longer one is left to the SDK (no early answer). */
const MAX_FIRST_LINE = 1024 * 1024

export interface EarlyStdioOptions {
  /** Default: `process.stdin`. */
  stdin?: Readable
  /** Default: `process.stdout`. */
  stdout?: Writable
}

/** What the SDK transport takes over. */
export interface EarlyHandOff {
  /** Every byte read from stdin so far, the answered `initialize` included (the SDK replays it). */
  bytes: Uint8Array
  /** Id of the `initialize` request already answered: drop the SDK's own answer to it. */
  answeredId?: string | number
  /** Stdin ended before the hand-off (the client went away). */
  ended: boolean
}

export interface EarlyStdio {
  /** Resolves once the first line was read (and answered, if it was `initialize`) or stdin ended. */
  readonly first: Promise<void>
  readonly stdin: Readable
  readonly stdout: Writable
  /** Stops reading and returns what was read. Call it right before connecting the SDK transport. */
  handOff(): EarlyHandOff
}

/**
 * Starts reading stdin. If the first line is a well-formed `initialize` request (the shape the
 * SDK's InitializeRequestSchema requires), it is answered at once with `initializeResult(info)`,
 * which equals the SDK Server's answer (shared/mcp/initialize.test.ts). Anything else is left to
 * the SDK: nothing is answered early.
 */
export function listenEarly(info: ServerInfo, options: EarlyStdioOptions = {}): EarlyStdio {
  const stdin = options.stdin ?? process.stdin
  const stdout = options.stdout ?? process.stdout
  const chunks: Uint8Array[] = []
  const decoder = new StringDecoder('utf8')
  let pending = ''
  let scanning = true
  let ended = false
  let answeredId: string | number | undefined
  let resolveFirst!: () => void
  const first = new Promise<void>((resolve) => (resolveFirst = resolve))

  const onData = (chunk: Uint8Array | string) => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    chunks.push(bytes)
    if (!scanning) return
    pending += decoder.write(bytes as Buffer)
    const end = pending.indexOf('\n')
    if (end < 0) {
      if (pending.length > MAX_FIRST_LINE) {
        scanning = false
        resolveFirst()
      }
      return
    }
    scanning = false
    const request = parseInitialize(pending.slice(0, end).replace(/\r$/, ''))
    if (request) {
      answeredId = request.id
      const response = {
        result: initializeResult(info, request.protocolVersion),
        jsonrpc: '2.0',
        id: request.id,
      }
      stdout.write(`${JSON.stringify(response)}\n`)
    }
    pending = ''
    resolveFirst()
  }
  const onEnd = () => {
    ended = true
    resolveFirst()
  }
  stdin.on('data', onData)
  stdin.on('end', onEnd)
  stdin.on('close', onEnd)

  return {
    first,
    stdin,
    stdout,
    handOff() {
      stdin.off('data', onData)
      stdin.off('end', onEnd)
      stdin.off('close', onEnd)
      scanning = false
      resolveFirst()
      const bytes = concatBytes(chunks)
      chunks.length = 0
      return { bytes, ended, ...(answeredId !== undefined ? { answeredId } : {}) }
    },
  }
}

/** The id and requested version of a well-formed `initialize` request line, else undefined. */
function parseInitialize(
  line: string,
): { id: string | number; protocolVersion: string } | undefined {
  let message: unknown
  try {
    message = JSON.parse(line)
  } catch {
    return undefined
  }
  const m = message as Record<string, unknown> | null
  const params = m?.params as Record<string, unknown> | undefined
  const clientInfo = params?.clientInfo as Record<string, unknown> | undefined
  const isObject = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
  if (
    !isObject(m) ||
    m!.jsonrpc !== '2.0' ||
    m!.method !== 'initialize' ||
    !(typeof m!.id === 'string' || Number.isInteger(m!.id)) ||
    !isObject(params) ||
    typeof params!.protocolVersion !== 'string' ||
    !isObject(params!.capabilities) ||
    !isObject(clientInfo) ||
    typeof clientInfo!.name !== 'string' ||
    typeof clientInfo!.version !== 'string'
  ) {
    return undefined
  }
  return { id: m!.id as string | number, protocolVersion: params!.protocolVersion as string }
}
