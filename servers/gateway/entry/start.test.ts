// The whole gateway as the Node entry builds it (real detector, real in-process servers, the
// fixture child), served by @hono/node-server on a free port, the real OAuth2 app on another,
// driven by the SDK's StreamableHTTPClientTransport with a bearer token: every server's tools,
// a PII tool under each policy with its audit record, a child crash and restart, a hung call,
// progress and logs on the call's stream.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { readAuditRecords } from '../../../shared/audit/read.ts'
import { FernetKeyRing, generateFernetKey } from '../../../shared/crypto/index.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import { serveNode } from '../../../shared/node/serve.ts'
import { createCounter } from '../../../test/support/events.ts'
import { freePort } from '../../../test/support/ports.ts'
import { ISSUER, makeTestApp, TEST_JWT_SECRET } from '../../oauth2/testing.ts'
import { startGateway, type RunningGateway } from './start.ts'

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/gateway-child.mjs', import.meta.url))
const ENTRY = new URL('./node.ts', import.meta.url).href

interface Stack {
  gateway: RunningGateway
  mcpUrl: URL
  token(client?: string): Promise<string>
  jtiOf(token: string): string
  connect(token: string, name?: string): Promise<Client>
  /** The gateway's audit records (after a flush) and the raw file text. */
  audit(): Promise<{ records: ReturnType<typeof readAuditRecords>; text: string }>
  lines: string[]
  close(): Promise<void>
}

async function startStack(
  options: { policy?: unknown; file?: unknown; fernetKey?: string } = {},
): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-flow-'))
  const port = await freePort()
  const resource = `http://localhost:${port}/mcp`
  const as = await makeTestApp({
    config: { defaultResource: resource },
    clients: { operator: ['operator-secret', ['mcp.access', 'audit.read'], []] },
  })
  Object.defineProperty(as.clock, 'now', { get: () => Date.now() })
  const asServer = await serveNode({ fetch: as.app.fetch, port: 0, signals: [], log: () => {} })
  const write = (name: string, json: unknown) => {
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify(json))
    return path
  }
  const auditFile = join(dir, 'audit.jsonl')
  const env: Record<string, string> = {
    MCP_DOCKER_ENV: 'development',
    PORT: String(port),
    OAUTH2_ISSUER: ISSUER,
    OAUTH2_URL: asServer.url,
    JWT_SECRET: TEST_JWT_SECRET,
    AUDIT_LOG_FILE: auditFile,
    MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
    GATEWAY_CONFIG_FILE: write(
      'gateway.json',
      options.file ?? {
        defaultServers: false,
        servers: {
          security: { enabled: true },
          oauth2: { enabled: true },
          example: { enabled: true },
          fixture: { command: process.execPath, args: [FIXTURE], callTimeoutSeconds: 1 },
        },
      },
    ),
    ...(options.policy ? { SECURITY_POLICY_FILE: write('policy.json', options.policy) } : {}),
    ...(options.fernetKey ? { FERNET_KEY: options.fernetKey } : {}),
  }
  const lines: string[] = []
  const gateway = await startGateway(env, ENTRY, { log: (line) => lines.push(line), signals: [] })
  const mcpUrl = new URL(`${gateway.url}/mcp`)
  const clients: Client[] = []
  return {
    gateway,
    mcpUrl,
    lines,
    token: (client = 'mcp-client') => as.token(client),
    jtiOf: (token) => as.payloadOf(token).jti as string,
    async connect(token, name = 'flow') {
      const client = new Client({ name, version: '1.0.0' })
      await client.connect(
        new StreamableHTTPClientTransport(mcpUrl, {
          requestInit: { headers: { Authorization: `Bearer ${token}` } },
        }),
      )
      clients.push(client)
      return client
    },
    async audit() {
      await gateway.runtime.audit.flush()
      const text = readFileSync(auditFile, 'utf8')
      return { records: readAuditRecords(text), text }
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => {})))
      await gateway.close()
      await asServer.close()
    },
  }
}

const flow = suite('gateway over HTTP (entry composition)')

flow('lists the tools of every server: security, oauth2, example and a child', async () => {
  const stack = await startStack()
  try {
    const client = await stack.connect(await stack.token())
    assert.is(client.getServerVersion()?.name, 'mcp-docker-gateway')
    const names = (await client.listTools()).tools.map((t) => t.name)
    for (const name of [
      'test_pii_detection',
      'get_oauth2_server_status',
      'validate_oauth2_setup',
      'add',
      'current_time',
      'progress',
      'hang',
    ])
      assert.ok(names.includes(name), name)
    // `echo` is offered by example and the fixture: both prefixed (collision only).
    assert.ok(names.includes('example_echo') && names.includes('fixture_echo'), names.join(' '))
    assert.not.ok(names.includes('echo'))
    assert.ok(names.every((n) => n.length <= 60 && /^[A-Za-z0-9_-]+$/.test(n)))
    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })
    assert.equal(sum.structuredContent, { sum: 5 })
  } finally {
    await stack.close()
  }
})

flow(
  'the audit tools need audit.read: hidden and refused (403) without it, served with it',
  async () => {
    const stack = await startStack()
    try {
      const audit = ['get_security_audit_log', 'generate_security_report']
      const agent = await stack.connect(await stack.token())
      const names = (await agent.listTools()).tools.map((t) => t.name)
      assert.ok(names.includes('test_pii_detection'))
      for (const name of audit) assert.not.ok(names.includes(name), `${name} hidden`)
      for (const name of audit) {
        const refused = await agent.callTool({ name, arguments: {} }).then(
          () => 'answered',
          (error: Error) => error.message,
        )
        assert.match(refused, /403|insufficient_scope/, name)
      }
      const operator = await stack.connect(await stack.token('operator'), 'operator')
      const all = (await operator.listTools()).tools.map((t) => t.name)
      for (const name of audit) assert.ok(all.includes(name), `${name} listed for the operator`)
      const log = await operator.callTool({
        name: 'get_security_audit_log',
        arguments: { limit: 5 },
      })
      assert.not.ok(log.isError, textOf(log as never))
      assert.is((log.structuredContent as { available: boolean }).available, true)
      const report = await operator.callTool({ name: 'generate_security_report', arguments: {} })
      assert.not.ok(report.isError, textOf(report as never))
      const metadata = (await (
        await fetch(new URL('/.well-known/oauth-protected-resource/mcp', stack.mcpUrl))
      ).json()) as { scopes_supported: string[] }
      assert.equal(metadata.scopes_supported, ['mcp.access', 'audit.read'])
    } finally {
      await stack.close()
    }
  },
)

const POLICIES: Array<[string, unknown, (text: string, ring?: FernetKeyRing) => Promise<void>]> = [
  [
    'mask',
    { results: { default: 'mask' } },
    async (text) => assert.is(text, 'mail k***@example.com'),
  ],
  ['redact', { results: { default: 'redact' } }, async (text) => assert.is(text, 'mail [EMAIL]')],
  [
    'encrypt',
    { results: { default: 'encrypt' } },
    async (text, ring) => {
      const token = /^mail (gAAAAA\S+)$/.exec(text)?.[1]
      assert.ok(token, text)
      assert.is(await ring!.decryptText(token!), 'kim@example.com')
    },
  ],
]

for (const [action, policy, check] of POLICIES) {
  flow(
    `PII tool under the ${action} policy: the client sees ${action}ed data, the audit record says so`,
    async () => {
      const key = generateFernetKey()
      const ring = await FernetKeyRing.create([key])
      const stack = await startStack({
        policy,
        fernetKey: key,
        file: { defaultServers: false, servers: { example: { enabled: true } } },
      })
      try {
        const token = await stack.token()
        const client = await stack.connect(token)
        const result = await client.callTool({
          name: 'echo',
          arguments: { text: 'mail kim@example.com' },
        })
        assert.not.ok(result.isError, textOf(result as never))
        await check(textOf(result as never), ring)
        const { records, text } = await stack.audit()
        const call = records.find((r) => r.event === 'tool_call')!
        assert.is(call.tool, 'echo')
        assert.is(call.client_id, 'mcp-client')
        assert.is(call.jti, stack.jtiOf(token))
        assert.is(call.action, action)
        assert.equal(call.pii, { email: 2 })
        assert.is(call.outcome, 'ok')
        assert.is(records.filter((r) => r.event === 'tool_call').length, 1, 'one record per call')
        assert.not.ok(text.includes('kim@example.com'), 'LOG-2: no value in the log')
        assert.not.ok(text.includes(token), 'LOG-1: no token in the log')
      } finally {
        await stack.close()
      }
    },
  )
}

flow(
  'PII tool under the reject policy: the call is refused before the tool runs, and audited',
  async () => {
    const stack = await startStack({
      policy: { arguments: { types: { email: 'reject' } } },
      file: { defaultServers: false, servers: { example: { enabled: true } } },
    })
    try {
      const token = await stack.token()
      const client = await stack.connect(token)
      const result = await client.callTool({
        name: 'echo',
        arguments: { text: 'mail kim@example.com' },
      })
      assert.ok(result.isError)
      assert.match(
        textOf(result as never),
        /rejected by the PII policy: the arguments contain email/,
      )
      const { records, text } = await stack.audit()
      const call = records.find((r) => r.event === 'tool_call')!
      assert.equal(
        [call.outcome, call.action, call.direction, call.jti],
        ['rejected', 'reject', 'in', stack.jtiOf(token)],
      )
      assert.not.ok(text.includes('kim@example.com'))
    } finally {
      await stack.close()
    }
  },
)

flow(
  'a child that crashes mid-call: the call fails at once, the child comes back as a new process',
  async () => {
    const stack = await startStack()
    try {
      const client = await stack.connect(await stack.token())
      const pid = textOf((await client.callTool({ name: 'pid', arguments: {} })) as never)
      const crashed = await client.callTool({ name: 'crash', arguments: {} })
      assert.ok(crashed.isError)
      assert.match(
        textOf(crashed as never),
        /server fixture stopped while the call was running; it is being restarted/,
      ) // the exit failed the call (not the call timeout): no wall-clock bound needed
      let next = ''
      for (let i = 0; i < 100 && !/^\d+$/.test(next); i++) {
        const result = await client.callTool({ name: 'pid', arguments: {} })
        next = textOf(result as never)
        if (result.isError) {
          assert.match(next, /server fixture is restarting/)
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      assert.match(next, /^\d+$/)
      assert.is.not(next, pid)
      assert.ok(stack.lines.some((l) => /fixture: connection closed/.test(l)))
      const { records } = await stack.audit()
      assert.ok(records.some((r) => r.tool === 'crash' && r.detail === 'upstream_crashed'))
    } finally {
      await stack.close()
    }
  },
)

flow(
  'a hung call times out (callTimeoutSeconds) with isError; progress and logs reach the caller',
  async () => {
    const stack = await startStack()
    try {
      const client = await stack.connect(await stack.token())
      const hung = await client.callTool({ name: 'hang', arguments: {} })
      assert.ok(hung.isError)
      assert.match(
        textOf(hung as never),
        /tool hang of server fixture did not answer within 1 s; the call was cancelled/,
      )
      const logs: unknown[] = []
      const logged = createCounter('log line')
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(n.params.data)
        logged.bump()
      })
      const progress: number[] = []
      const result = await client.callTool(
        { name: 'progress', arguments: { tag: 'kim@example.com', steps: 3 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      )
      assert.is(textOf(result as never), 'k***@example.com')
      assert.equal(progress, [1, 2, 3])
      await logged.reached(3)
      // Relayed log lines go through the result policy like every server message (issue 9 §1).
      assert.equal(
        logs,
        [1, 2, 3].map((i) => `log ${i} of k***@example.com`),
      )
    } finally {
      await stack.close()
    }
  },
)

flow.run()
