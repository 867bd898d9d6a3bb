// Keyed chain and signed checkpoints: macs under the audit key, checkpoints every N records, on a timer, on close.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  generateCheckpointKey,
  importCheckpointSigner,
  importCheckpointVerifier,
  type CheckpointState,
} from './checkpoint.ts'
import { decodeAuditKey, importAuditKey } from './keyed.ts'
import { createAuditLog } from './log.ts'
import { createMemorySink } from './memory-sink.ts'
import { readAuditRecords } from './read.ts'
import { verifyAuditChain } from './verify.ts'

const KEY = 'b2'.repeat(32)

async function keyedLog(everyRecords: number, everyMs = 0) {
  const pair = await generateCheckpointKey()
  const sink = createMemorySink()
  const published: CheckpointState[] = []
  const log = createAuditLog({
    sinks: [sink],
    key: await importAuditKey(KEY),
    checkpoints: {
      signer: await importCheckpointSigner(pair.private),
      everyRecords,
      everyMs,
      onCheckpoint: (s) => published.push(s),
    },
  })
  return { log, sink, published, verifier: await importCheckpointVerifier(pair.public) }
}

test('every record carries kid and mac; the right key verifies, another key does not', async () => {
  const { log, sink } = await keyedLog(1000)
  for (let i = 0; i < 3; i++) await log.record({ event: 'tool_call', outcome: 'ok', tool: `t${i}` })
  const records = readAuditRecords(sink.text())
  const key = await importAuditKey(KEY)
  assert.ok(records.every((r) => r.kid === key.kid && /^[0-9a-f]{64}$/.test(r.mac!)))
  assert.ok((await verifyAuditChain(sink.text(), { key })).ok)
  const other = await verifyAuditChain(sink.text(), { key: await importAuditKey('c3'.repeat(32)) })
  assert.is(other.ok || other.reason, 'mac_mismatch')
})

test('a checkpoint every N records signs the head before it; the public key verifies it, state is published', async () => {
  const { log, sink, published, verifier } = await keyedLog(4)
  for (let i = 0; i < 9; i++) await log.record({ event: 'tool_call', outcome: 'ok', tool: `t${i}` })
  const records = readAuditRecords(sink.text())
  const checkpoints = records.filter((r) => r.event === 'audit.checkpoint')
  assert.equal(
    checkpoints.map((r) => r.seq),
    [5, 10],
  )
  assert.equal(
    published.map((s) => [s.seq, s.hash]),
    [
      [4, records[3]!.hash],
      [9, records[8]!.hash],
    ],
  )
  assert.is(log.lastCheckpoint?.seq, 9)
  const result = await verifyAuditChain(sink.text(), { checkpoints: verifier })
  assert.ok(result.ok && result.checkpoints === 2 && result.lastCheckpoint?.seq === 9)
  // A signature over another head does not verify.
  assert.not.ok(await verifier.verify(8, records[8]!.hash, published[1]!.sig))
})

test('close writes a final checkpoint when records were written since the last one; a timer does too', async () => {
  const { log, sink, published } = await keyedLog(1000)
  await log.record({ event: 'tool_call', outcome: 'ok' })
  await log.close()
  assert.equal(
    published.map((s) => s.seq),
    [1],
  )
  assert.is(readAuditRecords(sink.text()).at(-1)!.event, 'audit.checkpoint')
  const timed = await keyedLog(1000, 30)
  await timed.log.record({ event: 'tool_call', outcome: 'ok' })
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(
    timed.published.map((s) => s.seq),
    [1],
    'one checkpoint: no records since it, so none more',
  )
  await timed.log.close()
  assert.is(timed.published.length, 1)
})

test('an ES256 (P-256) checkpoint key works as well as Ed25519', async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as unknown as { privateKey: never }
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey)
  const signer = await importCheckpointSigner(jwk as never)
  const verifier = await importCheckpointVerifier(jwk as never)
  const sig = await signer.sign(3, 'a'.repeat(64))
  assert.ok(await verifier.verify(3, 'a'.repeat(64), sig))
  assert.not.ok(await verifier.verify(4, 'a'.repeat(64), sig))
})

test('keys are checked: short or non-key text and public JWKs for signing are refused without echoing them', async () => {
  for (const bad of ['short', 'ab'.repeat(16), 'not base64 at all!']) {
    try {
      decodeAuditKey(bad)
      assert.unreachable()
    } catch (error) {
      assert.is((error as { code?: string }).code, 'ERR_AUDIT_INVALID_OPTION')
      assert.not.ok((error as Error).message.includes(bad))
    }
  }
  const { public: pub } = await generateCheckpointKey()
  await importCheckpointSigner(pub).then(
    () => assert.unreachable(),
    (error: { code?: string }) => assert.is(error.code, 'ERR_AUDIT_INVALID_OPTION'),
  )
})

test('callers cannot write audit.* events (only the machinery does)', async () => {
  const log = createAuditLog({ sinks: [createMemorySink()] })
  await log.record({ event: 'audit.checkpoint', outcome: 'ok' }).then(
    () => assert.unreachable(),
    (error: { code?: string }) => assert.is(error.code, 'ERR_AUDIT_INVALID_EVENT'),
  )
})

test.run()
