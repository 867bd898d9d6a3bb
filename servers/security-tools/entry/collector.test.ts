// dist/security-tools.mjs as `.cursor/mcp.json` runs it beside the gateway: no AUDIT_LOG_FILE,
// AUDIT_COLLECTOR_SOCKET to the writer's collector, AUDIT_LOG_SOURCE_FILE = the writer's log. Its
// calls land in the writer's chain and get_security_audit_log in the same session lists them.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../../shared/audit/read.ts'
import { verifyAuditChain } from '../../../shared/audit/verify.ts'
import { openAuditFileLog } from '../../../shared/node/audit/file-log.ts'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { bundlePath } from '../../../test/support/bundle.ts'

test("a session's own calls reach the writer's chain through the collector, and the session lists them at once", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-security-collector-'))
  const path = join(dir, 'gateway.jsonl')
  const socket = join(dir, 'audit.sock')
  const writer = await openAuditFileLog({ path, env: { AUDIT_COLLECTOR_SOCKET: socket } })
  await writer.record({ event: 'server_start', outcome: 'ok', detail: 'gateway' })
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [await bundlePath('security-tools')],
    env: {
      PATH: process.env.PATH ?? '',
      AUDIT_COLLECTOR_SOCKET: socket,
      AUDIT_LOG_SOURCE_FILE: path,
    },
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk) => (stderr += chunk))
  const client = new Client({ name: 'cursor-like', version: '1.0.0' })
  await client.connect(transport)
  const session = { client, close: () => client.close(), stderr: () => stderr }
  try {
    await session.client.callTool({
      name: 'test_pii_detection',
      arguments: { text: 'mail kim.minsu@example.com' },
    })
    // No waiting: the tool flushes through the collector before it reads.
    const result = (await session.client.callTool({
      name: 'get_security_audit_log',
      arguments: { event_type: 'tool_call' },
    })) as CallToolResult
    const out = result.structuredContent as { records: Array<{ tool?: string; pii?: object }> }
    assert.equal(
      out.records.map((r) => [r.tool, r.pii]),
      [['test_pii_detection', { email: 1 }]],
    )
  } finally {
    await session.close()
  }
  // The last call's record leaves as the server exits: wait (bounded) for it.
  const deadline = Date.now() + 5000
  while (readAuditRecords(await readFile(path, 'utf8')).length < 3 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20))
  await writer.close()
  const text = await readFile(path, 'utf8')
  assert.equal(
    readAuditRecords(text)
      .filter((r) => !r.event.startsWith('audit.'))
      .map((r) => [r.event, r.tool]),
    [
      ['server_start', undefined],
      ['tool_call', 'test_pii_detection'],
      ['tool_call', 'get_security_audit_log'],
    ],
  )
  assert.ok((await verifyAuditChain(text)).ok, 'one chain')
  assert.not.ok(text.includes('kim.minsu@example.com'))
  assert.not.match(session.stderr(), /audit_fallback|"event":"tool_call"/, 'nothing on stderr')
  await rm(dir, { recursive: true })
})

test.run()
