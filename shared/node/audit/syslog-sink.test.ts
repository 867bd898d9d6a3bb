// Shipping records off the box: RFC 5424 messages to a real UDP and a real TCP receiver on loopback.
import { createSocket } from 'node:dgram'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../audit/read.ts'
import { verifyAuditChain } from '../../audit/verify.ts'
import { ConfigError } from '../../config/errors.ts'
import { openAuditFileLog } from './file-log.ts'
import { createSyslogSink, formatSyslogMessage, SYSLOG_SD_ID } from './syslog-sink.ts'

/** RFC 5424 §6: <PRI>1 TS HOST APP PROCID MSGID SD BOM MSG, with our one SD element. */
const MESSAGE =
  /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\d+) (\S+) \[audit@32473 seq="(\d+)" hash="([0-9a-f]{64})" prev="([0-9a-f]{64})"[^\]]*\] \uFEFF(\{.*\})$/

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const events = [
  { event: 'tool_call', outcome: 'ok', tool: 'add', client_id: 'mcp-agent' },
  { event: 'token_rejected', outcome: 'denied', client_id: 'x' },
  { event: 'tool_call', outcome: 'rejected', tool: 'echo', pii: { ssn: 1 }, action: 'reject' },
] as const

/** The file's records and the shipped copies agree line for line; the copies verify as a chain. */
async function checkShipped(path: string, messages: string[]) {
  const text = await readFile(path, 'utf8')
  const lines = text.trim().split('\n')
  assert.is(messages.length, lines.length, 'one message per record')
  const shipped: string[] = []
  for (const [i, message] of messages.entries()) {
    const m = MESSAGE.exec(message)
    assert.ok(m, `RFC 5424 message: ${message}`)
    const record = JSON.parse(lines[i]!)
    const [, pri, ts, , app, , msgId, seq, hash, prev, body] = m
    assert.is(body, lines[i], 'MSG is the record as written')
    assert.equal(
      [Number(pri), ts, app, msgId, Number(seq), hash, prev],
      [
        13 * 8 + (record.outcome === 'ok' ? 6 : 5), // facility 13 (log audit)
        record.ts,
        'gateway',
        record.event,
        record.seq,
        record.hash,
        record.prev,
      ],
    )
    shipped.push(body!)
  }
  assert.ok((await verifyAuditChain(`${shipped.join('\n')}\n`)).ok, 'the shipped copy verifies')
  return readAuditRecords(text)
}

test('AUDIT_SYSLOG=udp://…: every record reaches a UDP receiver as an RFC 5424 message with seq/hash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-syslog-'))
  const receiver = createSocket('udp4')
  const messages: string[] = []
  receiver.on('message', (m) => messages.push(m.toString('utf8')))
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve))
  const { port } = receiver.address()
  const path = join(dir, 'gateway.jsonl')
  const log = await openAuditFileLog({
    path,
    env: {
      AUDIT_SYSLOG: `udp://127.0.0.1:${port}`,
      AUDIT_SYSLOG_APP: 'gateway',
      AUDIT_KEY: 'ab'.repeat(32),
    },
    aggregate: false,
  })
  for (const event of events) await log.record(event)
  await log.close()
  await until(() => messages.length >= 3)
  const records = await checkShipped(path, messages)
  assert.equal(
    records.map((r) => r.event),
    events.map((e) => e.event),
  )
  receiver.close()
  await rm(dir, { recursive: true })
})

test('AUDIT_SYSLOG=tcp://…: octet-counted frames (RFC 6587); records written while the receiver is down arrive once it is up', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-syslog-'))
  // A port that is free now: the receiver starts there only after the first records.
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  const problems: string[] = []
  const sink = createSyslogSink({
    url: `tcp://127.0.0.1:${port}`,
    appName: 'gateway',
    retryMs: 50,
    onProblem: (line) => problems.push(line),
  })
  const path = join(dir, 'gateway.jsonl')
  const log = await openAuditFileLog({ path, extraSinks: [sink], aggregate: false })
  const started = performance.now()
  await log.record(events[0])
  await log.flush()
  assert.ok(performance.now() - started < 500, 'the chain is not held up by the collector')
  assert.match(problems[0] ?? '', /collector unreachable \(ECONNREFUSED\); holding records/)
  let raw = Buffer.alloc(0)
  const receiver = createServer((socket) =>
    socket.on('data', (chunk) => (raw = Buffer.concat([raw, chunk]))),
  )
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve))
  await log.record(events[1])
  await log.record(events[2])
  await log.flush()
  // MSG-LEN SP SYSLOG-MSG, repeated.
  const frames = (): string[] => {
    const out: string[] = []
    let rest = raw
    for (;;) {
      const space = rest.indexOf(0x20)
      if (space < 0) break
      const length = Number(rest.subarray(0, space).toString())
      if (rest.length < space + 1 + length) break
      out.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'))
      rest = rest.subarray(space + 1 + length)
    }
    return out
  }
  await until(() => frames().length >= 3)
  await log.close()
  await checkShipped(path, frames())
  assert.equal([sink.sent, sink.dropped], [3, 0])
  await new Promise((resolve) => receiver.close(resolve))
  await rm(dir, { recursive: true })
})

test('header fields and structured data are escaped; a bad AUDIT_SYSLOG is a configuration error naming the variable', async () => {
  const line = JSON.stringify({
    ts: '2026-12-08T00:00:00.000Z',
    seq: 1,
    event: 'tool_call',
    outcome: 'ok',
    prev: 'a"]\\',
    hash: 'b',
  })
  const message = formatSyslogMessage(line, { appName: 'app', host: 'h', procId: '1' }).toString()
  assert.ok(
    message.startsWith(
      `<110>1 2026-12-08T00:00:00.000Z h app 1 tool_call [${SYSLOG_SD_ID} seq="1" hash="b" prev="a\\"\\]\\\\"] \uFEFF{`,
    ),
    message,
  )
  const dir = await mkdtemp(join(tmpdir(), 'audit-syslog-'))
  for (const bad of ['syslog.example:514', 'http://x:1', 'udp://x:0', 'udp://x']) {
    try {
      await openAuditFileLog({ path: join(dir, 'a.jsonl'), env: { AUDIT_SYSLOG: bad } })
      assert.unreachable(bad)
    } catch (error) {
      assert.instance(error, ConfigError)
      assert.match((error as Error).message, /AUDIT_SYSLOG: expected udp:\/\/host:port/)
    }
  }
  await rm(dir, { recursive: true })
})

test.run()
