// One writer per audit log: the lock refuses a live second writer and takes over stale locks.
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { lockAuditLog } from './lock.ts'

const temp = () => mkdtemp(join(tmpdir(), 'audit-lock-'))

test('the lock file holds our pid (0600); a second lock on the same log is refused; release frees it', async () => {
  const dir = await temp()
  const log = join(dir, 'audit.log')
  const lock = await lockAuditLog(log)
  const info = JSON.parse(await readFile(`${log}.lock`, 'utf8'))
  assert.is(info.pid, process.pid)
  assert.is((await stat(`${log}.lock`)).mode & 0o777, 0o600)
  await lockAuditLog(log).then(
    () => assert.unreachable(),
    (error: { code?: string }) => assert.is(error.code, 'ERR_AUDIT_LOCKED'),
  )
  await lock.release()
  await (await lockAuditLog(log)).release()
  await rm(dir, { recursive: true })
})

test('a live process of this host holding the lock refuses us', async () => {
  const dir = await temp()
  const log = join(dir, 'audit.log')
  // The parent of this test process is alive and is not us.
  await writeFile(`${log}.lock`, JSON.stringify({ pid: process.ppid, host: hostname() }))
  await lockAuditLog(log).then(
    () => assert.unreachable(),
    (error: { code?: string; message: string }) => {
      assert.is(error.code, 'ERR_AUDIT_LOCKED')
      assert.match(error.message, /one writer per log/)
    },
  )
  await rm(dir, { recursive: true })
})

test('stale locks are taken over: a dead pid, our own pid from a previous life, an old lock of another host', async () => {
  const dir = await temp()
  const log = join(dir, 'audit.log')
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  const deadPid = Number(dead.stdout.toString())
  for (const holder of [
    { pid: deadPid, host: hostname() },
    { pid: process.pid, host: hostname(), start: 'earlier' },
    { pid: 1, host: 'another-container' },
  ]) {
    await writeFile(`${log}.lock`, JSON.stringify(holder))
    const old = new Date(Date.now() - 60_000)
    await utimes(`${log}.lock`, old, old)
    const lock = await lockAuditLog(log)
    assert.is(JSON.parse(await readFile(`${log}.lock`, 'utf8')).pid, process.pid)
    await lock.release()
  }
  // A fresh lock of another host is respected (its writer may be alive there).
  await writeFile(`${log}.lock`, JSON.stringify({ pid: 1, host: 'another-container' }))
  await lockAuditLog(log).then(
    () => assert.unreachable(),
    (error: { code?: string }) => assert.is(error.code, 'ERR_AUDIT_LOCKED'),
  )
  await rm(dir, { recursive: true })
})

test.run()
