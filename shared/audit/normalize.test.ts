// Attacker-controlled fields (client_id, request_id / JSON-RPC id, tool) are PII- and secret-scrubbed at normalisation.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createAuditLog } from './log.ts'
import { createMemorySink } from './memory-sink.ts'

const EMAIL = 'kim.minsu@example.com'
const RRN = '960121-1021413'
const STRIPE = 'sk_live_51HqLyjWDarjtT1zdp7dc4ZxUuWq3kPqQ9m'
const GITHUB = 'ghp_1234567890abcdefghijABCDEFGHIJ123456'
const RAW = [EMAIL, RRN, STRIPE, GITHUB]

async function written(options: { scrub?: (t: string) => string } = {}) {
  const sink = createMemorySink()
  // No `scrub` given, as the OAuth2 server's log: the built-in PII scrubber still runs.
  const log = createAuditLog({ sinks: [sink], ...options })
  for (const value of RAW) {
    await log.record({
      event: 'client_auth_failed',
      outcome: 'denied',
      client_id: value,
      request_id: value,
    })
    // A JSON-RPC id reaches the record as `request_id` (String(id)), a tool name as `tool`.
    await log.record({
      event: 'tool_call',
      outcome: 'ok',
      tool: `x ${value}`,
      request_id: `${value}`,
    })
  }
  await log.close()
  return sink.text()
}

test('an e-mail, an RRN and real-looking secrets typed into client_id or a JSON-RPC id never reach the log', async () => {
  const text = await written()
  for (const raw of RAW) assert.not.ok(text.includes(raw), raw)
  assert.match(text, /"client_id":"\[EMAIL\]"/)
  assert.match(text, /"request_id":"\[(SSN|RRN|[A-Z_]+)\]"/)
  assert.match(text, /"client_id":"\[REDACTED\]"/) // the Stripe-style key: a high-entropy run
})

test('with a caller scrubber that misses everything, the secret rules still run on every field', async () => {
  const text = await written({ scrub: (t) => t })
  for (const raw of [STRIPE, GITHUB]) assert.not.ok(text.includes(raw), raw)
})

test('ordinary ids stay greppable: client ids, UUID request ids, tool names', async () => {
  const sink = createMemorySink()
  const log = createAuditLog({ sinks: [sink] })
  const r = await log.record({
    event: 'tool_call',
    outcome: 'ok',
    tool: 'get_security_audit_log',
    client_id: 'mcp-agent',
    request_id: '3f1c2d4a-1111-4222-8333-444455556666',
  })
  assert.is(r.tool, 'get_security_audit_log')
  assert.is(r.client_id, 'mcp-agent')
  assert.is(r.request_id, '3f1c2d4a-1111-4222-8333-444455556666')
})

test.run()
