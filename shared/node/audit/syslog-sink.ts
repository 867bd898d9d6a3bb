// Audit sink that ships each record off the box as an RFC 5424 syslog message over UDP or TCP.
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { hostname } from 'node:os'
import { connect, type Socket } from 'node:net'
import type { AuditSink } from '../../audit/log.ts'
import { AuditError } from '../../audit/errors.ts'

export interface SyslogSinkOptions {
  /**
   * The collector: `udp://host:port` (RFC 5426, one message per datagram) or `tcp://host:port`
   * (RFC 6587 §3.4.1 octet counting). IPv6 hosts in brackets (`udp://[::1]:514`).
   */
  url: string
  /** APP-NAME (RFC 5424 §6.2.5), e.g. `gateway`. Default: `mcp-docker`. */
  appName?: string
  /** HOSTNAME (RFC 5424 §6.2.4). Default: `os.hostname()` (the container id in Docker). */
  host?: string
  /** Messages held while a TCP collector is unreachable; beyond that the oldest are dropped (counted). Default: 10000. */
  maxQueue?: number
  /** Wait before reconnecting to a TCP collector, in ms. Default: 1000. */
  retryMs?: number
  /** Operator lines (collector unreachable, messages dropped), at most one per 60 s. Default: `console.error`. */
  onProblem?: (line: string) => void
}

export interface SyslogSink extends AuditSink {
  /** Messages handed to the network so far, and messages dropped (queue full, send errors). */
  readonly sent: number
  readonly dropped: number
}

/**
 * RFC 5424 §6.3: SD-ID `audit@32473`. 32473 is the enterprise number RFC 5612 reserves for
 * documentation and examples; we have no number of our own, and an SD-ID with `@` cannot clash
 * with the IANA-registered ones.
 */
export const SYSLOG_SD_ID = 'audit@32473'
/** RFC 5424 §6.2.1 facility 13, "log audit". */
const FACILITY = 13
/** Largest message sent over UDP: RFC 5426 §3.2 says receivers SHOULD take 2048 octets; IPv4 UDP allows 65507. */
const MAX_UDP_BYTES = 65_507

/**
 * An `AuditSink` that sends every record line as one syslog message
 * `<PRI>1 TS HOST APP PID EVENT [audit@32473 seq="…" hash="…" prev="…"] BOM{record JSON}`:
 * the structured data carries the record's chain position, so a collector can spot gaps and
 * check the copy against the file; MSG is the record exactly as written (it verifies with
 * `audit verify` once extracted). Severity is informational for `ok`, notice otherwise.
 *
 * Shipping never holds up the chain: `write()` resolves at once. Over UDP a message the network
 * loses is lost (use TCP to be told); over TCP messages wait (up to `maxQueue`) while the
 * collector is unreachable and are sent on reconnect; what is dropped is counted and reported
 * on stderr. The file stays the record of truth; `seq` in the shipped copy shows what is missing.
 */
export function createSyslogSink(options: SyslogSinkOptions): SyslogSink {
  const target = parseSyslogUrl(options.url)
  const appName = field(options.appName ?? 'mcp-docker', 48)
  const host = field(options.host ?? hostname(), 255)
  const procId = field(String(process.pid), 128)
  const { maxQueue = 10_000, retryMs = 1000 } = options
  const onProblem = options.onProblem ?? ((line: string) => console.error(line))
  let sent = 0
  let dropped = 0
  let closed = false
  let lastComplaint = 0
  const complain = (line: string) => {
    const now = Date.now()
    if (now - lastComplaint < 60_000) return
    lastComplaint = now
    onProblem(`audit syslog: ${line} (${target.protocol}://${target.host}:${target.port})`)
  }

  let send: (message: Buffer) => void
  let closeTransport: () => Promise<void>
  if (target.protocol === 'udp') {
    const udp: UdpSocket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4')
    udp.on('error', () => undefined)
    udp.unref()
    send = (message) => {
      if (message.length > MAX_UDP_BYTES) {
        dropped++
        complain('a record longer than a UDP datagram was dropped')
        return
      }
      udp.send(message, target.port, target.host, (error) => {
        if (!error) return void sent++
        dropped++
        complain(`send failed (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      })
    }
    closeTransport = () => new Promise<void>((resolve) => udp.close(() => resolve()))
  } else {
    let socket: Socket | undefined
    let connected = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const queue: Buffer[] = []
    const drain = () => {
      while (connected && socket && queue.length > 0) {
        const message = queue.shift()!
        // RFC 6587 §3.4.1: MSG-LEN SP SYSLOG-MSG
        socket.write(Buffer.concat([Buffer.from(`${message.length} `), message]))
        sent++
      }
    }
    const open = () => {
      if (closed || socket) return
      const s = connect(target.port, target.host)
      socket = s
      s.unref()
      s.on('connect', () => {
        connected = true
        drain()
      })
      s.on('error', (error: NodeJS.ErrnoException) => {
        complain(`collector unreachable (${error.code ?? 'error'}); holding records`)
      })
      s.on('close', () => {
        connected = false
        socket = undefined
        if (!closed && !timer) {
          timer = setTimeout(() => {
            timer = undefined
            open()
          }, retryMs)
          timer.unref()
        }
      })
    }
    send = (message) => {
      if (queue.length >= maxQueue) {
        queue.shift()
        dropped++
        complain('queue full while the collector is unreachable: dropping the oldest records')
      }
      queue.push(message)
      if (connected) drain()
      else open()
    }
    closeTransport = async () => {
      if (timer) clearTimeout(timer)
      const s = socket
      if (!s) return
      if (connected) await new Promise<void>((resolve) => s.end(resolve))
      else s.destroy()
    }
    open()
  }

  return {
    async write(lines) {
      if (closed) throw new AuditError('ERR_AUDIT_SINK_CLOSED', 'the audit syslog sink is closed')
      for (const line of lines.split('\n')) {
        if (line !== '') send(formatSyslogMessage(line, { appName, host, procId }))
      }
    },
    async close() {
      if (closed) return
      closed = true
      await closeTransport()
    },
    get sent() {
      return sent
    },
    get dropped() {
      return dropped
    },
  }
}

/** One record line as an RFC 5424 message (§6): header, structured data, BOM and the line. */
export function formatSyslogMessage(
  line: string,
  header: { appName: string; host: string; procId: string },
): Buffer {
  let record: { ts?: unknown; seq?: unknown; event?: unknown; outcome?: unknown } & Record<
    string,
    unknown
  > = {}
  try {
    record = JSON.parse(line) as typeof record
  } catch {
    // not a record (cannot happen for lines the log writes): shipped as it is, without SD
  }
  const severity = record.outcome === undefined || record.outcome === 'ok' ? 6 : 5
  const ts = typeof record.ts === 'string' ? record.ts : new Date().toISOString()
  const msgId = typeof record.event === 'string' ? field(record.event, 32) : '-'
  const params = (['seq', 'hash', 'prev', 'kid', 'mac'] as const)
    .filter((name) => record[name] !== undefined)
    .map((name) => `${name}="${sdValue(String(record[name]))}"`)
  const sd = params.length > 0 ? `[${SYSLOG_SD_ID} ${params.join(' ')}]` : '-'
  const head = `<${FACILITY * 8 + severity}>1 ${ts} ${header.host} ${header.appName} ${header.procId} ${msgId} ${sd} `
  // §6.4: a UTF-8 MSG starts with the BOM.
  return Buffer.concat([Buffer.from(head), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line)])
}

/** `udp://host:port` / `tcp://host:port` → its parts; anything else is an `invalid_option`. */
export function parseSyslogUrl(url: string): {
  protocol: 'udp' | 'tcp'
  host: string
  port: number
} {
  const match = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(url ?? '')
  const port = Number(match?.[3])
  if (!match || port < 1 || port > 65_535) {
    throw new AuditError(
      'ERR_AUDIT_INVALID_OPTION',
      'AUDIT_SYSLOG: expected udp://host:port or tcp://host:port',
    )
  }
  return {
    protocol: match[1] as 'udp' | 'tcp',
    host: match[2]!.replace(/^\[|\]$/g, ''),
    port,
  }
}

/** RFC 5424 §6: header fields are PRINTUSASCII (33-126), at most `max` characters; empty is `-`. */
function field(text: string, max: number): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '_').slice(0, max)
  return clean === '' ? '-' : clean
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` in a PARAM-VALUE are escaped with `\`. */
function sdValue(text: string): string {
  return text.replace(/["\\\]]/g, (c) => `\\${c}`)
}
