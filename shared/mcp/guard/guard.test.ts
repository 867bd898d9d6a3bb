import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { ConfigError } from '../../config/errors.ts'
import { FernetKeyRing, generateFernetKey } from '../../crypto/index.ts'
import { createFakeDetector } from '../../pii/policy-fake-detector.ts'
import { createGuard, type Guard } from './guard.ts'
import { ANONYMOUS } from '../identity.ts'
import { parseSecurityPolicy } from '../policy-config.ts'
import { errorResult, jsonText, structuredResult, textOf } from '../result.ts'
import { createTestAudit, type TestAudit } from '../testing.ts'

const EMAIL = 'kim.chulsoo@example.com'
const PHONE = '010-1234-5678'
const SSN = '960121-1021413'
const AWS = 'AKIAIOSFODNN7EXAMPLE'
const RAW = [EMAIL, PHONE, SSN, AWS, 'kim.chulsoo', '1234-5678', '1021413', 'IOSFODNN7']

interface Setup {
  guard: Guard
  audit: TestAudit
  errors: string[]
  keys?: FernetKeyRing
}

async function setup(policyJson: unknown = {}, withKey = false): Promise<Setup> {
  const detector = createFakeDetector()
  const audit = createTestAudit()
  const errors: string[] = []
  const keys = withKey ? await FernetKeyRing.create(generateFernetKey()) : undefined
  const policy = parseSecurityPolicy(policyJson, {
    knownTypes: detector.types,
    categoryOf: detector.categoryOf,
  })
  const guard = createGuard({
    detector,
    policy,
    audit: audit.log,
    encryptor: keys,
    onError: (line) => errors.push(line),
  })
  return { guard, audit, errors, keys }
}

/** Runs one call through the guard with `handler` standing in for the tool. */
async function call(
  guard: Guard,
  args: Record<string, unknown>,
  handler: (args: Record<string, unknown>) => CallToolResult,
  tool = 'echo',
) {
  const seen: Array<Record<string, unknown>> = []
  const started = await guard.begin({ tool, arguments: args, identity: ANONYMOUS, requestId: 7 })
  if (started.rejection) return { result: started.rejection, seen }
  seen.push(started.arguments)
  return { result: await started.complete(handler(started.arguments)), seen }
}

const echoBack = (args: Record<string, unknown>) =>
  structuredResult({ text: args.text }, jsonText({ text: args.text }))

async function assertNoRawValues(audit: TestAudit) {
  const text = await audit.text()
  for (const raw of RAW) assert.not.ok(text.includes(raw), `audit log holds ${raw}`)
}

test('LOG-2 default policy: arguments pass through, results are masked, one record per call', async () => {
  const { guard, audit } = await setup()
  const { result, seen } = await call(guard, { text: `mail ${EMAIL}` }, echoBack)
  assert.equal(seen, [{ text: `mail ${EMAIL}` }])
  assert.equal(result.structuredContent, { text: 'mail kim***@example.com' })
  assert.is(textOf(result), jsonText({ text: 'mail kim***@example.com' }))
  const records = await audit.records()
  assert.is(records.length, 1)
  const [record] = records
  assert.is(record?.event, 'tool_call')
  assert.is(record?.tool, 'echo')
  assert.is(record?.outcome, 'ok')
  assert.is(record?.direction, 'both')
  assert.equal(record?.pii, { email: 2 })
  assert.is(record?.action, 'mask')
  assert.is(record?.param_count, 1)
  assert.is(record?.request_id, '7')
  assert.is(record?.detail, 'in=allow(email:1) out=mask(email:1)')
  assert.ok(Number.isInteger(record?.duration_ms))
  assert.is(record?.client_id, undefined)
  await assertNoRawValues(audit)
})

test('arguments mask and redact: the tool only ever sees the rewritten values', async () => {
  const masked = await setup({ arguments: { default: 'mask' } })
  const m = await call(masked.guard, { text: `call ${PHONE}` }, echoBack)
  assert.equal(m.seen, [{ text: 'call 010-****-5678' }])
  const redacted = await setup({ arguments: { default: 'redact' }, results: { default: 'allow' } })
  const r = await call(redacted.guard, { text: `call ${PHONE}`, n: 3 }, echoBack)
  assert.equal(r.seen, [{ text: 'call [PHONE]', n: 3 }])
  assert.equal(r.result.structuredContent, { text: 'call [PHONE]' })
  const [record] = await redacted.audit.records()
  assert.is(record?.direction, 'in')
  assert.is(record?.action, 'redact')
  await assertNoRawValues(redacted.audit)
})

test('FN encrypt: values become Fernet tokens that decrypt back, text and structured agree', async () => {
  const { guard, audit, keys } = await setup(
    { arguments: { types: { email: 'encrypt' } }, results: { types: { email: 'encrypt' } } },
    true,
  )
  const { seen, result } = await call(guard, { text: `to ${EMAIL}` }, (args) => echoBack(args))
  const token = String(seen[0]?.text).slice(3)
  assert.ok(token.startsWith('gAAAA'), token)
  assert.is(await keys!.decryptText(token), EMAIL)
  // The echoed token is not an email any more: it passes the result policy unchanged.
  assert.equal(result.structuredContent, { text: `to ${token}` })
  assert.is(textOf(result), jsonText(result.structuredContent))
  // A result holding the raw value gets a token in both places, the same one.
  const direct = await call(guard, {}, () =>
    structuredResult({ mail: EMAIL }, jsonText({ mail: EMAIL })),
  )
  const outToken = String(direct.result.structuredContent?.mail)
  assert.is(await keys!.decryptText(outToken), EMAIL)
  assert.is(textOf(direct.result), jsonText({ mail: outToken }))
  assert.is((await audit.records())[1]?.action, 'encrypt')
  await assertNoRawValues(audit)
})

test('reject in arguments: the tool does not run; isError names the types, never values', async () => {
  const { guard, audit } = await setup({ arguments: { types: { ssn: 'reject' } } })
  let ran = false
  const { result } = await call(guard, { a: `rrn ${SSN}`, b: EMAIL }, () => {
    ran = true
    return echoBack({})
  })
  assert.is(ran, false)
  assert.is(result.isError, true)
  assert.is(
    textOf(result),
    'tool call rejected by the PII policy: the arguments contain email, ssn (rejected: ssn)',
  )
  const [record] = await audit.records()
  assert.is(record?.outcome, 'rejected')
  assert.is(record?.action, 'reject')
  assert.is(record?.direction, 'in')
  assert.equal(record?.pii, { email: 1, ssn: 1 })
  assert.is(record?.detail, 'pii_rejected in=reject(email:1,ssn:1)')
  await assertNoRawValues(audit)
})

test('reject in results: the result is withheld and the call recorded as rejected', async () => {
  const { guard, audit } = await setup({ results: { types: { phone: 'reject' } } })
  const { result } = await call(guard, {}, () =>
    structuredResult({ phone: PHONE }, `phone ${PHONE}`),
  )
  assert.equal(result, {
    content: [
      {
        type: 'text',
        text: 'tool result withheld by the PII policy: it contains phone (rejected: phone)',
      },
    ],
    isError: true,
  })
  const [record] = await audit.records()
  assert.is(record?.outcome, 'rejected')
  assert.is(record?.direction, 'out')
  await assertNoRawValues(audit)
})

test('SEC: secrets are masked in results even when the results default is allow', async () => {
  const { guard, audit } = await setup({ results: { default: 'allow' } })
  const { result } = await call(guard, {}, () =>
    structuredResult({ key: AWS, mail: EMAIL }, `key ${AWS} mail ${EMAIL}`),
  )
  assert.is(result.structuredContent?.mail, EMAIL, 'allowed pii passes')
  assert.not.ok(String(result.structuredContent?.key).includes('IOSFODNN7'))
  assert.not.ok(textOf(result).includes(AWS))
  assert.ok(textOf(result).includes(EMAIL))
  const [record] = await audit.records()
  assert.is(record?.action, 'mask')
  assert.is(record?.detail, 'out=mask(aws_access_key_id:1,email:1)')
})

test('isError results of the tool go through the result policy too', async () => {
  const { guard, audit } = await setup()
  const started = await guard.begin({ tool: 'find', arguments: {}, identity: ANONYMOUS })
  const out = await started.complete(errorResult(`no user ${EMAIL}`), 'tool_error')
  assert.is(textOf(out), 'no user kim***@example.com')
  const [record] = await audit.records()
  assert.is(record?.outcome, 'error')
  assert.is(record?.detail, 'tool_error out=mask(email:1)')
})

test('per-tool rules override the global ones for that tool only', async () => {
  const { guard } = await setup({ tools: { raw: { results: { default: 'allow' } } } })
  const make = () => structuredResult({ m: EMAIL }, EMAIL)
  assert.is((await call(guard, {}, make, 'raw')).result.structuredContent?.m, EMAIL)
  assert.is((await call(guard, {}, make, 'echo')).result.structuredContent?.m, 'kim***@example.com')
})

test('identity: client_id and jti reach the record (LOG-1: ids, never the token)', async () => {
  const { guard, audit } = await setup()
  const started = await guard.begin({
    tool: 'echo',
    arguments: { a: 1, b: 2 },
    identity: { clientId: 'agent-1', jti: 'tok-42', scopes: ['mcp'] },
  })
  await started.complete(structuredResult({ ok: true }, 'ok'))
  const [record] = await audit.records()
  assert.is(record?.client_id, 'agent-1')
  assert.is(record?.jti, 'tok-42')
  assert.is(record?.param_count, 2)
  assert.is(record?.pii, undefined)
  assert.is(record?.action, undefined)
})

test('fail-closed: arguments the guard cannot scan refuse the call, with an error id', async () => {
  const { guard, audit, errors } = await setup({ maxDepth: 2 })
  const started = await guard.begin({
    tool: 'echo',
    arguments: { a: { b: { c: EMAIL } } },
    identity: ANONYMOUS,
  })
  assert.ok(started.rejection)
  const text = textOf(started.rejection!)
  assert.match(text, /^tool call refused: the arguments could not be checked for personal data/)
  const id = /error id ([0-9a-f]{12})/.exec(text)?.[1]
  assert.ok(id)
  assert.is(errors.length, 1)
  assert.ok(errors[0]?.includes(id!))
  const [record] = await audit.records()
  assert.is(record?.outcome, 'error')
  assert.is(record?.detail, `guard_error error_id=${id}`)
})

test('one record per call: a second complete is still guarded but not recorded again', async () => {
  const { guard, audit } = await setup()
  const started = await guard.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
  await started.complete(structuredResult({}, '{}'))
  const again = await started.complete(structuredResult({ m: EMAIL }, EMAIL))
  assert.is(textOf(again), 'kim***@example.com')
  started.fail('cancelled')
  const other = await guard.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
  other.fail('cancelled')
  const records = await audit.records()
  assert.equal(
    records.map((r) => [r.outcome, r.detail]),
    [
      ['ok', undefined],
      ['error', 'cancelled'],
    ],
  )
})

test('completeError: a JSON-RPC error from a proxied tool is masked and recorded', async () => {
  const { guard, audit } = await setup()
  const started = await guard.begin({ tool: 'upstream', arguments: {}, identity: ANONYMOUS })
  const error = await started.completeError({
    code: -32000,
    message: `no account for ${EMAIL}`,
    data: { phone: PHONE },
  })
  assert.equal(error, {
    code: -32000,
    message: 'no account for kim***@example.com',
    data: { phone: '010-****-5678' },
  })
  const [record] = await audit.records()
  assert.is(record?.outcome, 'error')
  assert.is(record?.detail, 'jsonrpc_error code=-32000 out=mask(email:1,phone:1)')
  await assertNoRawValues(audit)
})

test('completeError under reject: the message is withheld and names the types', async () => {
  const { guard } = await setup({ results: { types: { email: 'reject' } } })
  const started = await guard.begin({ tool: 'upstream', arguments: {}, identity: ANONYMOUS })
  const error = await started.completeError({ code: -32000, message: `no account for ${EMAIL}` })
  assert.equal(error, {
    code: -32000,
    message: 'the error message of upstream was withheld by the PII policy: it contains email',
  })
})

test('configuration errors at start-up: encrypt without a key, unknown types', async () => {
  const detector = createFakeDetector()
  const audit = createTestAudit()
  const policy = parseSecurityPolicy({ results: { types: { email: 'encrypt' } } })
  assert.throws(
    () => createGuard({ detector, policy, audit: audit.log }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /results\.types\.email.*FERNET_KEY or FERNET_KEY_FILE/.test(error.message),
  )
  const typo = parseSecurityPolicy({ tools: { echo: { arguments: { types: { emial: 'mask' } } } } })
  assert.throws(
    () => createGuard({ detector, policy: typo, audit: audit.log }),
    (error: unknown) =>
      error instanceof ConfigError && /tools\.echo\.arguments: .*emial/.test(error.message),
  )
})

test('scrub labels every finding (for log lines and notifications)', async () => {
  const { guard } = await setup()
  assert.is(guard.scrub(`a ${EMAIL} b ${AWS}`), 'a [EMAIL] b [AWS_ACCESS_KEY_ID]')
  assert.equal(guard.scrubValue({ x: [PHONE] }), { x: ['[PHONE]'] })
})

test('issue 9 §1: a rejected type sent as an object KEY is rejected before the tool runs', async () => {
  const { guard, audit } = await setup({ arguments: { types: { ssn: 'reject' } } })
  const started = await guard.begin({
    tool: 'echo',
    arguments: { [SSN]: 'x' },
    identity: ANONYMOUS,
  })
  assert.ok(started.rejection, 'the call must not run')
  assert.match(textOf(started.rejection!), /contain ssn/)
  assert.not.ok(JSON.stringify(started.rejection).includes(SSN))
  const [record] = await audit.records()
  assert.equal([record?.outcome, record?.detail], ['rejected', 'pii_rejected in=reject(ssn:1)'])
})

test('issue 9 §1: every corner of a result is masked, keys included; binary data is not', async () => {
  const { guard } = await setup({ results: { default: 'redact' } })
  const png = 'iVBORw0KGgo='
  const result = {
    content: [
      { type: 'text', text: 'ok', annotations: { audience: [EMAIL] }, _meta: { [PHONE]: EMAIL } },
      {
        type: 'resource_link',
        uri: `mailto:${EMAIL}`,
        name: EMAIL,
        title: PHONE,
        description: SSN,
        mimeType: `text/${EMAIL}`,
      },
      {
        type: 'resource',
        resource: { uri: `file:///${EMAIL}`, mimeType: PHONE, text: SSN, _meta: { [EMAIL]: 1 } },
      },
      { type: 'image', data: png, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'file:///b', blob: EMAIL } },
    ],
    structuredContent: { [EMAIL]: 1, [PHONE]: { [SSN]: 'x' }, [`${EMAIL} `]: 2 },
    _meta: { [EMAIL]: PHONE },
  } as unknown as CallToolResult
  const started = await guard.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
  const out = await started.complete(result)
  const json = JSON.stringify(out)
  for (const raw of RAW) assert.not.ok(json.includes(raw), `${raw} leaked: ${json}`)
  assert.equal(out.structuredContent, { '[EMAIL]': 1, '[PHONE]': { '[SSN]': 'x' }, '[EMAIL] ': 2 })
  assert.is((out.content[3] as { data: string }).data, png, 'base64 image data passes unscanned')
  assert.is((out.content[1] as { uri: string }).uri, 'mailto:[EMAIL]')
})

test('issue 9 §1: two keys that mask alike are both kept (deterministic #2 suffix)', async () => {
  const { guard } = await setup({ results: { default: 'redact' } })
  const started = await guard.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
  const out = await started.complete({
    content: [],
    structuredContent: { [EMAIL]: 1, 'lee@example.com': 2 },
  })
  assert.equal(out.structuredContent, { '[EMAIL]': 1, '[EMAIL]#2': 2 })
})

test('guardMessage: results policy on any message, keys too; ids the policy would rewrite are refused', async () => {
  const { guard } = await setup({ results: { types: { ssn: 'reject' } } })
  const log = {
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: { level: 'info', logger: EMAIL, data: { [PHONE]: EMAIL } },
  }
  const ok = await guard.guardMessage('results', log)
  assert.is(ok.kind, 'ok')
  const json = JSON.stringify(ok.kind === 'ok' ? ok.message : null)
  for (const raw of RAW) assert.not.ok(json.includes(raw), json)
  const rejected = await guard.guardMessage('results', { ...log, params: { data: SSN } })
  assert.is(rejected.kind, 'refused')
  assert.match((rejected as { reason: string }).reason, /contains ssn/)
  const id = await guard.guardMessage('results', { jsonrpc: '2.0', id: EMAIL, method: 'ping' })
  assert.is(id.kind, 'refused')
  assert.not.ok(JSON.stringify(id).includes(EMAIL))
  const args = await guard.guardMessage('arguments', log)
  assert.equal(args, { kind: 'ok', message: log, findings: {} }, 'arguments: allow passes as is')
})

test('issue 9 §5: the scan budget refuses oversized arguments unscanned; schema limits first', async () => {
  const detector = createFakeDetector()
  const audit = createTestAudit()
  const guard = createGuard({ detector, audit: audit.log, scanBudget: 1000 })
  const big = await guard.begin({
    tool: 't',
    arguments: { a: 'x'.repeat(1001) },
    identity: ANONYMOUS,
  })
  assert.match(textOf(big.rejection!), /over the guard's scan budget/)
  assert.is(detector.calls, 0, 'nothing scanned')
  const schema = { type: 'object', properties: { a: { type: 'string', maxLength: 10 } } }
  const long = await guard.begin({
    tool: 't',
    arguments: { a: 'x'.repeat(11) },
    identity: ANONYMOUS,
    inputSchema: schema,
  })
  assert.match(textOf(long.rejection!), /longer than the tool's maxLength of 10/)
  assert.is(detector.calls, 0, 'nothing scanned')
  const items = { type: 'object', properties: { l: { type: 'array', maxItems: 2 } } }
  const many = await guard.begin({
    tool: 't',
    arguments: { l: [1, 2, 3] },
    identity: ANONYMOUS,
    inputSchema: items,
  })
  assert.match(textOf(many.rejection!), /maxItems of 2/)
  const fine = await guard.begin({
    tool: 't',
    arguments: { a: 'x'.repeat(10) },
    identity: ANONYMOUS,
    inputSchema: schema,
  })
  assert.not.ok(fine.rejection)
  const records = await audit.records()
  assert.equal(
    records.map((r) => r.detail),
    ['scan_budget', 'schema_limit', 'schema_limit'],
  )
  const result = await fine.complete({ content: [{ type: 'text', text: 'y'.repeat(1001) }] })
  assert.match(textOf(result), /withheld: it holds more than 1000 characters/)
})

test.run()
