import { PassThrough, Writable } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AuditError } from '../../audit/errors.ts'
import { createAuditLog } from '../../audit/log.ts'
import { verifyAuditChain } from '../../audit/verify.ts'
import { createStreamSink } from './stream-sink.ts'

test('lines reach the stream in chain order; close does not end it by default', async () => {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk) => (text += chunk))
  const log = createAuditLog({ sinks: [createStreamSink(stream)] })
  await Promise.all([1, 2, 3].map(() => log.record({ event: 'server_start', outcome: 'ok' })))
  await log.close()
  assert.not.ok(stream.writableEnded)
  const result = await verifyAuditChain(text)
  assert.ok(result.ok && result.records === 3)
})

test('end: true ends the stream on close; writes after close reject with sink_closed', async () => {
  const stream = new PassThrough()
  stream.resume()
  const sink = createStreamSink(stream, { end: true })
  await sink.write('x\n')
  await sink.close!()
  assert.ok(stream.writableEnded)
  try {
    await sink.write('y\n')
    assert.unreachable('write after close')
  } catch (error) {
    assert.instance(error, AuditError)
    assert.is((error as AuditError).code, 'ERR_AUDIT_SINK_CLOSED')
  }
})

test('a write resolves only when the stream has taken it (backpressure)', async () => {
  const taken: string[] = []
  let release: () => void = () => {}
  const slow = new Writable({
    highWaterMark: 1,
    write(chunk, _encoding, callback) {
      taken.push(String(chunk))
      release = callback
    },
  })
  const sink = createStreamSink(slow)
  let done = false
  const pending = sink.write('a\n').then(() => (done = true))
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(taken, ['a\n'])
  assert.not.ok(done)
  release()
  await pending
  assert.ok(done)
})

test('a failing or destroyed stream rejects writes, the logger counts them, nothing crashes', async () => {
  const failing = new Writable({
    write(_chunk, _encoding, callback) {
      callback(new Error('EPIPE'))
    },
  })
  const log = createAuditLog({ sinks: [createStreamSink(failing)], onSinkError: () => {} })
  await log.record({ event: 'tool_call', outcome: 'ok' })
  await new Promise((resolve) => setTimeout(resolve, 10))
  await log.record({ event: 'tool_call', outcome: 'ok' })
  assert.is(log.failures, 2)
})

test.run()
