import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AuditError } from './errors.ts'
import { createAuditLog, type AuditSink } from './log.ts'
import { createMemorySink } from './memory-sink.ts'
import { GENESIS_PREV, type AuditRecord } from './record.ts'
import { verifyAuditChain } from './verify.ts'

const fixedClock = () => new Date(Date.UTC(2025, 4, 6, 7, 8, 9, 10))
const parseLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord)

test('records link: genesis prev, seq from 1, prev = previous hash, ts ISO UTC with ms', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink], clock: fixedClock })
  const a = await log.record({ event: 'server_start', outcome: 'ok' })
  const b = await log.record({ event: 'tool_call', tool: 'echo', outcome: 'ok', param_count: 2 })
  assert.is(a.prev, GENESIS_PREV)
  assert.is(a.seq, 1)
  assert.is(b.prev, a.hash)
  assert.is(b.seq, 2)
  assert.is(a.ts, '2025-05-06T07:08:09.010Z')
  assert.equal(parseLines(sink.text()), [a, b])
  assert.equal(log.head, { prev: b.hash, seq: 2 })
  assert.ok((await verifyAuditChain(sink.text())).ok)
})

test('absent optional fields are omitted; numbers normalised; unknown properties dropped', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink], clock: fixedClock })
  const event = { event: 'tool_call', outcome: 'ok', duration_ms: 12.6, arguments: { q: 'x' } }
  const record = await log.record(event as never)
  assert.equal(Object.keys(record), [
    'ts',
    'seq',
    'event',
    'outcome',
    'duration_ms',
    'prev',
    'hash',
  ])
  assert.is(record.duration_ms, 13)
  assert.not.match(sink.text(), /arguments/)
})

test('all fields in the documented order', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink], clock: fixedClock })
  const record = await log.record({
    detail: 'E_TIMEOUT',
    request_id: 'r-1',
    param_count: 1,
    duration_ms: 5,
    outcome: 'error',
    action: 'mask',
    pii: { phone: 1, email: 3 },
    direction: 'in',
    jti: 'j-1',
    client_id: 'c-1',
    tool: 'echo',
    event: 'tool_call',
  })
  const line = sink.text()
  assert.is(
    line,
    `{"ts":"2025-05-06T07:08:09.010Z","seq":1,"event":"tool_call","tool":"echo","client_id":"c-1","jti":"j-1","direction":"in","pii":{"email":3,"phone":1},"action":"mask","outcome":"error","duration_ms":5,"param_count":1,"request_id":"r-1","detail":"E_TIMEOUT","prev":"${GENESIS_PREV}","hash":"${record.hash}"}\n`,
  )
})

test('concurrent record() calls are chained in call order (1000 at once)', async () => {
  const sink = createMemorySink()
  let writes = 0
  // A slow sink (1 ms per write): lines sealed meanwhile are batched into the next write.
  const counting: AuditSink = {
    write: async (lines) => {
      writes++
      await new Promise((resolve) => setTimeout(resolve, 1))
      await sink.write(lines)
    },
  }
  const log = createAuditLog({ sinks: [counting] })
  const records = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      log.record({ event: 'tool_call', tool: `t${i}`, outcome: 'ok' }),
    ),
  )
  records.forEach((r, i) => {
    assert.is(r.seq, i + 1)
    assert.is(r.tool, `t${i}`)
  })
  const lines = parseLines(sink.text())
  assert.equal(lines, records)
  const result = await verifyAuditChain(sink.text())
  assert.ok(result.ok && result.records === 1000)
  assert.ok(writes < 1000, `queued lines are batched (${writes} writes)`)
})

test('a sink that throws never reaches the caller; failures counted, onSinkError called', async () => {
  const good = createMemorySink()
  const bad: AuditSink = {
    write: async () => {
      throw new Error('disk full')
    },
    flush: () => {
      throw new Error('sync throw')
    },
  }
  const errors: unknown[] = []
  const log = createAuditLog({
    sinks: [bad, good],
    onSinkError: (error, sink) => {
      assert.is(sink, bad)
      errors.push(error)
    },
  })
  const record = await log.record({ event: 'tool_call', outcome: 'ok' })
  await log.record({ event: 'tool_call', outcome: 'ok' })
  assert.is(record.seq, 1)
  assert.is(log.failures, 2)
  await log.flush()
  assert.is(log.failures, 3)
  assert.is(errors.length, 3)
  assert.ok((await verifyAuditChain(good.text())).ok, 'the healthy sink still has the full chain')
})

test('a sink whose write throws synchronously, and a throwing onSinkError, still do not throw', async () => {
  const bad = {
    write: () => {
      throw new Error('sync')
    },
  } as unknown as AuditSink
  const log = createAuditLog({
    sinks: [bad],
    onSinkError: () => {
      throw new Error('handler broke')
    },
  })
  await log.record({ event: 'tool_call', outcome: 'ok' })
  await log.close()
  assert.is(log.failures, 1)
})

test('default onSinkError prints once per failure burst, again after a recovery', async () => {
  let fail = true
  const sink: AuditSink = {
    write: async () => {
      if (fail) throw Object.assign(new Error('/secret/path'), { code: 'ENOSPC' })
    },
  }
  const printed: string[] = []
  const original = console.error
  console.error = (...args: unknown[]) => void printed.push(args.join(' '))
  try {
    const log = createAuditLog({ sinks: [sink] })
    for (let i = 0; i < 3; i++) await log.record({ event: 'tool_call', outcome: 'ok' })
    fail = false
    await log.record({ event: 'tool_call', outcome: 'ok' })
    fail = true
    await log.record({ event: 'tool_call', outcome: 'ok' })
    assert.is(log.failures, 4)
  } finally {
    console.error = original
  }
  assert.is(printed.length, 2)
  assert.match(printed[0]!, /ENOSPC/)
})

test('a later sink failure leaves a visible gap: the next line no longer links', async () => {
  const sink = createMemorySink()
  let drop = false
  const flaky: AuditSink = {
    write: async (l) => (drop ? Promise.reject(new Error('x')) : sink.write(l)),
  }
  const log = createAuditLog({ sinks: [flaky], onSinkError: () => {} })
  await log.record({ event: 'a', outcome: 'ok' })
  drop = true
  await log.record({ event: 'b', outcome: 'ok' })
  drop = false
  await log.record({ event: 'c', outcome: 'ok' })
  const result = await verifyAuditChain(sink.text())
  assert.ok(!result.ok && result.line === 2 && result.reason === 'prev_mismatch')
})

test('LOG-1/LOG-2: a JWT, a Basic header and an email in detail never reach the output', async () => {
  const sink = createMemorySink()
  const maskEmails = (text: string) => text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[EMAIL]')
  const log = createAuditLog({ sinks: [sink], scrub: maskEmails })
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJhbGljZUBleGFtcGxlLmNvbSJ9.0123456789abcdefABCDEF_-xyz'
  const basic = 'Authorization: Basic YWxpY2U6czNjcjN0'
  const record = await log.record({
    event: 'client_auth_failed',
    outcome: 'rejected',
    client_id: 'alice@example.com',
    detail: `bad creds from alice@example.com token=${jwt} ${basic} Basic YWxpY2U6czNjcjN0`,
  })
  const out = sink.text()
  for (const secret of ['alice@example.com', jwt, 'eyJ', 'YWxpY2U6czNjcjN0', 's3cr3t']) {
    assert.not.ok(out.includes(secret), `output must not contain ${secret.slice(0, 12)}…`)
  }
  assert.match(record.detail!, /\[EMAIL\]/)
  assert.match(record.detail!, /\[REDACTED\]/)
  assert.is(record.client_id, '[EMAIL]')
})

test('LOG-1: the built-in scrubber runs on every string field, also with no custom scrub', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink] })
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
  await log.record({
    event: 'token_rejected',
    outcome: 'rejected',
    jti: jwt,
    tool: `Bearer ${'abcDEF123'.repeat(3)}`,
    request_id: jwt,
    client_id: 'client_secret=hunter2',
  })
  assert.not.match(sink.text(), /eyJ|abcDEF123|hunter2/)
})

test('a scrubber that throws or returns a non-string fails closed', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({
    sinks: [sink],
    scrub: (text) => {
      if (text.includes('boom')) throw new Error('scrubber bug')
      return 42 as unknown as string
    },
  })
  const a = await log.record({ event: 'e', outcome: 'ok', detail: 'boom alice@example.com' })
  const b = await log.record({ event: 'e', outcome: 'ok', detail: 'alice@example.com' })
  assert.is(a.detail, '[REDACTED]')
  assert.is(b.detail, '[REDACTED]')
})

test('LOG-3: CR/LF in any string field cannot forge a line', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink] })
  const forged = '{"ts":"2025-01-01T00:00:00.000Z","seq":2,"event":"x","outcome":"ok"}'
  const record = await log.record({
    event: 'tool_call',
    outcome: 'ok',
    tool: `echo\r\n${forged}`,
    detail: `E1\n${forged}\u0000\u2028`,
  })
  const text = sink.text()
  assert.is(text.split('\n').length, 2, 'exactly one line and its terminator')
  assert.not.match(text, /\r/)
  assert.ok(text.includes('\\r\\n'))
  assert.ok(record.tool!.startsWith('echo\r\n'))
  assert.ok((await verifyAuditChain(text)).ok)
})

test('strings are capped: detail at 256, identifiers at 128', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink] })
  const r = await log.record({
    event: 'e',
    outcome: 'ok',
    detail: 'word '.repeat(200),
    tool: 'x'.repeat(500),
  })
  assert.is(r.detail!.length, 256)
  assert.is(r.tool!.length, 128)
  assert.ok(r.detail!.endsWith('…'))
})

test('a caller bug (bad event, enum, number) rejects with invalid_event and uses no seq', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink] })
  const bad = [
    { event: 'Tool Call', outcome: 'ok' },
    { event: 'x\ny', outcome: 'ok' },
    { event: 'x', outcome: 'fine' },
    { event: 'x', outcome: 'ok', direction: 'up' },
    { event: 'x', outcome: 'ok', action: 'DROP TABLE' },
    { event: 'x', outcome: 'ok', pii: { 'e mail': 1 } },
    { event: 'x', outcome: 'ok', pii: { email: 1.5 } },
    { event: 'x', outcome: 'ok', duration_ms: -1 },
    { event: 'x', outcome: 'ok', param_count: Number.NaN },
    { event: 'x', outcome: 'ok', tool: 7 },
  ]
  for (const event of bad) {
    try {
      await log.record(event as never)
      assert.unreachable(`accepted ${JSON.stringify(event)}`)
    } catch (error) {
      assert.instance(error, AuditError)
      assert.is((error as AuditError).code, 'ERR_AUDIT_INVALID_EVENT')
    }
  }
  const ok = await log.record({ event: 'x', outcome: 'ok' })
  assert.is(ok.seq, 1)
  assert.is(sink.text().split('\n').length, 2)
})

test('resume continues an existing chain; options are checked at construction', async () => {
  const first = createMemorySink()
  const a = createAuditLog({ sinks: [first] })
  await a.record({ event: 'x', outcome: 'ok' })
  await a.record({ event: 'x', outcome: 'ok' })
  const b = createAuditLog({ sinks: [first], resume: a.head })
  const r = await b.record({ event: 'y', outcome: 'ok' })
  assert.is(r.seq, 3)
  const result = await verifyAuditChain(first.text())
  assert.ok(result.ok && result.records === 3)

  const invalid = [
    { sinks: [] },
    { sinks: [{}] },
    { sinks: [first], resume: { prev: 'abc', seq: 1 } },
    { sinks: [first], resume: { prev: GENESIS_PREV, seq: 2 } },
    { sinks: [first], resume: { prev: a.head.prev, seq: -1 } },
  ]
  for (const options of invalid) {
    assert.throws(
      () => createAuditLog(options as never),
      (e: unknown) => e instanceof AuditError && e.code === 'ERR_AUDIT_INVALID_OPTION',
    )
  }
})

test('close flushes and closes every sink once; records after close fail in the sink, not the caller', async () => {
  const calls: string[] = []
  let closed = false
  const sink: AuditSink = {
    write: async () => {
      calls.push('write')
      if (closed) throw new AuditError('ERR_AUDIT_SINK_CLOSED', 'closed')
    },
    flush: async () => void calls.push('flush'),
    close: async () => void (calls.push('close'), (closed = true)),
  }
  const log = createAuditLog({ sinks: [sink], onSinkError: () => {} })
  const pending = log.record({ event: 'x', outcome: 'ok' })
  await Promise.all([log.close(), log.close()])
  await pending
  assert.equal(calls, ['write', 'flush', 'close'])
  await log.record({ event: 'x', outcome: 'ok' })
  assert.is(log.failures, 1)
})

test.run()
