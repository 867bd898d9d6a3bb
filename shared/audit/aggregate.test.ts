// Aggregated refusals: one record per key per interval with a count, nothing else held back.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createAggregatingLog } from './aggregate.ts'
import { createAuditLog } from './log.ts'
import { createMemorySink } from './memory-sink.ts'
import { readAuditRecords } from './read.ts'
import { verifyAuditChain } from './verify.ts'

function setup(options = {}) {
  const sink = createMemorySink()
  const log = createAggregatingLog(createAuditLog({ sinks: [sink] }), options)
  return { sink, log, records: () => readAuditRecords(sink.text()) }
}

const refused = (client: string, request = 'r') => ({
  event: 'client_auth_failed',
  outcome: 'denied' as const,
  client_id: client,
  request_id: request,
  detail: 'invalid_client (basic)',
})

test('1000 identical refusals: the first at once, then one record with count 999', async () => {
  const { log, records } = setup()
  const first = await log.record(refused('mallory', 'req-0'))
  for (let i = 1; i < 1000; i++) void log.record(refused('mallory', `req-${i}`))
  assert.is(records().length, 1, 'only the first is written during the interval')
  assert.is(first.request_id, 'req-0')
  await log.flush()
  const all = records()
  assert.is(all.length, 2)
  assert.equal(
    { ...all[1], ts: undefined, seq: undefined, prev: undefined, hash: undefined },
    {
      ts: undefined,
      seq: undefined,
      prev: undefined,
      hash: undefined,
      event: 'client_auth_failed',
      outcome: 'denied',
      client_id: 'mallory',
      detail: 'invalid_client (basic)',
      count: 999,
    },
  )
  assert.is(
    all.reduce((n, r) => n + (r.count ?? 1), 0),
    1000,
    'sum of count ?? 1 = events',
  )
})

test('distinct clients and reasons get their own records; ok events and tool calls pass straight through', async () => {
  const { log, records } = setup()
  await log.record(refused('a'))
  await log.record(refused('b'))
  await log.record({ ...refused('a'), detail: 'no client secret' })
  await log.record({ event: 'token_issued', outcome: 'ok', client_id: 'a' })
  await log.record({ event: 'tool_call', outcome: 'denied', tool: 'x', client_id: 'a' })
  await log.record({ event: 'tool_call', outcome: 'denied', tool: 'x', client_id: 'a' })
  assert.is(records().length, 6)
  await log.close()
  assert.is(records().length, 6, 'no summary: nothing was held back')
})

test('an attacker varying client_id cannot make one record per request: overflow bucket past maxKeys', async () => {
  const { log, records, sink } = setup({ maxKeys: 10 })
  for (let i = 0; i < 5000; i++) void log.record(refused(`random-${i}`))
  await log.flush()
  const all = records()
  assert.ok(all.length <= 10 + 2, `${all.length} records`)
  assert.is(
    all.reduce((n, r) => n + (r.count ?? 1), 0),
    5000,
  )
  const overflow = all.filter((r) => r.client_id === undefined)
  assert.ok(overflow.length >= 1)
  assert.match(overflow[0]!.detail!, /aggregated/)
  assert.ok((await verifyAuditChain(sink.text())).ok)
})

test('the interval timer writes the counts without a flush', async () => {
  const { log, records } = setup({ intervalMs: 20 })
  for (let i = 0; i < 50; i++) void log.record(refused('m'))
  await new Promise((r) => setTimeout(r, 80))
  assert.equal(
    records().map((r) => r.count),
    [undefined, 49],
  )
  await log.close()
})

test.run()
