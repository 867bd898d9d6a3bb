// Many clients at once over real HTTP (@hono/node-server, SDK StreamableHTTPClientTransport):
// each gets its own session, results, identity and notifications; no cross-talk.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { serveNode } from '../../shared/node/serve.ts'
import { createCounter } from '../../test/support/events.ts'
import { freePort } from '../../test/support/ports.ts'
import { makeHarness } from './testing/harness.ts'

const CLIENTS = 50

test(`${CLIENTS} concurrent clients: own sessions, results, identities and notifications`, async () => {
  const port = await freePort()
  const h = await makeHarness({
    env: { GATEWAY_ALLOWED_HOSTS: `127.0.0.1:${port}` },
    // Half the clients share each client id: let all their calls run at once.
    file: { limits: { maxCallsInFlightPerClient: CLIENTS } },
  })
  const server = await serveNode({
    fetch: h.gateway.app.fetch,
    port,
    signals: [],
    log: () => {},
  })
  const url = new URL(`http://127.0.0.1:${port}/mcp`)
  try {
    const runs = Array.from({ length: CLIENTS }, async (_, i) => {
      const token = await h.token(i % 2 === 0 ? 'mcp-client' : 'multi')
      const jti = h.as.payloadOf(token).jti as string
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      })
      const client = new Client({ name: `client-${i}`, version: '1.0.0' })
      const logs: string[] = []
      const logged = createCounter(`log line of client ${i}`)
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(String(n.params.data))
        logged.bump()
      })
      await client.connect(transport)
      const progress: number[] = []
      const tag = `run-${i}`
      const result = await client.callTool(
        { name: 'steps', arguments: { tag, steps: 3, delayMs: 1 + (i % 5) } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      )
      const who = await client.callTool({ name: 'whoami', arguments: {} })
      return { i, tag, jti, client, transport, result, who, progress, logs, logged }
    })
    const done = await Promise.all(runs)
    assert.is(h.gateway.sessions.size, CLIENTS)
    assert.is(new Set(done.map((d) => d.transport.sessionId)).size, CLIENTS, 'one session each')
    await Promise.all(done.map((d) => d.logged.reached(3)))
    for (const d of done) {
      assert.equal(d.result.structuredContent, { tag: d.tag }, `client ${d.i} result`)
      assert.equal(d.progress, [1, 2, 3], `client ${d.i} progress`)
      assert.equal(
        d.logs,
        [1, 2, 3].map((n) => `log ${n} of ${d.tag}`),
        `client ${d.i} logs: only its own`,
      )
      const me = d.who.structuredContent as { clientId: string; jti: string }
      assert.is(me.jti, d.jti, `client ${d.i} identity`)
      assert.is(me.clientId, d.i % 2 === 0 ? 'mcp-client' : 'multi')
    }
    const records = (await h.audit.records()).filter((r) => r.event === 'tool_call')
    assert.is(records.length, CLIENTS * 2)
    for (const d of done)
      assert.is(records.filter((r) => r.jti === d.jti).length, 2, `two records for client ${d.i}`)
    await Promise.all(done.map((d) => d.transport.terminateSession()))
    await Promise.all(done.map((d) => d.client.close()))
    assert.is(h.gateway.sessions.size, 0, 'DELETE ended every session')
  } finally {
    await server.close()
    await h.close()
  }
})

test.run()
