import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { FernetKeyRing, generateFernetKey } from '../../../shared/crypto/index.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import {
  connectInMemory,
  createTestDeps,
  type TestDepsOptions,
} from '../../../shared/mcp/testing.ts'
import { createServer } from '../server.ts'

const EMAIL = 'kim.chulsoo@example.com'
const PHONE = '010-1234-5678'

async function echo(text: unknown, options: TestDepsOptions = {}) {
  const { deps, audit } = createTestDeps(options)
  const { client, close } = await connectInMemory(createServer(deps))
  const result = (await client.callTool({ name: 'echo', arguments: { text } })) as CallToolResult
  await close()
  return { result, records: await audit.records(), log: await audit.text() }
}

test('echo returns its text as structured content and as text', async () => {
  const { result, records } = await echo('hello')
  assert.equal(result.structuredContent, { text: 'hello' })
  assert.is(textOf(result), 'hello')
  assert.is(records.length, 1)
  assert.is(records[0]?.tool, 'echo')
  assert.is(records[0]?.outcome, 'ok')
})

test('bad arguments name the field', async () => {
  const { result } = await echo(42)
  assert.is(result.isError, true)
  assert.is(textOf(result), 'invalid arguments for echo: text: expected string')
})

test('PII: default policy masks the result, the audit record holds types and counts only', async () => {
  const { result, records, log } = await echo(`mail ${EMAIL} phone ${PHONE}`)
  assert.is(textOf(result), 'mail kim***@example.com phone 010-****-5678')
  assert.equal(records[0]?.pii, { email: 2, phone: 2 }, 'one in the arguments, one in the result')
  assert.not.ok(log.includes(EMAIL) || log.includes(PHONE))
})

test('PII: allow, redact, reject and encrypt policies', async () => {
  const allow = await echo(EMAIL, { policy: { results: { default: 'allow' } } })
  assert.is(textOf(allow.result), EMAIL)
  const redact = await echo(EMAIL, { policy: { arguments: { default: 'redact' } } })
  assert.is(textOf(redact.result), '[EMAIL]')
  const reject = await echo(EMAIL, { policy: { results: { types: { email: 'reject' } } } })
  assert.is(reject.result.isError, true)
  assert.match(textOf(reject.result), /contains email/)
  const keys = await FernetKeyRing.create(generateFernetKey())
  const encrypt = await echo(EMAIL, {
    policy: { results: { default: 'encrypt' } },
    encryptor: keys,
  })
  assert.is(await keys.decryptText(textOf(encrypt.result)), EMAIL)
})

test.run()
