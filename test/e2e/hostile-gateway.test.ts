// E2E (issue 9 §1): the gateway as its Node entry composes it (real detector, real HTTP on a free
// port, the real OAuth2 app for tokens) with the hostile stdio server of
// test/fixtures/hostile-server as a child upstream, driven with raw HTTP requests: personal data
// in every corner of what the child sends, and none of it in the raw bytes of any answer; an ssn
// hidden in an argument key is rejected; a masked tool name stays callable; resources, prompts and
// completions relayed masked, a masked URI or prompt name still usable, one audit record each.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../shared/audit/read.ts'
import { serveNode } from '../../shared/node/serve.ts'
import { ISSUER, makeTestApp, TEST_JWT_SECRET } from '../../servers/oauth2/testing.ts'
import { startGateway } from '../../servers/gateway/entry/start.ts'
import { freePort } from '../support/ports.ts'

const HOSTILE = fileURLToPath(new URL('../fixtures/hostile-server/server.mjs', import.meta.url))
const ENTRY = new URL('../../servers/gateway/entry/node.ts', import.meta.url).href
const EMAIL = 'kim@example.com'
const PHONE = '010-1234-5678'
const RRN = '900101-1234568'
const NAME = '김철수님'
const RAW = [EMAIL, PHONE, RRN, NAME, '1234568', '\\uae40\\ucca0\\uc218\\ub2d8']

/** The JSON-RPC messages of an answer body (JSON, or SSE `data:` lines). */
function messagesOf(body: string): any[] {
  if (body.trim() === '') return []
  if (body.trimStart().startsWith('{') || body.trimStart().startsWith('['))
    return [JSON.parse(body)].flat()
  return body
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim())
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data))
}

test('no raw value of a hostile child upstream reaches a gateway client', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-gateway-'))
  const port = await freePort()
  const as = await makeTestApp({ config: { defaultResource: `http://localhost:${port}/mcp` } })
  Object.defineProperty(as.clock, 'now', { get: () => Date.now() })
  const asServer = await serveNode({ fetch: as.app.fetch, port: 0, signals: [], log: () => {} })
  const write = (name: string, json: unknown) => {
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify(json))
    return path
  }
  const auditFile = join(dir, 'audit.jsonl')
  const gateway = await startGateway(
    {
      MCP_DOCKER_ENV: 'development',
      PORT: String(port),
      OAUTH2_ISSUER: ISSUER,
      OAUTH2_URL: asServer.url,
      JWT_SECRET: TEST_JWT_SECRET,
      AUDIT_LOG_FILE: auditFile,
      MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
      GATEWAY_CONFIG_FILE: write('gateway.json', {
        defaultServers: false,
        servers: {
          hostile: { command: process.execPath, args: [HOSTILE], callTimeoutSeconds: 1 },
        },
      }),
      SECURITY_POLICY_FILE: write('policy.json', { arguments: { types: { ssn: 'reject' } } }),
    },
    ENTRY,
    { log: () => {}, signals: [] },
  )
  const url = `${gateway.url}/mcp`
  const token = await as.token('mcp-client')
  const bodies: string[] = []
  let session: string | undefined
  let id = 0
  const post = async (message: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...(session ? { 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-11-25' } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', ...message }),
    })
    session ??= response.headers.get('mcp-session-id') ?? undefined
    const body = await response.text()
    bodies.push(`${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}`)
    return messagesOf(body)
  }
  const request = async (method: string, params: unknown = {}) => {
    const all = await post({ id: ++id, method, params })
    const answer = all.find((m) => m.id === id && !('method' in m))
    assert.ok(answer, `${method}: no answer in ${JSON.stringify(all)}`)
    return { answer, all }
  }
  try {
    await request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'e2e', version: '1' },
    })
    await post({ method: 'notifications/initialized' })
    await request('logging/setLevel', { level: 'debug' })
    const { answer: listed } = await request('tools/list')
    const names = listed.result.tools.map((t: { name: string }) => t.name)
    assert.ok(names.includes('corners'), names.join(', '))
    const shown = names.find((n: string) => !['corners', 'fail', 'echo_keys', 'slow'].includes(n))
    const corners = await request('tools/call', {
      name: 'corners',
      arguments: { valid: true },
      _meta: { progressToken: 'p' },
    })
    assert.not.ok(corners.answer.result.isError, JSON.stringify(corners.answer))
    const methods = corners.all.filter((m) => 'method' in m).map((m) => m.method)
    assert.ok(methods.includes('notifications/message'), methods.join(', '))
    assert.ok(methods.includes('notifications/progress'), methods.join(', '))
    const renamed = await request('tools/call', { name: shown, arguments: { valid: true } })
    assert.ok(renamed.answer.result.structuredContent, JSON.stringify(renamed.answer))
    const failed = await request('tools/call', { name: 'fail', arguments: {} })
    assert.is(failed.answer.error.code, -32000)
    const keyed = await request('tools/call', { name: 'echo_keys', arguments: { [RRN]: 'x' } })
    assert.ok(keyed.answer.result.isError)
    assert.match(keyed.answer.result.content[0].text, /arguments contain ssn/)

    // Resources, prompts and completions (issue 10 items 1, 3): listed masked, still usable.
    const resources = await request('resources/list')
    const uri = resources.answer.result.resources[0].uri
    const read = await request('resources/read', { uri })
    assert.ok(read.answer.result.contents.length === 2, JSON.stringify(read.answer))
    assert.is(read.answer.result.contents[1].blob, 'AAECAw==')
    const templates = await request('resources/templates/list')
    assert.is(templates.answer.result.resourceTemplates.length, 1)
    const prompts = await request('prompts/list')
    const prompt = prompts.answer.result.prompts[0].name
    const got = await request('prompts/get', { name: prompt, arguments: {} })
    assert.ok(got.answer.result.messages.length === 1, JSON.stringify(got.answer))
    const completed = await request('completion/complete', {
      ref: { type: 'ref/prompt', name: prompt },
      argument: { name: 'topic', value: '' },
    })
    assert.is(completed.answer.result.completion.values.length, 4)

    const raw = bodies.join('\n')
    for (const value of RAW) {
      const at = raw.toLowerCase().indexOf(value.toLowerCase())
      assert.ok(
        at < 0,
        `${value} reached the client: …${raw.slice(Math.max(0, at - 300), at + 100)}`,
      )
    }
    await gateway.runtime.audit.flush()
    const text = readFileSync(auditFile, 'utf8')
    for (const value of RAW) assert.not.ok(text.includes(value), `${value} in the audit log`)
    const records = readAuditRecords(text).filter((r) => r.event === 'tool_call')
    assert.is(records.length, 4, 'one record per tools/call')
    const relayed = readAuditRecords(text).filter((r) => r.event === 'mcp_request')
    assert.equal(
      relayed.map((r) => r.detail?.split(' ')[0]),
      [
        'resources/list',
        'resources/read',
        'resources/templates/list',
        'prompts/list',
        'prompts/get',
        'completion/complete',
      ],
    )
    for (const r of relayed)
      assert.ok(r.client_id && r.jti && r.outcome === 'ok', JSON.stringify(r))
  } finally {
    await gateway.close()
    await asServer.close()
  }
})

test.run()
