// End to end: the built dist/security-tools.mjs over stdio with AUDIT_LOG_FILE and FERNET_KEY:
// every tool through the SDK client, the server reading back its own audit log, the Inspector
// CLI as a third-party client, and the bundle from an empty folder.
import { mkdtempSync, readFileSync } from 'node:fs'
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
  runInspector,
  spawnRaw,
  within,
  type StdioSession,
} from './helpers.ts'

const TOOLS = [
  'generate_security_report',
  'get_security_audit_log',
  'simulate_data_breach_detection',
  'test_encryption',
  'test_pii_detection',
]
const EMAIL = 'kim.chulsoo@example.com'
const RRN = '960121-1021413'
const dir = mkdtempSync(join(tmpdir(), 'mcp-security-tools-e2e-'))
const text = (result: unknown) =>
  ((result as CallToolResult).content ?? [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('')
const data = <T>(result: unknown) => (result as CallToolResult).structuredContent as T

async function call(session: StdioSession, name: string, args: Record<string, unknown> = {}) {
  const result = (await session.client.callTool({ name, arguments: args })) as CallToolResult
  assert.not.ok(result.isError, `${name}: ${text(result)}`)
  return result
}

test('every tool over stdio; the server reads back its own audit log and verifies its chain', async () => {
  const key = generateFernetKey()
  const auditLog = join(dir, 'audit.log')
  const session = await connectBundle('security-tools', {
    env: { AUDIT_LOG_FILE: auditLog, FERNET_KEY: key },
  })
  const results: CallToolResult[] = []
  try {
    assert.is(session.client.getServerVersion()?.name, 'security-tools')
    const { tools } = await session.client.listTools()
    assert.equal(tools.map((t) => t.name).sort(), TOOLS)

    const pii = await call(session, 'test_pii_detection', {
      text: `메일 ${EMAIL}, 주민등록번호 ${RRN}`,
    })
    const detected = data<{ counts: Record<string, number>; action: string }>(pii)
    assert.equal([detected.counts, detected.action], [{ email: 1, ssn: 1 }, 'mask'])
    const encrypted = await call(session, 'test_pii_detection', { text: EMAIL, policy: 'encrypt' })
    const processed = data<{ processed: string }>(encrypted).processed
    assert.is(await (await FernetKeyRing.create(key)).decryptText(processed), EMAIL)

    const fernet = await call(session, 'test_encryption', { text: `secret ${RRN}` })
    const { token, decryptsBack, keyCount } = data<{
      token: string
      decryptsBack: boolean
      keyCount: number
    }>(fernet)
    assert.equal([decryptsBack, keyCount], [true, 1])
    assert.is(await (await FernetKeyRing.create(key)).decryptText(token), `secret ${RRN}`)

    const breach = await call(session, 'simulate_data_breach_detection')
    assert.is(data<{ riskLevel: string }>(breach).riskLevel, 'critical')
    const given = await call(session, 'simulate_data_breach_detection', {
      records: [`${EMAIL} ${RRN}`, 'nothing'],
      threshold: 2,
    })
    assert.equal(data<{ flaggedCount: number }>(given).flaggedCount, 1)

    // The five calls above are in the log already (flushed before reading), newest first.
    const log = await call(session, 'get_security_audit_log', { event_type: 'tool_call' })
    const listed = data<{ available: boolean; records: Array<{ tool: string; seq: number }> }>(log)
    assert.is(listed.available, true)
    assert.equal(
      listed.records.map((r) => r.tool),
      [
        'simulate_data_breach_detection',
        'simulate_data_breach_detection',
        'test_encryption',
        'test_pii_detection',
        'test_pii_detection',
      ],
    )
    const withPii = await call(session, 'get_security_audit_log', { contains_pii: true, limit: 1 })
    assert.is(data<{ records: Array<{ seq: number }> }>(withPii).records[0]?.seq, 5)

    const report = await call(session, 'generate_security_report')
    const summary = data<{
      records: number
      toolCalls: Record<string, number>
      piiByType: Record<string, number>
      chain: { status: string; records: number }
    }>(report)
    assert.is(summary.records, 7)
    assert.is(summary.toolCalls.get_security_audit_log, 2)
    assert.ok((summary.piiByType.email ?? 0) >= 3)
    assert.equal([summary.chain.status, summary.chain.records], ['verified', 7])
    results.push(pii, encrypted, fernet, breach, given, log, withPii, report)
  } finally {
    await session.close()
  }
  // Values never in the results, the audit log or stderr (LOG-2).
  const logText = readFileSync(auditLog, 'utf8')
  for (const where of [JSON.stringify(results), logText, session.stderr()]) {
    assert.not.ok(where.includes(EMAIL), 'e-mail address leaked')
    assert.not.ok(where.includes(RRN), 'registration number leaked')
  }
  assert.is(readAuditRecords(logText).length, 8)
  assert.ok((await verifyAuditChain(logText)).ok)
})

test('a restarted server continues the chain; the report still verifies it', async () => {
  const auditLog = join(dir, 'restart.log')
  for (let run = 0; run < 2; run++) {
    const session = await connectBundle('security-tools', { env: { AUDIT_LOG_FILE: auditLog } })
    try {
      await call(session, 'test_pii_detection', { text: 'x' })
      if (run === 1) {
        const report = data<{ chain: { status: string; lastSeq: number } }>(
          await call(session, 'generate_security_report'),
        )
        // One record from the first run, one from this one (the report's own comes after it).
        assert.equal([report.chain.status, report.chain.lastSeq], ['verified', 2])
      }
    } finally {
      await session.close()
    }
  }
})

test('AUDIT_LOG_SOURCE_FILE: writing to stderr, the audit tools read another log (docker exec)', async () => {
  const gatewayLog = join(dir, 'gateway-like.log')
  const writer = await connectBundle('security-tools', { env: { AUDIT_LOG_FILE: gatewayLog } })
  try {
    await call(writer, 'test_pii_detection', { text: 'mail kim.minsu@example.com' })
  } finally {
    await writer.close()
  }
  const reader = await connectBundle('security-tools', {
    env: { AUDIT_LOG_SOURCE_FILE: gatewayLog },
  })
  try {
    const log = data<{ available: boolean; records: Array<{ tool?: string }> }>(
      await call(reader, 'get_security_audit_log'),
    )
    assert.is(log.available, true)
    assert.equal(
      log.records.map((r) => r.tool),
      ['test_pii_detection'],
      'the reader sees the other log, and its own calls went to stderr, not into that file',
    )
    const report = data<{ chain: { status: string } }>(
      await call(reader, 'generate_security_report'),
    )
    assert.is(report.chain.status, 'verified')
  } finally {
    await reader.close()
  }
})

test('without AUDIT_LOG_FILE or FERNET_KEY: clear answers, not obscure failures', async () => {
  const session = await connectBundle('security-tools')
  try {
    const log = await call(session, 'get_security_audit_log')
    assert.is(data<{ available: boolean }>(log).available, false)
    assert.match(
      text(log),
      /audit log is written to standard error because AUDIT_LOG_FILE is not set/,
    )
    const report = await call(session, 'generate_security_report')
    assert.is(data<{ chain: { status: string } }>(report).chain.status, 'unavailable')
    const fernet = await session.client.callTool({
      name: 'test_encryption',
      arguments: { text: 'a' },
    })
    assert.is(fernet.isError, true)
    assert.match(text(fernet), /no Fernet key is configured on the server: set FERNET_KEY/)
  } finally {
    await session.close()
  }
  // The audit records went to stderr, one JSON line each.
  assert.is(readAuditRecords(session.stderr()).length, 3)
})

test('third-party client: the MCP Inspector CLI lists the tools and calls one', async () => {
  const path = await bundlePath('security-tools')
  const list = await runInspector(['node', path], ['--method', 'tools/list'])
  assert.is(list.code, 0, list.stderr)
  const names = (list.json as { tools: Array<{ name: string }> }).tools.map((t) => t.name)
  assert.equal(names.sort(), TOOLS)
  const called = await runInspector(
    ['node', path],
    ['--method', 'tools/call', '--tool-name', 'test_pii_detection', '--tool-arg', `text=${EMAIL}`],
  )
  assert.is(called.code, 0, called.stderr)
  const result = called.json as CallToolResult
  assert.equal((result.structuredContent as { counts: unknown }).counts, { email: 1 })
  assert.not.ok(called.stdout.includes(EMAIL))
})

test('runs from an empty folder; closing stdin ends it within a second', async () => {
  const session = await connectBundle('security-tools', { isolated: true })
  try {
    const result = await call(session, 'simulate_data_breach_detection', { records: ['plain'] })
    assert.is(data<{ riskLevel: string }>(result).riskLevel, 'none')
  } finally {
    await session.close()
  }
  const server = spawnRaw(await bundlePath('security-tools'))
  server.send(initializeRequest())
  const reply = (await server.next()) as unknown as { result: { serverInfo: { name: string } } }
  assert.is(reply.result.serverInfo.name, 'security-tools')
  server.closeStdin()
  const exit = await within(server.exited, 5_000, 'exit after stdin closed')
  assert.is(exit.code, 0)
  assert.ok(exit.ms < 1_000, `exited ${Math.round(exit.ms)} ms after stdin closed`)
  assert.equal(server.junk, [])
})

test.run()
