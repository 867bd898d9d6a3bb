// Audit keys from the environment: files, dev-mode generation, production warnings, bad values.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateCheckpointKey, importCheckpointVerifier } from '../../audit/checkpoint.ts'
import { importAuditKey } from '../../audit/keyed.ts'
import { readAuditRecords } from '../../audit/read.ts'
import { verifyAuditChain } from '../../audit/verify.ts'
import { auditSettingsFromEnv } from './env.ts'
import { nodeAuditKey } from './key.ts'
import { checkpointStatePath, openAuditFileLog } from './file-log.ts'

test('AUDIT_KEY_FILE and AUDIT_SIGNING_KEY_FILE make a keyed, checkpointed file log with a state file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-env-'))
  const pair = await generateCheckpointKey()
  await writeFile(join(dir, 'key'), `${'d4'.repeat(32)}\n`)
  await writeFile(join(dir, 'sign.jwk'), JSON.stringify(pair.private))
  const path = join(dir, 'audit.log')
  const env = {
    AUDIT_KEY_FILE: join(dir, 'key'),
    AUDIT_SIGNING_KEY_FILE: join(dir, 'sign.jwk'),
    AUDIT_CHECKPOINT_RECORDS: '2',
  }
  const log = await openAuditFileLog({ path, env })
  for (let i = 0; i < 3; i++) await log.record({ event: 'tool_call', outcome: 'ok', tool: `t${i}` })
  await log.close()
  const text = await readFile(path, 'utf8')
  const key = await importAuditKey('d4'.repeat(32))
  const result = await verifyAuditChain(text, {
    key,
    checkpoints: await importCheckpointVerifier(pair.public),
  })
  assert.ok(result.ok && result.checkpoints === 2, JSON.stringify(result))
  const state = JSON.parse(await readFile(checkpointStatePath(path), 'utf8'))
  assert.equal([state.seq, state.alg], [4, 'Ed25519'])
  assert.is(state.hash, readAuditRecords(text)[3]!.hash)
  await rm(dir, { recursive: true })
})

test('production without keys: an unkeyed chain and two loud warnings; development creates keys once', async () => {
  const none = await auditSettingsFromEnv({})
  assert.is(none.key, undefined)
  assert.is(none.warnings.length, 2)
  assert.match(none.warnings[0]!, /WARNING no AUDIT_KEY_FILE\/AUDIT_KEY/)
  const dir = await mkdtemp(join(tmpdir(), 'audit-env-'))
  const cwd = process.cwd()
  process.chdir(dir)
  try {
    const dev = await auditSettingsFromEnv({ MCP_DOCKER_ENV: 'development' })
    const again = await auditSettingsFromEnv({ MCP_DOCKER_ENV: 'development' })
    assert.ok(dev.key && dev.checkpoints && dev.warnings.length === 0)
    assert.is(dev.key.kid, again.key!.kid, 'the same key on the next start')
    const elsewhere = await auditSettingsFromEnv({
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: join(dir, 'keys'),
    })
    assert.is.not(elsewhere.key!.kid, dev.key.kid, 'MCP_DOCKER_DEV_DIR holds its own keys')
    assert.ok((await readFile(join(dir, 'keys', 'audit-key'), 'utf8')).length > 64)
  } finally {
    process.chdir(cwd)
  }
  await rm(dir, { recursive: true })
})

test('bad values are configuration errors that name the variable, not the value', async () => {
  for (const env of [
    { AUDIT_KEY: 'too-short-secret' },
    { AUDIT_SIGNING_KEY: '{not json' },
    { AUDIT_SIGNING_KEY: JSON.stringify({ kty: 'RSA' }) },
    { AUDIT_KEY: 'e5'.repeat(32), AUDIT_KEY_FILE: '/nonexistent' },
  ]) {
    await auditSettingsFromEnv(env).then(
      () => assert.unreachable(JSON.stringify(env)),
      (error: { problems?: string[] }) => {
        assert.ok(
          error.problems?.[0]?.startsWith('AUDIT_') || error.problems?.[0]?.includes('AUDIT_KEY'),
        )
        assert.not.ok(error.problems!.join(' ').includes('too-short-secret'))
      },
    )
  }
})

test('the node:crypto audit key has the same kid and macs as the Web Crypto one', async () => {
  const text = 'f6'.repeat(32)
  const web = await importAuditKey(text)
  const node = nodeAuditKey(text)
  assert.is(node.kid, web.kid)
  const hash = 'a'.repeat(64)
  assert.is(node.mac(hash), await web.mac(hash))
})

test.run()
