// End to end: the built dist/example.mjs over stdio, with the SDK client, raw JSON-RPC lines and
// the MCP Inspector CLI; exit behaviour; no node_modules beside the bundle.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { readAuditRecords } from '../../shared/audit/read.ts'
import { verifyAuditChain } from '../../shared/audit/verify.ts'
import { FernetKeyRing, generateFernetKey } from '../../shared/crypto/index.ts'
import {
  bundlePath,
  connectBundle,
  initializeRequest,
  isolatedBundle,
  runInspector,
  spawnRaw,
  within,
} from './helpers.ts'

const EMAIL = 'kim.chulsoo@example.com'
const dir = mkdtempSync(join(tmpdir(), 'mcp-example-e2e-'))
const text = (result: unknown) =>
  ((result as CallToolResult).content ?? [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('')

test('initialize, list and call every tool through the SDK client over stdio', async () => {
  const session = await connectBundle('example')
  try {
    assert.equal(session.client.getServerVersion()?.name, 'example')
    const { tools } = await session.client.listTools()
    assert.equal(tools.map((t) => t.name).sort(), ['add', 'current_time', 'echo'])
    assert.is(
      text(await session.client.callTool({ name: 'echo', arguments: { text: 'hi' } })),
      'hi',
    )
    const sum = await session.client.callTool({ name: 'add', arguments: { a: 1.5, b: 2 } })
    assert.equal(sum.structuredContent, { sum: 3.5 })
    const time = await session.client.callTool({
      name: 'current_time',
      arguments: { timezone: 'Asia/Seoul' },
    })
    assert.is((time.structuredContent as { offset: string }).offset, '+09:00')
    const bad = await session.client.callTool({
      name: 'current_time',
      arguments: { timezone: 'Nowhere/Land' },
    })
    assert.is(bad.isError, true)
    assert.match(text(bad), /timezone: expected a valid IANA time zone/)
  } finally {
    await session.close()
  }
})

test('the guard is on: PII masked in results, audit records on stderr without values', async () => {
  const session = await connectBundle('example')
  try {
    const result = await session.client.callTool({
      name: 'echo',
      arguments: { text: `mail ${EMAIL}` },
    })
    assert.is(text(result), 'mail kim***@example.com')
  } finally {
    await session.close()
  }
  const records = readAuditRecords(session.stderr())
  assert.is(records.length, 1)
  assert.is(records[0]?.tool, 'echo')
  assert.equal(records[0]?.pii, { email: 2 })
  assert.not.ok(session.stderr().includes(EMAIL))
})

test('SECURITY_POLICY_FILE reject and AUDIT_LOG_FILE: the hash chain verifies', async () => {
  const policy = join(dir, 'policy.json')
  writeFileSync(policy, JSON.stringify({ arguments: { types: { email: 'reject' } } }))
  const auditLog = join(dir, 'audit.log')
  const session = await connectBundle('example', {
    env: { SECURITY_POLICY_FILE: policy, AUDIT_LOG_FILE: auditLog },
  })
  try {
    const result = await session.client.callTool({ name: 'echo', arguments: { text: EMAIL } })
    assert.is(result.isError, true)
    assert.match(text(result), /arguments contain email/)
    await session.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })
  } finally {
    await session.close()
  }
  const log = readFileSync(auditLog, 'utf8')
  const records = readAuditRecords(log)
  assert.equal(
    records.map((r) => [r.tool, r.outcome]),
    [
      ['echo', 'rejected'],
      ['add', 'ok'],
    ],
  )
  assert.ok((await verifyAuditChain(log)).ok)
  assert.not.ok(log.includes(EMAIL))
})

test('FN encrypt through the bundle: FERNET_KEY encrypts results, the token decrypts back', async () => {
  const key = generateFernetKey()
  const policy = join(dir, 'encrypt.json')
  writeFileSync(policy, JSON.stringify({ results: { types: { email: 'encrypt' } } }))
  const session = await connectBundle('example', {
    env: { SECURITY_POLICY_FILE: policy, FERNET_KEY: key },
  })
  try {
    const result = await session.client.callTool({ name: 'echo', arguments: { text: EMAIL } })
    const token = (result.structuredContent as { text: string }).text
    assert.ok(token.startsWith('gAAAA'), token)
    assert.is(await (await FernetKeyRing.create(key)).decryptText(token), EMAIL)
  } finally {
    await session.close()
  }
})

test('a tool call right after initialize (no initialized notification) waits for the detector', async () => {
  const server = spawnRaw(await bundlePath('example'))
  server.send(initializeRequest())
  await server.next()
  server.send({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: EMAIL } },
  })
  const reply = (await server.next()) as unknown as { id: number; result: CallToolResult }
  assert.is(reply.id, 2)
  assert.is(text(reply.result), 'kim***@example.com')
  server.closeStdin()
  assert.is((await within(server.exited, 5_000, 'exit')).code, 0)
})

test('a policy naming an unknown entity type: exit 1 with the field named (after initialize)', async () => {
  const policy = join(dir, 'typo.json')
  writeFileSync(policy, JSON.stringify({ results: { types: { emial: 'mask' } } }))
  const server = spawnRaw(await bundlePath('example'), [], { SECURITY_POLICY_FILE: policy })
  server.send(initializeRequest())
  const exit = await within(server.exited, 10_000, 'exit on an unknown entity type')
  assert.is(exit.code, 1)
  assert.match(server.stderr(), /results\.types\.emial: unknown entity type/)
  assert.equal(server.junk, [])
})

test('closing stdin ends the process within a second, exit 0; stdout carries only JSON-RPC', async () => {
  const server = spawnRaw(await bundlePath('example'))
  server.send(initializeRequest())
  const response = (await server.next()) as unknown as { result: { serverInfo: { name: string } } }
  assert.is(response.result.serverInfo.name, 'example')
  server.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
  server.send({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'x' } },
  })
  await server.next()
  server.closeStdin()
  const exit = await within(server.exited, 5_000, 'exit after stdin closed')
  assert.is(exit.code, 0)
  assert.ok(exit.ms < 1_000, `exited ${Math.round(exit.ms)} ms after stdin closed`)
  assert.equal(server.junk, [])
  assert.is(readAuditRecords(server.stderr()).length, 1, 'the audit record was flushed before exit')
})

test('SIGTERM ends the process with exit 0', async () => {
  const server = spawnRaw(await bundlePath('example'))
  server.send(initializeRequest())
  await server.next()
  server.child.kill('SIGTERM')
  const exit = await within(server.exited, 5_000, 'exit after SIGTERM')
  assert.is(exit.code, 0)
})

test('the bundle runs from an empty folder (no node_modules beside it)', async () => {
  const path = await isolatedBundle('example')
  const session = await connectBundle('example', { isolated: true })
  try {
    assert.ok(path.startsWith(tmpdir()))
    const result = await session.client.callTool({ name: 'add', arguments: { a: 2, b: 2 } })
    assert.equal(result.structuredContent, { sum: 4 })
  } finally {
    await session.close()
  }
})

test('a configuration error: every problem on stderr, exit 1, nothing on stdout', async () => {
  const policy = join(dir, 'bad-policy.json')
  writeFileSync(
    policy,
    JSON.stringify({ results: { default: 'hide' }, arguments: { types: { email: 'encrypt' } } }),
  )
  const server = spawnRaw(await bundlePath('example'), [], { SECURITY_POLICY_FILE: policy })
  const exit = await within(server.exited, 10_000, 'exit on a bad configuration')
  assert.is(exit.code, 1)
  const stderr = server.stderr()
  assert.match(stderr, /results\.default: must be one of allow, mask, redact, encrypt, reject/)
  assert.match(stderr, /no Fernet key is configured/)
  assert.equal(server.junk, [])
})

test('third-party client: the MCP Inspector CLI lists and calls tools', async () => {
  const path = await bundlePath('example')
  const list = await runInspector(['node', path], ['--method', 'tools/list'])
  assert.is(list.code, 0, list.stderr)
  const names = (list.json as { tools: Array<{ name: string }> }).tools.map((t) => t.name)
  assert.equal(names.sort(), ['add', 'current_time', 'echo'])
  const call = await runInspector(
    ['node', path],
    ['--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'text=hi'],
  )
  assert.is(call.code, 0, call.stderr)
  assert.equal((call.json as CallToolResult).content, [{ type: 'text', text: 'hi' }])
})

test.run()
