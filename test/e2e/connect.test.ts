// E2E: `node dist/connect.mjs --url …` (a copy in an empty folder) between an SDK client over
// stdio and dist/gateway.mjs + dist/oauth2.mjs on free loopback ports (development mode, the
// conformance fixture as the gateway's only upstream): the whole chain, a token renewed mid-
// session, DELETE when stdin closes (the gateway allows one session per client here), clear
// errors for a wrong secret and a missing gateway, usage errors, and the Inspector CLI. The
// client secret goes only to the pinned issuer (OAUTH2_ISSUER / --issuer): without a pin the
// stack's AS (another port, so another origin) is refused unless --allow-cross-origin-issuer,
// and a rogue gateway naming an attacker's AS never gets the secret to it (issue 9 §4).
import { createServer, type Server } from 'node:http'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js'
import { bundlePath } from '../support/bundle.ts'
import { startStack } from '../support/stack.ts'
import {
  connectStdio,
  freePort,
  initializeRequest,
  isolatedBundle,
  runInspector,
  spawnRaw,
  within,
} from './helpers.ts'

interface Stack {
  asUrl: string
  mcpUrl: string
  clientEnv: Record<string, string>
  gateway: { output(): string }
  stop(): Promise<void>
}

const TTL_SECONDS = 3
const e2e = suite('dist/connect.mjs → dist/gateway.mjs → conformance fixture')
const state: { stack?: Stack; connect?: string } = {}

e2e.before(async () => {
  for (const name of ['oauth2', 'gateway', 'conformance-fixture']) await bundlePath(name)
  state.connect = await isolatedBundle('connect')
  state.stack = (await startStack({
    tokenTtlSeconds: TTL_SECONDS,
    gatewayLimits: { maxSessionsPerClient: 1 },
  })) as Stack
})

e2e.after(async () => {
  await state.stack?.stop()
})

/** The demo client pinned to the stack's OAuth2 server. */
const clientEnv = () => ({ ...state.stack!.clientEnv, OAUTH2_ISSUER: state.stack!.asUrl })

const open = (env: Record<string, string> = {}, url = state.stack!.mcpUrl, args: string[] = []) =>
  connectStdio(process.execPath, [state.connect!, '--url', url, ...args], {
    env: { ...clientEnv(), ...env },
  })

e2e('initialize, tools/list and tools/call (with progress) through the whole chain', async () => {
  const session = await open()
  try {
    const info = session.client.getServerVersion()
    assert.ok(info && info.name !== 'conformance-fixture', 'the gateway answered initialize')
    assert.ok(session.client.getServerCapabilities()?.tools)
    const tools = (await session.client.listTools()).tools.map((t) => t.name)
    assert.ok(tools.includes('test_simple_text') && tools.includes('test_tool_with_progress'))
    const text = await session.client.callTool({ name: 'test_simple_text', arguments: {} })
    assert.equal(text.content, [
      { type: 'text', text: 'This is a simple text response for testing.' },
    ])
    const progress: Progress[] = []
    await session.client.request(
      {
        method: 'tools/call',
        params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 7 } },
      },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p) },
    )
    // connect writes all three before the result (checked on raw stdout below); the SDK client
    // may drop a progress notification read in the same chunk as the result (its notification
    // handlers run a microtask later than the response handler).
    assert.equal(
      progress.slice(0, 2).map((p) => p.progress),
      [0, 50],
    )
    assert.match(session.stderr(), /access token obtained \(scope mcp\.access\), expires in 3 s/)
  } finally {
    await session.close()
  }
})

e2e('a token expiring mid-session is renewed before it expires (80% of expires_in)', async () => {
  const session = await open()
  try {
    await session.client.callTool({ name: 'test_simple_text', arguments: {} })
    await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000 + 200))
    const after = await session.client.callTool({ name: 'test_simple_text', arguments: {} })
    assert.not.ok(after.isError)
    assert.is((session.stderr().match(/access token obtained/g) ?? []).length, 2, session.stderr())
    assert.not.match(session.stderr(), /eyJ/, 'LOG-1: no token on stderr')
  } finally {
    await session.close()
  }
})

e2e(
  'closing stdin: exit 0 at once, the session ended with DELETE (one session per client)',
  async () => {
    const raw = spawnRaw(state.connect!, ['--url', state.stack!.mcpUrl], clientEnv())
    raw.send(initializeRequest(1))
    const answer = (await raw.next(15_000)) as { result?: { protocolVersion?: string } }
    assert.is(answer.result?.protocolVersion, '2025-11-25')
    raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    raw.send({ jsonrpc: '2.0', id: 2, method: 'ping' })
    assert.equal(await raw.next(), { jsonrpc: '2.0', id: 2, result: {} })
    // Progress and result in the order the tool sent them, nothing else on stdout.
    raw.send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'p' } },
    })
    const sequence = (await Promise.all([
      raw.next(),
      raw.next(),
      raw.next(),
      raw.next(),
    ])) as Array<{
      id?: number
      method?: string
      params?: { progress?: number }
    }>
    assert.equal(
      sequence.map((m) => (m.method ? `progress ${m.params?.progress}` : `result ${m.id}`)),
      ['progress 0', 'progress 50', 'progress 100', 'result 3'],
    )
    raw.closeStdin()
    const exit = await within(raw.exited, 5000, 'exit after stdin closed')
    assert.is(exit.code, 0, raw.stderr())
    assert.ok(exit.ms < 3000, `exited in ${exit.ms} ms`)
    assert.equal(raw.junk, [], 'stdout carries JSON-RPC only')
    assert.match(raw.stderr(), /stdin closed; ending the gateway session/)
    // maxSessionsPerClient is 1: a new session is possible only if that one was deleted.
    const next = await open()
    await next.client.ping()
    await next.close()
  },
)

e2e(
  'wrong secret: initialize answered with a clear JSON-RPC error, and said on stderr',
  async () => {
    const error = await open({ OAUTH2_CLIENT_SECRET: 'not-the-right-secret' }).then(
      () => undefined,
      (e: Error) => e,
    )
    assert.ok(error, 'initialize failed')
    assert.match(
      error!.message,
      /connect could not deliver initialize to the gateway: the authorization server refused the credentials of client "mcp-client" \(invalid_client/,
    )
    const raw = spawnRaw(state.connect!, ['--url', state.stack!.mcpUrl], {
      ...clientEnv(),
      OAUTH2_CLIENT_SECRET: 'not-the-right-secret',
    })
    raw.send(initializeRequest(1))
    const answer = (await raw.next(15_000)) as {
      error?: { code: number; data?: { code?: string } }
    }
    assert.is(answer.error?.code, -32000)
    assert.is(answer.error?.data?.code, 'ERR_INVALID_CLIENT')
    raw.closeStdin()
    assert.is((await raw.exited).code, 0)
    assert.match(raw.stderr(), /invalid_client/)
    assert.not.ok(raw.stderr().includes('not-the-right-secret'), 'LOG-1')
  },
)

e2e('no gateway at --url: ERR_GATEWAY_UNREACHABLE to the request', async () => {
  const nothing = `http://127.0.0.1:${await freePort()}/mcp`
  const raw = spawnRaw(state.connect!, ['--url', nothing], clientEnv())
  raw.send(initializeRequest(1))
  const answer = (await raw.next(15_000)) as {
    error?: { message: string; data?: { code?: string } }
  }
  assert.is(answer.error?.data?.code, 'ERR_GATEWAY_UNREACHABLE')
  assert.match(answer.error!.message, /cannot reach the gateway \(ECONNREFUSED\)/)
  raw.closeStdin()
  assert.is((await raw.exited).code, 0)
})

e2e(
  'no pin and the AS on another origin: refused, saying how to pin or allow it; both work',
  async () => {
    const raw = spawnRaw(state.connect!, ['--url', state.stack!.mcpUrl], {
      ...clientEnv(),
      OAUTH2_ISSUER: '',
    })
    raw.send(initializeRequest(1))
    const answer = (await raw.next(15_000)) as {
      error?: { message: string; data?: { code?: string } }
    }
    assert.is(answer.error?.data?.code, 'ERR_UNTRUSTED_ISSUER')
    assert.match(
      answer.error!.message,
      new RegExp(`pin it: --issuer ${state.stack!.asUrl} \\(or OAUTH2_ISSUER\\)`),
    )
    assert.match(answer.error!.message, /add --allow-cross-origin-issuer/)
    raw.closeStdin()
    assert.is((await raw.exited).code, 0)
    assert.match(raw.stderr(), /--allow-cross-origin-issuer/)
    assert.match(
      raw.stderr(),
      /credentials go only to an authorization server on the gateway's origin/,
    )

    // The pin on the command line, or the explicit allowance: the chain works.
    for (const args of [['--issuer', state.stack!.asUrl], ['--allow-cross-origin-issuer']]) {
      const session = await open({ OAUTH2_ISSUER: '' }, state.stack!.mcpUrl, args)
      try {
        await session.client.ping()
      } finally {
        await session.close()
      }
    }
  },
)

/** A rogue gateway (401 naming its metadata, which names `attacker`) and the attacker's AS. */
async function rogueGateway() {
  const hits: string[] = []
  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    )
  const attacker = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.setHeader('Content-Type', 'application/json')
    if (req.url === '/token') return res.end('{"access_token":"x","token_type":"Bearer"}')
    res.end(JSON.stringify({ issuer: attackerUrl, token_endpoint: `${attackerUrl}/token` }))
  })
  const attackerUrl = `http://127.0.0.1:${await listen(attacker)}`
  const rogue = createServer((req, res) => {
    if (req.url === '/.well-known/oauth-protected-resource/mcp') {
      res.setHeader('Content-Type', 'application/json')
      return res.end(JSON.stringify({ resource: mcpUrl, authorization_servers: [attackerUrl] }))
    }
    res.writeHead(401, {
      'WWW-Authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
    })
    res.end()
  })
  const origin = `http://127.0.0.1:${await listen(rogue)}`
  const mcpUrl = `${origin}/mcp`
  return {
    mcpUrl,
    hits,
    close: () => Promise.all([attacker, rogue].map((s) => new Promise((r) => s.close(r)))),
  }
}

e2e(
  'a rogue gateway naming its own AS: the secret never reaches it, with or without a pin',
  async () => {
    const rogue = await rogueGateway()
    try {
      for (const issuer of [state.stack!.asUrl, '']) {
        const raw = spawnRaw(state.connect!, ['--url', rogue.mcpUrl], {
          ...clientEnv(),
          OAUTH2_ISSUER: issuer,
        })
        raw.send(initializeRequest(1))
        const answer = (await raw.next(15_000)) as { error?: { data?: { code?: string } } }
        assert.is(answer.error?.data?.code, 'ERR_UNTRUSTED_ISSUER')
        raw.closeStdin()
        assert.is((await raw.exited).code, 0)
      }
      assert.equal(rogue.hits, [], 'the attacker was asked nothing')
    } finally {
      await rogue.close()
    }
  },
)

e2e('usage errors: exit 2 with every problem and the usage text; --help exits 0', async () => {
  const bad = spawnRaw(state.connect!, ['--timeout', 'x'], {})
  const exit = await within(bad.exited, 5000, 'exit on a usage error')
  assert.is(exit.code, 2)
  assert.match(bad.stderr(), /--url is required/)
  assert.match(bad.stderr(), /--timeout must be a whole number/)
  assert.match(bad.stderr(), /OAUTH2_CLIENT_ID is required/)
  assert.match(bad.stderr(), /Usage: node connect\.mjs --url/)
  const help = spawnRaw(state.connect!, ['--help'], {})
  assert.is((await help.exited).code, 0)
})

e2e('the MCP Inspector CLI (a third-party client) lists the tools through connect', async () => {
  const run = await runInspector(
    [process.execPath, state.connect!, '--url', state.stack!.mcpUrl],
    // The Inspector gives its server only the variables named with -e.
    [
      ...Object.entries(clientEnv()).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      '--method',
      'tools/list',
    ],
  )
  assert.is(run.code, 0, run.stderr)
  const tools = (run.json as { tools: Array<{ name: string }> }).tools.map((t) => t.name)
  assert.ok(tools.includes('test_image_content'), run.stdout)
})

e2e.run()
