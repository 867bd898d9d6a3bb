import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sha256Hex } from './hash.ts'
import { createAuditLog } from './log.ts'
import { createMemorySink } from './memory-sink.ts'
import { GENESIS_PREV, type AuditRecord } from './record.ts'
import { sealRecord } from './seal.ts'
import { verifyAuditChain, type ChainVerification } from './verify.ts'

/** Five chained lines from a real logger. */
async function chain(count = 5, resume?: { prev: string; seq: number }, recovered = false) {
  const sink = createMemorySink()
  let t = Date.UTC(2025, 0, 1)
  const log = createAuditLog({ sinks: [sink], resume, clock: () => new Date((t += 1000)) })
  if (recovered) await log.recordSystem({ event: 'audit.recovered', outcome: 'ok' })
  for (let i = 0; i < count; i++) {
    await log.record({ event: 'tool_call', tool: `t${i}`, outcome: 'ok', duration_ms: i })
  }
  const lines = sink.text().split('\n').slice(0, -1)
  return { lines, text: sink.text(), head: log.head }
}

/** The fields every verification had before keyed chains (the rest is checked elsewhere). */
const core = (r: ChainVerification) =>
  r.ok
    ? {
        ok: r.ok,
        records: r.records,
        lastHash: r.lastHash,
        lastSeq: r.lastSeq,
        anchor: r.anchor,
        truncated: r.truncated,
      }
    : r

const join = (lines: string[]) => lines.map((l) => `${l}\n`).join('')
const hashOf = (line: string) => (JSON.parse(line) as AuditRecord).hash

function broken(result: ChainVerification) {
  if (result.ok) throw new Error(`expected a broken chain, got ${JSON.stringify(result)}`)
  return result
}

test('an untouched chain verifies; lastHash is the last record hash', async () => {
  const { text, lines, head } = await chain()
  const result = core(await verifyAuditChain(text))
  assert.equal(result, {
    ok: true,
    records: 5,
    lastHash: hashOf(lines[4]!),
    lastSeq: 5,
    anchor: GENESIS_PREV,
    truncated: [],
  })
  assert.is(head.prev, hashOf(lines[4]!))
})

test('empty text verifies with no records', async () => {
  const result = core(await verifyAuditChain(''))
  assert.equal(result, {
    ok: true,
    records: 0,
    lastHash: GENESIS_PREV,
    lastSeq: 0,
    anchor: GENESIS_PREV,
    truncated: [],
  })
})

test('tamper: an edited field is caught at that line (hash_mismatch)', async () => {
  const { lines } = await chain()
  lines[2] = lines[2]!.replace('"outcome":"ok"', '"outcome":"error"')
  const result = broken(await verifyAuditChain(join(lines)))
  assert.is(result.line, 3)
  assert.is(result.reason, 'hash_mismatch')
  assert.is(result.records, 2)
})

test('tamper: an edit that only changes spacing is caught (the raw line is hashed)', async () => {
  const { lines } = await chain()
  lines[1] = lines[1]!.replace('"seq":2', '"seq": 2')
  const result = broken(await verifyAuditChain(join(lines)))
  assert.is(result.line, 2)
  assert.is(result.reason, 'hash_mismatch')
})

test('tamper: a deleted line is caught at the line after it (prev_mismatch)', async () => {
  const { lines } = await chain()
  lines.splice(2, 1)
  const result = broken(await verifyAuditChain(join(lines)))
  assert.is(result.line, 3)
  assert.is(result.reason, 'prev_mismatch')
  assert.match(result.message, /records missing/)
})

test('tamper: deleting the first line is caught (chain no longer starts at genesis)', async () => {
  const { lines } = await chain()
  const result = broken(await verifyAuditChain(join(lines.slice(1)), { anchor: GENESIS_PREV }))
  assert.is(result.line, 1)
  assert.is(result.reason, 'prev_mismatch')
})

test('tamper: reordered lines are caught at the first moved line', async () => {
  const { lines } = await chain()
  ;[lines[2], lines[3]] = [lines[3]!, lines[2]!]
  const result = broken(await verifyAuditChain(join(lines)))
  assert.is(result.line, 3)
  assert.is(result.reason, 'prev_mismatch')
})

test('tamper: an inserted well-formed record is caught at the next original line', async () => {
  const { lines } = await chain()
  const forged = await sealRecord({
    ts: '2025-01-01T00:00:02.500Z',
    seq: 3,
    event: 'tool_call',
    outcome: 'ok',
    prev: hashOf(lines[1]!),
  })
  lines.splice(2, 0, forged.line.trimEnd())
  const result = broken(await verifyAuditChain(join(lines)))
  // The original record after it continues a record that already has a successor: a fork.
  assert.is(result.line, 4)
  assert.is(result.reason, 'forked')
})

test('tamper: a duplicated line is caught', async () => {
  const { lines } = await chain()
  lines.splice(2, 0, lines[1]!)
  const result = broken(await verifyAuditChain(join(lines)))
  assert.is(result.line, 3)
  assert.is(result.reason, 'forked')
})

test('seq_gap: links intact but seq skips', async () => {
  const first = await sealRecord({
    ts: '2025-01-01T00:00:01.000Z',
    seq: 1,
    event: 'server_start',
    outcome: 'ok',
    prev: GENESIS_PREV,
  })
  const second = await sealRecord({
    ts: '2025-01-01T00:00:02.000Z',
    seq: 3,
    event: 'server_start',
    outcome: 'ok',
    prev: first.record.hash,
  })
  const result = broken(await verifyAuditChain(first.line + second.line))
  assert.is(result.line, 2)
  assert.is(result.reason, 'seq_gap')
  const late = await sealRecord({ ...first.record, seq: 2 })
  assert.is(broken(await verifyAuditChain(late.line)).reason, 'seq_gap')
})

test('invalid_json and invalid_record name the line', async () => {
  const { lines } = await chain()
  const garbage = [...lines]
  garbage.splice(1, 0, 'hello')
  assert.equal(pick(broken(await verifyAuditChain(join(garbage)))), [2, 'invalid_json'])
  const empty = [...lines]
  empty.splice(3, 0, '')
  assert.equal(pick(broken(await verifyAuditChain(join(empty)))), [4, 'invalid_json'])
  const extra = [...lines]
  extra[1] = extra[1]!.replace('{"ts"', '{"args":{"q":1},"ts"')
  assert.equal(pick(broken(await verifyAuditChain(join(extra)))), [2, 'invalid_record'])
  const crlf = lines.map((l) => `${l}\r`)
  assert.equal(pick(broken(await verifyAuditChain(join(crlf)))), [1, 'invalid_record'])
})

test('a non-canonical line is refused even when its hash was recomputed', async () => {
  const { lines } = await chain(1)
  const record = JSON.parse(lines[0]!) as AuditRecord
  const { hash: _hash, ...fields } = record
  const { seq, ...rest } = fields
  const reordered = JSON.stringify({ seq, ...rest })
  const forged = `${reordered.slice(0, -1)},"hash":"${await sha256Hex(reordered)}"}`
  const result = broken(await verifyAuditChain(`${forged}\n`))
  assert.equal(pick(result), [1, 'invalid_record'])
  assert.match(result.message, /canonical/)
})

test('truncation: a cut last line (crash mid-write) is reported, the rest verifies', async () => {
  const { lines } = await chain()
  const cut = `${join(lines.slice(0, 4))}${lines[4]!.slice(0, 40)}`
  const result = core(await verifyAuditChain(cut))
  assert.equal(result, {
    ok: true,
    records: 4,
    lastHash: hashOf(lines[3]!),
    lastSeq: 4,
    anchor: GENESIS_PREV,
    truncated: [5],
  })
})

test('truncation: a cut line the writer recorded recovering from (audit.recovered) verifies', async () => {
  const { lines } = await chain(3)
  const partial = lines[2]!.slice(0, 1)
  const before = lines.slice(0, 2)
  const after = await chain(2, { prev: hashOf(lines[1]!), seq: 2 }, true)
  const text = join([...before, partial, ...after.lines])
  const result = await verifyAuditChain(text)
  assert.ok(result.ok)
  if (result.ok) {
    assert.is(result.records, 5)
    assert.equal(result.truncated, [3])
    assert.is(result.lastSeq, 5)
  }
})

test('foreign line: junk starting like a record, with the chain continuing over it, is refused', async () => {
  const { lines } = await chain(4)
  // Before keyed chains this was accepted as a crash-cut line: the chain links over it.
  lines.splice(2, 0, '{"ts":"2025-01-01T00:00:00.000Z","event":"forged, not JSON')
  assert.equal(pick(broken(await verifyAuditChain(join(lines)))), [3, 'foreign_line'])
  lines[2] = '{"ts":"'
  assert.equal(pick(broken(await verifyAuditChain(join(lines)))), [3, 'foreign_line'])
})

test('truncation is not a loophole: a cut line the chain does not continue over is a foreign line', async () => {
  const { lines } = await chain()
  lines[2] = lines[2]!.slice(0, 60)
  const result = broken(await verifyAuditChain(join(lines)))
  assert.equal(pick(result), [3, 'foreign_line'])
})

test('truncation: a record edited after a cut line is reported at the edited line', async () => {
  const { lines } = await chain(3)
  const after = await chain(2, { prev: hashOf(lines[1]!), seq: 2 }, true)
  const edited = after.lines[1]!.replace('"tool":"t0"', '"tool":"tX"')
  const text = join([lines[0]!, lines[1]!, lines[2]!.slice(0, 30), after.lines[0]!, edited])
  assert.equal(pick(broken(await verifyAuditChain(text))), [5, 'hash_mismatch'])
})

test('anchor: a rotated file verifies alone (anchor reported) and against its expected anchor', async () => {
  const { lines } = await chain()
  const rotated = join(lines.slice(2))
  const alone = await verifyAuditChain(rotated)
  assert.ok(alone.ok)
  if (alone.ok) assert.is(alone.anchor, hashOf(lines[1]!))
  const linked = await verifyAuditChain(rotated, { anchor: hashOf(lines[1]!), anchorSeq: 2 })
  assert.ok(linked.ok)
  const wrong = broken(await verifyAuditChain(rotated, { anchor: hashOf(lines[0]!) }))
  assert.equal(pick(wrong), [1, 'prev_mismatch'])
  const wrongSeq = broken(
    await verifyAuditChain(rotated, { anchor: hashOf(lines[1]!), anchorSeq: 5 }),
  )
  assert.equal(pick(wrongSeq), [1, 'seq_gap'])
})

function pick(result: { line: number; reason: string }) {
  return [result.line, result.reason]
}

test.run()
