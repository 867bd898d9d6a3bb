import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sha256Hex } from './hash.ts'
import { GENESIS_PREV, canonicalBody, lineOf, recordShapeError } from './record.ts'
import { sealRecord } from './seal.ts'

const body = {
  ts: '2025-01-02T03:04:05.678Z',
  seq: 1,
  event: 'tool_call',
  prev: GENESIS_PREV,
  outcome: 'ok' as const,
  detail: 'd',
  pii: { phone: 1, email: 2 },
  tool: 'echo',
}

test('canonical body: fixed field order, absent fields omitted, pii keys sorted', () => {
  assert.is(
    canonicalBody(body),
    `{"ts":"2025-01-02T03:04:05.678Z","seq":1,"event":"tool_call","tool":"echo","pii":{"email":2,"phone":1},"outcome":"ok","detail":"d","prev":"${GENESIS_PREV}"}`,
  )
})

test('sealed line = body with hash last; hash = SHA-256 hex of the body bytes', async () => {
  const { record, line } = await sealRecord(body)
  const text = canonicalBody(body)
  assert.is(record.hash, await sha256Hex(text))
  assert.is(line, lineOf(text, record.hash))
  assert.ok(line.endsWith(`,"hash":"${record.hash}"}\n`))
  assert.equal(JSON.parse(line), record)
  assert.equal(Object.keys(record), [
    'ts',
    'seq',
    'event',
    'tool',
    'pii',
    'outcome',
    'detail',
    'prev',
    'hash',
  ])
})

test('SHA-256 known answer (FIPS 180-2 "abc")', async () => {
  assert.is(
    await sha256Hex('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  )
})

test('shape check accepts a sealed record and names the first bad field', async () => {
  const { record } = await sealRecord(body)
  assert.is(recordShapeError(record), undefined)
  assert.is(recordShapeError([]), 'not an object')
  assert.is(recordShapeError({ ...record, args: {} }), 'unknown field "args"')
  assert.is(
    recordShapeError({ ...record, ts: '2025-01-02 03:04:05' }),
    'ts is not an ISO 8601 UTC time',
  )
  assert.is(recordShapeError({ ...record, seq: 0 }), 'seq is not an integer ≥ 1')
  assert.is(recordShapeError({ ...record, outcome: 'fine' }), 'outcome is invalid')
  assert.is(recordShapeError({ ...record, hash: 'x' }), 'hash is not 64 hex')
  assert.is(recordShapeError({ ...record, tool: 1 }), 'tool is not a string')
  assert.is(
    recordShapeError({ ...record, pii: { email: -1 } }),
    'pii has a count that is not an integer ≥ 0',
  )
  assert.is(recordShapeError({ ...record, direction: 'sideways' }), 'direction is invalid')
})

test.run()
