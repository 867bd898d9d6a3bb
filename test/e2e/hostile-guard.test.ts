// E2E (issue 9 §1, §6): dist/guard.mjs wrapping the hostile stdio server of
// test/fixtures/hostile-server, driven with raw JSON-RPC lines: personal data in every corner of
// every message the server sends, and none of it in the raw bytes the client receives; an ssn
// hidden in an argument key is rejected; a masked tool name stays callable; a call that never
// ends times out with notifications/cancelled to the server and `timeout` in the audit record.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../shared/audit/read.ts'
import { bundlePath, minimalEnv, within } from './helpers.ts'

const HOSTILE = fileURLToPath(new URL('../fixtures/hostile-server/server.mjs', import.meta.url))
const EMAIL = 'kim@example.com'
const PHONE = '010-1234-5678'
const RRN = '900101-1234568'
const NAME = '김철수님'
/** The raw values, and the JSON-escaped form of the name (a server may send either). */
const RAW = [EMAIL, PHONE, RRN, NAME, '1234568', '\\uae40\\ucca0\\uc218\\ub2d8']

type Message = { id?: unknown; method?: string; result?: any; error?: any; params?: any }

test('no raw value of the hostile server reaches the client through dist/guard.mjs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-guard-'))
  const policy = join(dir, 'policy.json')
  writeFileSync(policy, JSON.stringify({ arguments: { types: { ssn: 'reject' } } }))
  const auditFile = join(dir, 'audit.jsonl')
  const child = spawn(
    process.execPath,
    [await bundlePath('guard'), '--call-timeout', '1', '--', process.execPath, HOSTILE],
    { env: minimalEnv({ SECURITY_POLICY_FILE: policy, AUDIT_LOG_FILE: auditFile }) },
  )
  const chunks: Buffer[] = []
  const messages: Message[] = []
  const waiters: Array<() => void> = []
  let pending = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    pending += chunk.toString('utf8')
    let end: number
    while ((end = pending.indexOf('\n')) >= 0) {
      messages.push(JSON.parse(pending.slice(0, end)) as Message)
      pending = pending.slice(end + 1)
      for (const wake of waiters.splice(0)) wake()
    }
  })
  const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`)
  const answerTo = async (id: unknown): Promise<Message> => {
    for (;;) {
      const found = messages.find((m) => m.id === id && !('method' in m))
      if (found) return found
      await within(new Promise<void>((wake) => waiters.push(wake)), 10_000, `answer ${id}`)
    }
  }
  const request = (id: number, method: string, params: unknown = {}) => {
    send({ jsonrpc: '2.0', id, method, params })
    return answerTo(id)
  }
  try {
    const init = await request(1, 'initialize', {
      protocolVersion: '2025-11-25',
      capabilities: { sampling: {}, elicitation: {}, roots: {} },
      clientInfo: { name: 'e2e', version: '1' },
    })
    assert.ok(init.result?.serverInfo, JSON.stringify(init))
    send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    const listed = await request(2, 'tools/list')
    const shown = listed.result.tools[0].name as string
    assert.is.not(shown, PHONE)
    await request(3, 'logging/setLevel', { level: 'debug' })
    const corners = await request(4, 'tools/call', {
      name: 'corners',
      arguments: {},
      _meta: { progressToken: 'p4' },
    })
    assert.not.ok(corners.result.isError, JSON.stringify(corners))
    // The tool listed under a masked name is called by that name and reaches the server.
    const renamed = await request(5, 'tools/call', { name: shown, arguments: { x: 'y' } })
    assert.ok(renamed.result.structuredContent, JSON.stringify(renamed))
    const failed = await request(6, 'tools/call', { name: 'fail', arguments: {} })
    assert.is(failed.error.code, -32000)
    // An ssn as an argument KEY meets the ssn reject rule: the tool never runs.
    const keyed = await request(7, 'tools/call', { name: 'echo_keys', arguments: { [RRN]: 'x' } })
    assert.ok(keyed.result.isError)
    assert.match(
      keyed.result.content[0].text,
      /rejected by the PII policy: the arguments contain ssn/,
    )
    await request(8, 'resources/list')
    await request(9, 'resources/templates/list')
    const read = await request(10, 'resources/read', { uri: 'file:///x' })
    assert.is(read.result.contents[1].blob, 'AAECAw==', 'binary blobs pass unscanned')
    await request(11, 'prompts/list')
    await request(12, 'prompts/get', { name: 'p' })
    await request(13, 'completion/complete', {
      ref: { type: 'ref/prompt', name: 'p' },
      argument: { name: 'a', value: 'b' },
    })
    const slow = await request(14, 'tools/call', { name: 'slow', arguments: {} })
    assert.ok(slow.result.isError)
    assert.match(slow.result.content[0].text, /did not answer within 1 s; the call was cancelled/)
    await new Promise((resolve) => setTimeout(resolve, 200))

    const raw = Buffer.concat(chunks).toString('utf8')
    for (const value of RAW)
      assert.not.ok(
        raw.toLowerCase().includes(value.toLowerCase()),
        `${value} reached the client: ${raw
          .split('\n')
          .filter((l) => l.toLowerCase().includes(value.toLowerCase()))
          .join('\n')
          .slice(0, 1500)}`,
      )
    // The server's own requests reached the client (masked), except the ping whose id was PII.
    const methods = messages.filter((m) => 'method' in m).map((m) => m.method)
    for (const method of [
      'sampling/createMessage',
      'elicitation/create',
      'notifications/message',
      'notifications/progress',
      'notifications/resources/updated',
    ])
      assert.ok(methods.includes(method), `${method} relayed (${methods.join(', ')})`)
    assert.not.ok(methods.includes('ping'))
    assert.not.ok(stderr.includes('echo_keys got'))
    assert.match(stderr, /hostile: cancelled 14 \(timeout\)/)
  } finally {
    child.stdin.end()
    await new Promise((resolve) => child.once('exit', resolve))
  }
  const records = readAuditRecords(readFileSync(auditFile, 'utf8'))
  const byDetail = records.map((r) => [r.outcome, r.detail?.split(' ')[0]])
  assert.ok(
    byDetail.some(([o, d]) => o === 'rejected' && d === 'pii_rejected'),
    JSON.stringify(byDetail),
  )
  assert.ok(
    byDetail.some(([o, d]) => o === 'error' && d === 'timeout'),
    JSON.stringify(byDetail),
  )
  const text = readFileSync(auditFile, 'utf8')
  for (const value of RAW) assert.not.ok(text.includes(value), `${value} in the audit log`)
})

test('SECURITY_SCAN_BUDGET: an argument over the budget is refused unscanned (issue 9 §5)', async () => {
  const child = spawn(
    process.execPath,
    [await bundlePath('guard'), '--', process.execPath, HOSTILE],
    {
      env: minimalEnv({ SECURITY_SCAN_BUDGET: '2048' }),
    },
  )
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  const call = (id: number, text: string) =>
    `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo_keys', arguments: { text } } })}\n`
  child.stdin.write(call(1, 'x'.repeat(3000)) + call(2, 'x'.repeat(1000)))
  const deadline = Date.now() + 10_000
  while (out.split('\n').length < 3 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20))
  child.stdin.end()
  const [big, small] = out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  assert.match(
    big.result.content[0].text,
    /more than 2048 characters of text, over the guard's scan budget/,
  )
  assert.is(small.result.content[0].text, 'echo_keys got 1 keys')
  await new Promise((resolve) => child.once('exit', resolve))
})

test.run()
