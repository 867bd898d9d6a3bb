import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js'
import { createFakeDetector } from '../../pii/policy-fake-detector.ts'
import { createGuard } from './guard.ts'
import { guardToolCallRequest, guardToolCallResponse, isToolCallRequest } from './messages.ts'
import { parseSecurityPolicy } from '../policy-config.ts'
import { createTestAudit } from '../testing.ts'

const EMAIL = 'kim.chulsoo@example.com'
const SSN = '960121-1021413'

function setup(policy: unknown = {}) {
  const audit = createTestAudit()
  const guard = createGuard({
    detector: createFakeDetector(),
    policy: parseSecurityPolicy(policy),
    audit: audit.log,
    onError: () => undefined,
  })
  return { guard, audit }
}

const request = (params: Record<string, unknown>, id: number | string = 1): JSONRPCRequest => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params,
})

test('isToolCallRequest tells tools/call requests from everything else', () => {
  assert.ok(isToolCallRequest(request({ name: 'x' })))
  assert.not.ok(isToolCallRequest({ jsonrpc: '2.0', method: 'tools/call', params: {} }))
  assert.not.ok(isToolCallRequest({ jsonrpc: '2.0', id: 1, method: 'tools/list' }))
  assert.not.ok(isToolCallRequest(null))
})

test('forward: arguments rewritten by the policy, the rest of the request kept', async () => {
  const { guard } = setup({ arguments: { default: 'redact' } })
  const original = request({
    name: 'sequentialthinking',
    arguments: { thought: `mail ${EMAIL}` },
    _meta: { progressToken: 'p1' },
  })
  const decision = await guardToolCallRequest(guard, original, { clientId: 'c1' })
  assert.is(decision.action, 'forward')
  if (decision.action !== 'forward') return
  assert.equal(decision.request, {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'sequentialthinking',
      arguments: { thought: 'mail [EMAIL]' },
      _meta: { progressToken: 'p1' },
    },
  })
  assert.equal(original.params?.arguments, { thought: `mail ${EMAIL}` }, 'input not mutated')
})

test('respond: a rejected call is answered without reaching the child', async () => {
  const { guard, audit } = setup({ arguments: { types: { ssn: 'reject' } } })
  const decision = await guardToolCallRequest(
    guard,
    request({ name: 't', arguments: { s: SSN } }, 'r9'),
    {},
  )
  assert.is(decision.action, 'respond')
  if (decision.action !== 'respond') return
  assert.is(decision.response.id, 'r9')
  assert.ok('result' in decision.response)
  const result = (decision.response as { result: { isError?: boolean } }).result
  assert.is(result.isError, true)
  const [record] = await audit.records()
  assert.is(record?.outcome, 'rejected')
  assert.is(record?.request_id, 'r9')
})

test('malformed tools/call requests are answered with -32602 and never forwarded', async () => {
  const { guard, audit } = setup()
  for (const params of [{}, { name: 3 }, { name: 't', arguments: [EMAIL] }]) {
    const decision = await guardToolCallRequest(guard, request(params), {})
    assert.is(decision.action, 'respond')
    if (decision.action === 'respond' && 'error' in decision.response) {
      assert.is(decision.response.error.code, -32602)
      assert.not.ok(decision.response.error.message.includes(EMAIL))
    } else assert.unreachable('expected an error response')
  }
  assert.equal(await audit.records(), [])
})

test('response: the result policy runs on the child result and the call is recorded once', async () => {
  const { guard, audit } = setup()
  const decision = await guardToolCallRequest(guard, request({ name: 't', arguments: {} }, 5), {
    clientId: 'c1',
    jti: 'j1',
  })
  if (decision.action !== 'forward') return assert.unreachable('expected forward')
  const response = await guardToolCallResponse(decision.call, {
    jsonrpc: '2.0',
    id: 5,
    result: { content: [{ type: 'text', text: `found ${EMAIL}` }], _meta: { x: 1 } },
  })
  assert.equal(response, {
    jsonrpc: '2.0',
    id: 5,
    result: { content: [{ type: 'text', text: 'found kim***@example.com' }], _meta: { x: 1 } },
  })
  const records = await audit.records()
  assert.is(records.length, 1)
  assert.is(records[0]?.client_id, 'c1')
  assert.is(records[0]?.jti, 'j1')
  assert.equal(records[0]?.pii, { email: 1 })
})

test('response: JSON-RPC errors keep their code, their text is masked', async () => {
  const { guard, audit } = setup()
  const decision = await guardToolCallRequest(guard, request({ name: 't' }, 6), {})
  if (decision.action !== 'forward') return assert.unreachable('expected forward')
  const response = await guardToolCallResponse(decision.call, {
    jsonrpc: '2.0',
    id: 6,
    error: { code: -32603, message: `failed for ${EMAIL}` },
  })
  assert.equal(response, {
    jsonrpc: '2.0',
    id: 6,
    error: { code: -32603, message: 'failed for kim***@example.com' },
  })
  assert.is((await audit.records())[0]?.detail, 'jsonrpc_error code=-32603 out=mask(email:1)')
})

test('response: a result that is not a CallToolResult is not passed on', async () => {
  const { guard, audit } = setup()
  const decision = await guardToolCallRequest(guard, request({ name: 't' }, 8), {})
  if (decision.action !== 'forward') return assert.unreachable('expected forward')
  const response = await guardToolCallResponse(decision.call, {
    jsonrpc: '2.0',
    id: 8,
    result: { content: 'not an array', leak: EMAIL },
  })
  assert.equal(response, {
    jsonrpc: '2.0',
    id: 8,
    result: {
      content: [{ type: 'text', text: 'the tool t returned a result the guard cannot check' }],
      isError: true,
    },
  })
  assert.is((await audit.records())[0]?.detail, 'invalid_result')
})

test.run()
