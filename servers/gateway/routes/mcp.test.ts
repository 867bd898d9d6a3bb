// /mcp through app.request() with tokens from the real OAuth2 app: RS-1..RS-6 / MCP-A4..A7
// challenges, MCP-T2 Origin/Host, MCP-T3..T6 transport rules, sessions bound to the client
// (MCP-A12), per-tool scopes (MCP-A6), rate and session limits, revocation.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  GATEWAY,
  makeHarness,
  messagesOf,
  PROTOCOL,
  type HarnessOptions,
} from '../testing/harness.ts'

const METADATA_URL = `${GATEWAY}/.well-known/oauth-protected-resource/mcp`
const listTools = { jsonrpc: '2.0', id: 2, method: 'tools/list' }
const callTool = (name: string, args: Record<string, unknown> = {}, id = 3) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
})

async function withHarness(
  options: HarnessOptions,
  run: (h: Awaited<ReturnType<typeof makeHarness>>) => Promise<void>,
) {
  const h = await makeHarness(options)
  try {
    await run(h)
  } finally {
    await h.close()
  }
}

test('RS-3 / MCP-A4: no credentials → 401, resource_metadata and scope, no error code', async () => {
  await withHarness({}, async (h) => {
    const res = await h.request('/mcp', { method: 'POST', body: '{}' })
    assert.is(res.status, 401)
    assert.is(
      res.headers.get('www-authenticate'),
      `Bearer realm="mcp-docker", scope="mcp.access", resource_metadata="${METADATA_URL}"`,
    )
    const basic = await h.request('/mcp', {
      method: 'POST',
      headers: { Authorization: 'Basic eDp5' },
    })
    assert.is(basic.status, 401)
    assert.not.match(basic.headers.get('www-authenticate')!, /error=/)
    assert.equal(await h.audit.records(), [], 'no credentials is not an audited failure')
  })
})

test('RS-4 / MCP-A7: bad, expired, wrong-audience and revoked tokens → 401 invalid_token, audited', async () => {
  await withHarness({}, async (h) => {
    const good = await h.token()
    const [head, payload] = good.split('.')
    const elsewhere = await h.token('elsewhere', '&resource=https%3A%2F%2Fapi.example%2Fmcp')
    for (const token of [`${head}.${payload}.AAAA`, 'not.a.jwt', elsewhere]) {
      const res = await h.post(listTools, token)
      assert.is(res.status, 401, token)
      assert.match(
        res.headers.get('www-authenticate')!,
        /^Bearer realm="mcp-docker", error="invalid_token", error_description="[^"]+", scope="mcp.access", resource_metadata="/,
      )
    }
    const expiring = await h.token()
    h.as.clock.now += 1800_000 + 60_000
    const expired = await h.post(listTools, expiring)
    assert.is(expired.status, 401)
    assert.match(expired.headers.get('www-authenticate')!, /error="invalid_token"/)
    h.as.clock.now -= 1800_000 + 60_000
    // RV-5: revoked at the AS → refused at the gateway (introspection).
    const revokedToken = await h.token()
    assert.is(
      (await h.post(listTools, revokedToken)).status,
      400,
      'valid: reaches the transport (no session → 400)',
    )
    await h.as.post('/oauth2/revoke', `token=${revokedToken}`, ['mcp-client', 'secret'])
    h.as.clock.now += 31_000 // past the 30 s introspection cache
    const revoked = await h.post(listTools, revokedToken)
    assert.is(revoked.status, 401)
    assert.match(
      revoked.headers.get('www-authenticate')!,
      /error="invalid_token", error_description="the access token was revoked"/,
    )
    const records = await h.audit.records()
    assert.ok(records.length >= 5)
    assert.ok(records.every((r) => r.event === 'token_rejected' && r.outcome === 'denied'))
    assert.match(records.at(-1)!.detail!, /invalid_token revoked/)
    // The verifier's reason, as its stable AccessTokenError code (ERR_*, jose's style).
    assert.equal(
      records.slice(0, 4).map((r) => r.detail),
      [
        'invalid_token ERR_JWT_SIGNATURE_INVALID',
        'invalid_token ERR_JWT_MALFORMED',
        'invalid_token ERR_JWT_CLAIM_INVALID',
        'invalid_token ERR_JWT_EXPIRED',
      ],
    )
    assert.is(records.at(-1)!.client_id, 'mcp-client')
    const text = await h.audit.text()
    for (const token of [good, elsewhere, revokedToken])
      assert.not.ok(text.includes(token), 'LOG-1: no token in the log')
  })
})

test('RS-5: a token without mcp.access → 403 insufficient_scope; RS-1/RS-6: query token and bad header → 400', async () => {
  await withHarness({}, async (h) => {
    const narrow = await h.token('narrow')
    const res = await h.post(listTools, narrow)
    assert.is(res.status, 403)
    assert.match(
      res.headers.get('www-authenticate')!,
      /error="insufficient_scope", error_description="[^"]*", scope="mcp.access", resource_metadata="/,
    )
    const token = await h.token()
    const query = await h.request(`/mcp?access_token=${token}`, { method: 'POST' })
    assert.is(query.status, 400)
    assert.match(query.headers.get('www-authenticate')!, /error="invalid_request"/)
    const malformed = await h.request('/mcp', {
      method: 'POST',
      headers: { Authorization: 'Bearer a b' },
    })
    assert.is(malformed.status, 400)
  })
})

test('MCP-T2: a foreign Origin or Host → 403 before anything else; allowed ones pass', async () => {
  await withHarness({ env: { GATEWAY_ALLOWED_ORIGINS: 'https://app.example' } }, async (h) => {
    const token = await h.token()
    const evil = await h.post(listTools, token, { Origin: 'https://evil.example' })
    assert.is(evil.status, 403)
    assert.equal(await evil.json(), {
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Forbidden: Origin not allowed' },
      id: null,
    })
    const nullOrigin = await h.request('/mcp', { method: 'POST', headers: { Origin: 'null' } })
    assert.is(nullOrigin.status, 403, 'even without credentials: Origin is checked first')
    const host = await h.post(listTools, token, { Host: 'attacker.example:8080' })
    assert.is(host.status, 403)
    for (const origin of [
      'http://localhost:8080',
      'http://127.0.0.1:8080',
      'https://app.example',
    ]) {
      const ok = await h.post(listTools, token, { Origin: origin })
      assert.is(ok.status, 400, `${origin} passes (then: no session → 400)`)
    }
  })
})

test('MCP-T3: 406 without both Accept types, 415 for non-JSON, 413 over the limit, 400 for bad JSON', async () => {
  const file = { limits: { maxBodyBytes: 1024 } }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    const accept = await h.post(listTools, token, { Accept: 'application/json' })
    assert.is(accept.status, 406)
    const type = await h.post(listTools, token, { 'Content-Type': 'text/plain' })
    assert.is(type.status, 415)
    const big = await h.post(
      { jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2000) } },
      token,
    )
    assert.is(big.status, 413)
    const bad = await h.post('{"jsonrpc":', token)
    assert.is(bad.status, 400)
    assert.equal(((await bad.json()) as any).error.code, -32700)
  })
})

test('MCP-T3: a chunked body over the limit is a JSON-RPC 413 after a few chunks; a bad Content-Length a 400', async () => {
  // Our reader, not hono/body-limit (see shared/http/body.ts): the same JSON-RPC error shape.
  const file = { limits: { maxBodyBytes: 1024 } }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    let pulled = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(
          new TextEncoder().encode(pulled === 1 ? '{"jsonrpc":"2.0","p":"' : 'x'.repeat(256)),
        )
        if (pulled > 1000) controller.close()
      },
    })
    const headers = {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    }
    const big = await h.request('/mcp', {
      method: 'POST',
      headers,
      body,
      duplex: 'half',
    } as RequestInit)
    assert.is(big.status, 413)
    assert.equal(((await big.json()) as any).error.code, -32000)
    assert.ok(pulled < 20, `read ${pulled} chunks`)
    const odd = await h.request('/mcp', {
      method: 'POST',
      headers: { ...headers, 'Content-Length': '15abc' },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    })
    assert.is(odd.status, 400)
  })
})

test('MCP-T5/T6: initialize opens a session (secure id, SSE answer); the id is then required', async () => {
  await withHarness({}, async (h) => {
    const token = await h.token()
    const init = await h.post(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 't', version: '1' },
        },
      },
      token,
    )
    assert.is(init.status, 200)
    assert.match(init.headers.get('content-type')!, /text\/event-stream/)
    const id = init.headers.get('mcp-session-id')!
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const [answer] = (await messagesOf(init)) as any[]
    assert.is(
      answer.result.protocolVersion,
      '2025-06-18',
      'MCP-T6: the requested supported version',
    )
    assert.ok(answer.result.capabilities.tools)
    const noSession = await h.post(listTools, token)
    assert.is(noSession.status, 400)
    const unknown = await h.post(listTools, token, { 'Mcp-Session-Id': crypto.randomUUID() })
    assert.is(unknown.status, 404)
    const badVersion = await h.post(listTools, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': '1999-01-01',
    })
    assert.is(badVersion.status, 400)
    const list = await h.post(listTools, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': '2025-06-18',
    })
    assert.is(list.status, 200)
    const [tools] = await messagesOf(list)
    assert.equal(
      tools.result.tools.map((t: { name: string }) => t.name),
      ['whoami', 'alpha_say', 'beta_say', 'steps', 'hang'],
    )
  })
})

test('MCP-A12: a session answers only its own client (another client → 404)', async () => {
  await withHarness({}, async (h) => {
    const mine = await h.token()
    const theirs = await h.token('multi')
    const id = await h.initialize(mine)
    const other = await h.post(listTools, theirs, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(other.status, 404)
    const again = await h.token()
    const same = await h.post(listTools, again, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(same.status, 200, 'a new token of the same client keeps the session (refresh)')
    await same.body?.cancel()
  })
})

test('MCP-T4/T5: GET opens the SSE stream, DELETE ends the session (then 404), PUT is 405', async () => {
  await withHarness({}, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const headers = {
      Authorization: `Bearer ${token}`,
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    }
    const noId = await h.request('/mcp', {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    })
    assert.is(noId.status, 400)
    const stream = await h.request('/mcp', { headers: { ...headers, Accept: 'text/event-stream' } })
    assert.is(stream.status, 200)
    assert.match(stream.headers.get('content-type')!, /text\/event-stream/)
    await stream.body?.cancel()
    const put = await h.request('/mcp', { method: 'PUT', headers })
    assert.is(put.status, 405)
    assert.is(put.headers.get('allow'), 'GET, POST, DELETE')
    const del = await h.request('/mcp', { method: 'DELETE', headers })
    assert.is(del.status, 200)
    assert.is(h.gateway.sessions.size, 0)
    const after = await h.post(listTools, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(after.status, 404)
  })
})

test('MCP-A6: a tools/call needing a scope the token lacks → 403 naming every scope; tools/list hides it', async () => {
  const file = {
    servers: { alpha: { toolScopes: { whoami: ['tools'] } } },
  }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const session = { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': PROTOCOL }
    const res = await h.post(callTool('whoami'), token, session)
    assert.is(res.status, 403)
    assert.is(
      res.headers.get('www-authenticate'),
      `Bearer realm="mcp-docker", error="insufficient_scope", error_description="the tool whoami needs the scope mcp.access tools", scope="mcp.access tools", resource_metadata="${METADATA_URL}"`,
    )
    const [list] = await messagesOf(await h.post(listTools, token, session))
    assert.not.ok(list.result.tools.some((t: { name: string }) => t.name === 'whoami'))
    const multi = await h.token('multi', '&scope=mcp.access%20tools')
    const theirs = await h.initialize(multi)
    const ok = await h.post(callTool('whoami'), multi, {
      'Mcp-Session-Id': theirs,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(ok.status, 200)
    const [answer] = await messagesOf(ok)
    assert.equal(answer.result.structuredContent.clientId, 'multi')
    const denied = (await h.audit.records()).filter((r) => r.outcome === 'denied')
    assert.equal(
      denied.map((r) => [r.event, r.tool, r.client_id, r.detail]),
      [['tool_call', 'whoami', 'mcp-client', 'insufficient_scope']],
    )
    const metadata = (await (
      await h.request('/.well-known/oauth-protected-resource/mcp')
    ).json()) as any
    assert.equal(metadata.scopes_supported, ['mcp.access', 'tools'])
  })
})

test('rate limit per client → 429 with Retry-After; other clients unaffected', async () => {
  const file = { limits: { requestsPerMinute: 3 } }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    for (let i = 0; i < 3; i++) assert.is((await h.post(listTools, token)).status, 400)
    const limited = await h.post(listTools, token)
    assert.is(limited.status, 429)
    assert.ok(Number(limited.headers.get('retry-after')) >= 1)
    assert.is((await h.post(listTools, await h.token('multi'))).status, 400)
  })
})

const initialize = (protocolVersion = PROTOCOL) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } },
})

/** Opens the GET stream of session `id`; returns the response (its body stays open). */
async function openStream(h: Awaited<ReturnType<typeof makeHarness>>, token: string, id: string) {
  const res = await h.request('/mcp', {
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'text/event-stream',
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    },
  })
  assert.is(res.status, 200)
  return res
}

test('per-client session cap → 429 with Retry-After', async () => {
  const file = { limits: { maxSessions: 10, maxSessionsPerClient: 2 } }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    await h.initialize(token)
    await h.initialize(token)
    const refused = await h.post(initialize(), token)
    assert.is(refused.status, 429)
    assert.is(refused.headers.get('retry-after'), '60')
    assert.is(h.gateway.sessions.countOf('mcp-client'), 2)
    assert.is((await h.post(initialize(), await h.token('multi'))).status, 200, 'others still can')
  })
})

test("global session cap: the biggest holder's idle session makes room for a newcomer; 503 only when all are busy; idle sessions expire", async () => {
  const file = {
    limits: { maxSessions: 3, maxSessionsPerClient: 2, sessionIdleSeconds: 60 },
  }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    const on = (id: string) => ({ 'Mcp-Session-Id': id, 'MCP-Protocol-Version': PROTOCOL })
    const first = await h.initialize(token)
    h.as.clock.now += 1000
    const second = await h.initialize(token)
    const multi = await h.token('multi')
    const theirs = await h.initialize(multi)
    // Full (3) and idle: the newcomer gets a session; the hoarder's least recently used goes.
    const operator = await h.token('operator')
    const mine = await h.initialize(operator)
    assert.is(h.gateway.sessions.size, 3)
    assert.is((await h.post(listTools, token, on(first))).status, 404)
    const listed = await h.post(listTools, multi, on(theirs))
    assert.is(listed.status, 200, 'the small holder stays')
    await listed.body?.cancel()
    // Every session busy (an open stream each): now 503.
    const streams = [
      await openStream(h, token, second),
      await openStream(h, multi, theirs),
      await openStream(h, operator, mine),
    ]
    const refused = await h.post(initialize(), multi)
    assert.is(refused.status, 503)
    assert.is(refused.headers.get('retry-after'), '30')
    for (const stream of streams) await stream.body!.cancel()
    h.as.clock.now += 61_000
    await h.gateway.sessions.sweep()
    assert.is(h.gateway.sessions.size, 0)
    assert.is((await h.post(listTools, token, on(second))).status, 404)
  })
})

test('defaults: a client may hold 32 sessions and 16 calls in flight, well below the 1000-session cap', async () => {
  await withHarness({}, async (h) => {
    const { maxSessions, maxSessionsPerClient, maxCallsInFlightPerClient } = h.config.limits
    assert.equal([maxSessions, maxSessionsPerClient, maxCallsInFlightPerClient], [1000, 32, 16])
  })
})

test("RV-5: when the gateway learns of a revocation, the token's streams end and its sessions are gone", async () => {
  await withHarness({}, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const stream = await openStream(h, token, id)
    const reader = stream.body!.getReader()
    const later = await h.token()
    const other = await h.initialize(later)
    await h.as.post('/oauth2/revoke', `token=${token}`, ['mcp-client', 'secret'])
    h.as.clock.now += 31_000 // past the introspection cache: the next request asks the AS
    const refused = await h.post(listTools, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(refused.status, 401)
    // The answer came back after the AS said "inactive": the stream has ended by now.
    for (;;) {
      const { done } = await reader.read()
      if (done) break
    }
    const session = { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': PROTOCOL }
    assert.is((await h.post(listTools, later, session)).status, 404, 'its session is gone')
    const kept = await h.post(listTools, later, {
      'Mcp-Session-Id': other,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(kept.status, 200, 'a session another token opened stays')
    await kept.body?.cancel()
  })
})

test('MCP 2025-06-18 removed batching: a batch on a 2025-11-25 or 2025-06-18 session → 400 -32600; a 2025-03-26 session still takes one', async () => {
  await withHarness({}, async (h) => {
    const token = await h.token()
    const batch = [
      { jsonrpc: '2.0', id: 7, method: 'ping' },
      { jsonrpc: '2.0', id: 8, method: 'ping' },
    ]
    for (const version of ['2025-11-25', '2025-06-18']) {
      const init = await h.post(initialize(version), token)
      const id = init.headers.get('mcp-session-id')!
      await init.body?.cancel()
      const res = await h.post(batch, token, {
        'Mcp-Session-Id': id,
        'MCP-Protocol-Version': version,
      })
      assert.is(res.status, 400, version)
      assert.is(res.headers.get('cache-control'), 'no-store')
      const body = (await res.json()) as { error: { code: number; message: string }; id: null }
      assert.is(body.error.code, -32600)
      assert.match(
        body.error.message,
        new RegExp(`revision ${version} \\(removed in 2025-06-18\\)`),
      )
      assert.is(body.id, null)
    }
    const init = await h.post(initialize('2025-03-26'), token)
    const [answer] = await messagesOf(init)
    assert.is(answer.result.protocolVersion, '2025-03-26')
    const id = init.headers.get('mcp-session-id')!
    const res = await h.post(batch, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': '2025-03-26',
    })
    assert.is(res.status, 200)
    assert.equal((await messagesOf(res)).map((m) => m.id).sort(), [7, 8])
  })
})

test("every answer of /mcp is no-store, also the SDK transport's 400s (bad MCP-Protocol-Version, a second initialize) and SSE answers", async () => {
  await withHarness({}, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const badVersion = await h.post(listTools, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': '1999-01-01',
    })
    assert.is(badVersion.status, 400)
    assert.is(badVersion.headers.get('cache-control'), 'no-store')
    const again = await h.post(initialize(), token, { 'Mcp-Session-Id': id })
    assert.is(again.status, 400)
    assert.match(((await again.json()) as any).error.message, /already initialized/)
    assert.is(again.headers.get('cache-control'), 'no-store')
    const sse = await h.post(listTools, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(sse.status, 200)
    assert.match(sse.headers.get('cache-control')!, /(^|, )no-store($|,)/)
    assert.match(sse.headers.get('cache-control')!, /no-transform/)
    await sse.body?.cancel()
    const accepted = await h.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(accepted.status, 202)
    assert.is(accepted.headers.get('cache-control'), 'no-store')
    const unauthenticated = await h.request('/mcp', { method: 'POST' })
    assert.is(unauthenticated.headers.get('cache-control'), 'no-store')
  })
})

test('fairness: a client over its tools/call in flight → 429 JSON-RPC error; others unaffected; answers and cancels free slots', async () => {
  const file = { limits: { maxCallsInFlightPerClient: 2 } }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const second = await h.initialize(token)
    const on = (session: string) => ({
      'Mcp-Session-Id': session,
      'MCP-Protocol-Version': PROTOCOL,
    })
    const hanging = [
      await h.post(callTool('hang', {}, 10), token, on(id)),
      await h.post(callTool('hang', {}, 11), token, on(second)),
    ]
    for (const res of hanging) assert.is(res.status, 200)
    const over = await h.post(callTool('steps', { tag: 'x' }, 12), token, on(second))
    assert.is(over.status, 429)
    assert.is(over.headers.get('retry-after'), '1')
    assert.equal(await over.json(), {
      jsonrpc: '2.0',
      error: {
        code: -32000,
        message:
          'Too many tool calls in flight for this client (at most 2): wait for one to finish',
      },
      id: null,
    })
    // Another client is not held up by this one.
    const multi = await h.token('multi')
    const theirs = await h.initialize(multi)
    const ok = await h.post(callTool('steps', { tag: 'y' }, 1), multi, on(theirs))
    assert.is(ok.status, 200)
    assert.equal((await messagesOf(ok)).at(-1).result.structuredContent, { tag: 'y' })
    // The client cancels one (notifications/cancelled): its slot is free again.
    const cancel = await h.post(
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 10 } },
      token,
      on(id),
    )
    assert.is(cancel.status, 202)
    const next = await h.post(callTool('steps', { tag: 'z' }, 13), token, on(second))
    assert.is(next.status, 200)
    assert.equal((await messagesOf(next)).at(-1).result.structuredContent, { tag: 'z' })
    // Its answer was sent: the slot is free; one hang call still runs.
    assert.is(h.gateway.sessions.callsOf('mcp-client'), 1)
    for (const res of hanging) await res.body?.cancel()
  })
})

test('fairness: a call the transport refuses (bad MCP-Protocol-Version) does not keep its slot', async () => {
  const file = { limits: { maxCallsInFlightPerClient: 1 } }
  await withHarness({ file }, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const bad = await h.post(callTool('steps', { tag: 'a' }, 20), token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': '1999-01-01',
    })
    assert.is(bad.status, 400)
    assert.is(h.gateway.sessions.callsOf('mcp-client'), 0)
    const ok = await h.post(callTool('steps', { tag: 'b' }, 21), token, {
      'Mcp-Session-Id': id,
      'MCP-Protocol-Version': PROTOCOL,
    })
    assert.is(ok.status, 200)
    assert.equal((await messagesOf(ok)).at(-1).result.structuredContent, { tag: 'b' })
    assert.is(h.gateway.sessions.callsOf('mcp-client'), 0, 'answered: released')
  })
})

test("MCP-A6 with the built-ins' default tool scopes: a tool needing audit.read is hidden and refused without it, served with it", async () => {
  await withHarness({ toolScopes: { alpha: { whoami: ['audit.read'] } } }, async (h) => {
    const token = await h.token()
    const id = await h.initialize(token)
    const session = { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': PROTOCOL }
    const [list] = await messagesOf(await h.post(listTools, token, session))
    assert.not.ok(list.result.tools.some((t: { name: string }) => t.name === 'whoami'))
    const denied = await h.post(callTool('whoami'), token, session)
    assert.is(denied.status, 403)
    assert.match(denied.headers.get('www-authenticate')!, /scope="mcp.access audit.read"/)
    const operator = await h.token('operator')
    const theirs = await h.initialize(operator)
    const on = { 'Mcp-Session-Id': theirs, 'MCP-Protocol-Version': PROTOCOL }
    const [all] = await messagesOf(await h.post(listTools, operator, on))
    assert.ok(all.result.tools.some((t: { name: string }) => t.name === 'whoami'))
    const [answer] = await messagesOf(await h.post(callTool('whoami'), operator, on))
    assert.is(answer.result.structuredContent.clientId, 'operator')
    // The file's toolScopes replace a default: [] opens the tool to every mcp.access token.
  })
  await withHarness(
    {
      toolScopes: { alpha: { whoami: ['audit.read'] } },
      file: { servers: { alpha: { toolScopes: { whoami: [] } } } },
    },
    async (h) => {
      const token = await h.token()
      const id = await h.initialize(token)
      const res = await h.post(callTool('whoami'), token, {
        'Mcp-Session-Id': id,
        'MCP-Protocol-Version': PROTOCOL,
      })
      assert.is(res.status, 200)
      await res.body?.cancel()
    },
  )
})

test.run()
