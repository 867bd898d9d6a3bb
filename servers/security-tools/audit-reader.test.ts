import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AuditRecord } from '../../shared/audit/record.ts'
import { collectRecords, NO_AUDIT_FILE, type AuditReader } from './audit-reader.ts'

/** A reader over `count` records, one a minute from 2025-01-01T00:00Z, counting its reads. */
function fakeReader(count: number) {
  const all: AuditRecord[] = Array.from({ length: count }, (_, i) => ({
    ts: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    seq: i + 1,
    event: i % 3 === 0 ? 'server_start' : 'tool_call',
    outcome: 'ok',
    prev: '0'.repeat(64),
    hash: '1'.repeat(64),
  }))
  const windows: number[] = []
  const reader: AuditReader = {
    file: '/fake/audit.log',
    async read(limit) {
      windows.push(limit)
      return { records: all.slice(-limit).reverse(), invalidLines: 1 }
    },
    verify: NO_AUDIT_FILE.verify,
  }
  return { reader, windows }
}

test('collectRecords: newest first, up to limit, one small read without filters', async () => {
  const { reader, windows } = fakeReader(10_000)
  const found = await collectRecords(reader, { limit: 5, maxScan: 20_000 })
  assert.equal(
    found.records.map((r) => r.seq),
    [10_000, 9_999, 9_998, 9_997, 9_996],
  )
  assert.is(found.complete, false, 'older records exist')
  assert.is(found.invalidLines, 1)
  assert.equal(windows, [256])
})

test('collectRecords: a narrow filter widens the window fourfold until enough are kept', async () => {
  const { reader, windows } = fakeReader(10_000)
  const found = await collectRecords(reader, {
    limit: 3,
    maxScan: 20_000,
    accept: (r) => r.seq <= 3,
  })
  assert.equal(
    found.records.map((r) => r.seq),
    [3, 2, 1],
  )
  assert.equal(windows, [256, 1024, 4096, 16_384])
})

test('collectRecords: maxScan bounds the work; the result says it is not complete', async () => {
  const { reader, windows } = fakeReader(10_000)
  const found = await collectRecords(reader, { limit: 10, maxScan: 1000, accept: () => false })
  assert.equal(found.records, [])
  assert.is(found.scanned, 1000)
  assert.is(found.complete, false)
  assert.equal(windows, [256, 1000])
})

test('collectRecords: `since` stops the scan at the first older record (complete)', async () => {
  const { reader } = fakeReader(10_000)
  const since = Date.parse('2025-01-07T22:30:00.000Z') // record index 9990
  const found = await collectRecords(reader, { limit: 500, maxScan: 20_000, since })
  assert.is(found.records.length, 10)
  assert.is(found.records.at(-1)?.seq, 9991)
  assert.is(found.complete, true)
})

test('collectRecords: a short log is read whole and complete', async () => {
  const { reader } = fakeReader(7)
  const found = await collectRecords(reader, {
    limit: 50,
    maxScan: 20_000,
    accept: (r) => r.event === 'tool_call',
  })
  assert.equal(
    found.records.map((r) => r.seq),
    [6, 5, 3, 2],
  )
  assert.is(found.scanned, 7)
  assert.is(found.complete, true)
})

test('NO_AUDIT_FILE has no file and no records', async () => {
  assert.is(NO_AUDIT_FILE.file, undefined)
  assert.equal(await NO_AUDIT_FILE.read(10), { records: [], invalidLines: 0 })
})

test.run()
