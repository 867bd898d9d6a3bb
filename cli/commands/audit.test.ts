// `mcp-docker audit verify` against keyed, checkpointed logs: each tampering case detected, in-process.
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateCheckpointKey, importCheckpointSigner } from '../../shared/audit/checkpoint.ts'
import { importAuditKey } from '../../shared/audit/keyed.ts'
import { sealRecord } from '../../shared/audit/seal.ts'
import type { AuditRecord } from '../../shared/audit/record.ts'
import { openAuditFileLog } from '../../shared/node/audit/file-log.ts'
import type { CliIo } from '../command.ts'
import { auditVerify } from './audit.ts'

const KEY_HEX = 'a1'.repeat(32)

async function verify(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    env: {},
    readStdin: async () => new Uint8Array(),
    stdout: (d) => void (stdout += String(d)),
    stderr: (t) => void (stderr += t),
  }
  const code = await auditVerify.run(args, io)
  return { code, stdout, stderr }
}

interface Fixture {
  dir: string
  path: string
  keyFile: string
  pubFile: string
  otherPubFile: string
}

/** A keyed log of 12 events with a checkpoint every 5 records and one on close. */
async function fixture(
  events = 12,
  options: { maxBytes?: number; maxFiles?: number } = {},
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-cli-'))
  const path = join(dir, 'audit.log')
  const keyFile = join(dir, 'audit.key')
  const pubFile = join(dir, 'audit.pub.jwk')
  const otherPubFile = join(dir, 'other.pub.jwk')
  const pair = await generateCheckpointKey()
  await writeFile(keyFile, `${KEY_HEX}\n`)
  await writeFile(pubFile, JSON.stringify(pair.public))
  await writeFile(otherPubFile, JSON.stringify((await generateCheckpointKey()).public))
  const log = await openAuditFileLog({
    path,
    ...options,
    key: await importAuditKey(KEY_HEX),
    checkpoints: {
      signer: await importCheckpointSigner(pair.private),
      everyRecords: 5,
      everyMs: 0,
    },
  })
  for (let i = 0; i < events; i++) {
    await log.record({ event: 'tool_call', outcome: 'ok', tool: `tool_${i}`, client_id: 'agent' })
  }
  await log.close()
  return { dir, path, keyFile, pubFile, otherPubFile }
}

const keys = (f: Fixture) => ['--key', f.keyFile, '--public-key', f.pubFile]
const linesOf = async (path: string) => (await readFile(path, 'utf8')).split('\n').slice(0, -1)
const writeLines = (path: string, lines: string[]) =>
  writeFile(path, lines.map((l) => `${l}\n`).join(''))

/** Re-seals `lines` from index `from` on as an attacker without the key would: plain SHA-256, links fixed. */
async function recompute(lines: string[], from: number, keepMac: boolean) {
  let prev = (JSON.parse(lines[from - 1]!) as AuditRecord).hash
  for (let i = from; i < lines.length; i++) {
    const { hash: _h, mac, kid, ...body } = JSON.parse(lines[i]!) as AuditRecord
    const sealed = await sealRecord({ ...body, ...(keepMac ? { kid } : {}), prev })
    let line = sealed.line.trimEnd()
    if (keepMac && mac) line = `${line.slice(0, -1)},"mac":"${mac}"}`
    lines[i] = line
    prev = sealed.record.hash
  }
}

test('an intact keyed log verifies with both keys: macs, checkpoints and the published state', async () => {
  const f = await fixture()
  const r = await verify(f.path, ...keys(f))
  assert.is(r.code, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /^OK 15 record\(s\) in 1 file\(s\), chain intact/)
  assert.match(r.stdout, /keyed: 15 of 15 record\(s\), macs checked/)
  assert.match(r.stdout, /checkpoints: 3, signatures checked; last covers seq 14/)
  assert.match(r.stdout, /published checkpoint seq 14 .*present and matching/)
  // A reader with neither key still checks the links and is told what was not checked.
  const bare = await verify(f.path)
  assert.is(bare.code, 0)
  assert.match(bare.stdout, /macs NOT checked \(no --key\)/)
  await rm(f.dir, { recursive: true })
})

test('forgery with a recomputed chain: caught by the mac (--key) and by the checkpoint signature (--public-key)', async () => {
  const f = await fixture()
  const lines = await linesOf(f.path)
  lines[2] = lines[2]!.replace('"tool_2"', '"tool_X"')
  await recompute(lines, 2, true)
  await writeLines(f.path, lines)
  const withKey = await verify(f.path, '--key', f.keyFile, '--state', join(f.dir, 'none'))
  assert.is(withKey.code, 3) // an unreadable --state is a configuration error
  const macOnly = await verify(f.path, '--key', f.keyFile)
  assert.is(macOnly.code, 1)
  assert.match(macOnly.stdout, /^BROKEN .*audit\.log:3: mac_mismatch/)
  const pubOnly = await verify(f.path, '--public-key', f.pubFile)
  assert.is(pubOnly.code, 1)
  assert.match(pubOnly.stdout, /bad_checkpoint/)
  await rm(f.dir, { recursive: true })
})

test('forgery rewritten as an unkeyed chain (kid and mac stripped) fails with --key', async () => {
  const f = await fixture()
  const lines = await linesOf(f.path)
  await recompute(lines, 1, false)
  // Keep the first record keyed: every later unkeyed record is refused…
  await writeLines(f.path, lines)
  const r = await verify(f.path, '--key', f.keyFile, '--state', f.path + '.checkpoint.json')
  assert.is(r.code, 1)
  assert.match(r.stdout, /unkeyed_record/)
  // …and a file with no keyed record at all is refused too.
  const first = JSON.parse(lines[0]!) as AuditRecord
  const { hash: _h, mac: _m, kid: _k, ...body } = first
  lines[0] = (await sealRecord(body)).line.trimEnd()
  await recompute(lines, 1, false)
  await writeLines(f.path, lines)
  await rm(`${f.path}.checkpoint.json`)
  const all = await verify(f.path, '--key', f.keyFile)
  assert.is(all.code, 1)
  assert.match(all.stdout, /unkeyed_record: no record carries a mac/)
  await rm(f.dir, { recursive: true })
})

test('head truncation (records cut from the start, no rotation record) is detected', async () => {
  const f = await fixture()
  const lines = await linesOf(f.path)
  await writeLines(f.path, lines.slice(3))
  const r = await verify(f.path, ...keys(f))
  assert.is(r.code, 1)
  assert.match(r.stdout, /head_truncated/)
  await rm(f.dir, { recursive: true })
})

test('tail truncation back to (and past) the last checkpoint is detected by the published state', async () => {
  const f = await fixture()
  const lines = await linesOf(f.path)
  // Cut the last checkpoint record and the records it covers: what is left still links.
  await writeLines(f.path, lines.slice(0, 11))
  const r = await verify(f.path, ...keys(f))
  assert.is(r.code, 1)
  assert.match(
    r.stdout,
    /tail_truncated: the published checkpoint covers seq 14, the log ends at seq 11/,
  )
  // A state file replaced by one signed with another key is refused too.
  await writeLines(f.path, lines)
  const state = JSON.parse(await readFile(`${f.path}.checkpoint.json`, 'utf8'))
  const forged = await verify(f.path, '--public-key', f.otherPubFile)
  assert.is(forged.code, 1)
  assert.match(forged.stdout, /bad_checkpoint/)
  assert.is(state.seq, 14)
  await rm(f.dir, { recursive: true })
})

test('an empty file fails: against the published state, and on its own', async () => {
  const f = await fixture()
  await truncate(f.path, 0)
  const r = await verify(f.path, ...keys(f))
  assert.is(r.code, 1)
  assert.match(r.stdout, /empty|tail_truncated/)
  await rm(`${f.path}.checkpoint.json`)
  const alone = await verify(f.path)
  assert.is(alone.code, 1)
  assert.match(alone.stdout, /BROKEN .*: empty: no records/)
  await rm(f.dir, { recursive: true })
})

test('foreign lines that start like a record are refused, even where the chain links over them', async () => {
  const f = await fixture()
  const lines = await linesOf(f.path)
  lines.splice(4, 0, '{"ts":"2026-01-01T00:00:00.000Z","event":"tool_call","note":"junk')
  await writeLines(f.path, lines)
  const r = await verify(f.path, ...keys(f))
  assert.is(r.code, 1)
  assert.match(r.stdout, /audit\.log:5: foreign_line/)
  await rm(f.dir, { recursive: true })
})

test('a second writer is refused by the lock; a forced one (lock off) is reported as a fork', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-cli-'))
  const path = join(dir, 'audit.log')
  const a = await openAuditFileLog({ path })
  let refused: unknown
  await openAuditFileLog({ path }).catch((error) => (refused = error))
  assert.is((refused as { code?: string })?.code, 'ERR_AUDIT_LOCKED')
  await a.record({ event: 'server_start', outcome: 'ok' })
  // Without the lock (another host, a lock deleted by hand) both continue the same record.
  const b = await openAuditFileLog({ path, lock: false })
  await a.record({ event: 'tool_call', outcome: 'ok', tool: 'from_a' })
  await b.record({ event: 'tool_call', outcome: 'ok', tool: 'from_b' })
  await a.close()
  await b.close()
  const r = await verify(path)
  assert.is(r.code, 1)
  assert.match(
    r.stdout,
    /audit\.log:3: forked: seq 2 continues a record that already has a successor/,
  )
  // The lock was released on close: a new writer may start.
  const c = await openAuditFileLog({ path })
  await c.close()
  await rm(dir, { recursive: true })
})

test('rotation that deletes a file leaves a GAP line, not "intact", and the rest verifies', async () => {
  const f = await fixture(60, { maxBytes: 3000, maxFiles: 3 })
  const r = await verify(f.path, ...keys(f))
  assert.is(r.code, 0, r.stdout)
  assert.match(
    r.stdout,
    /^GAP seq 1-\d+: audit\.log\.2 deleted by rotation \(last deletion: recorded at seq \d+/m,
  )
  assert.match(r.stdout, /chain intact after the gap\(s\) above/)
  assert.not.match(r.stdout, /chain intact\n/)
  await rm(f.dir, { recursive: true })
})

test('an old unkeyed (plain SHA-256) log still verifies and is called unkeyed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-cli-'))
  const path = join(dir, 'audit.log')
  const log = await openAuditFileLog({ path })
  for (let i = 0; i < 3; i++) await log.record({ event: 'tool_call', outcome: 'ok', tool: `t${i}` })
  await log.close()
  const r = await verify(path)
  assert.is(r.code, 0)
  assert.match(r.stdout, /note: unkeyed chain \(plain SHA-256\)/)
  await rm(dir, { recursive: true })
})

test('unusable key files exit 3 without printing key material', async () => {
  const f = await fixture(2)
  const bad = join(f.dir, 'bad.key')
  await writeFile(bad, 'short-secret-value')
  const r = await verify(f.path, '--key', bad)
  assert.is(r.code, 3)
  assert.match(r.stderr, /cannot use the key file \(not a usable key\)/)
  assert.not.ok(r.stderr.includes('short-secret-value'))
  await rm(f.dir, { recursive: true })
})

test.run()
