// An injected digest (node:crypto's synchronous SHA-256 on Node) seals the same chain as Web Crypto.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createAuditLog } from './log.ts'
import { createMemorySink } from './memory-sink.ts'
import { verifyAuditChain } from './verify.ts'

const events = [
  { event: 'token_issued', outcome: 'ok', client_id: 'mcp-client', jti: 'abc' },
  { event: 'tool_call', outcome: 'ok', tool: 'echo', pii: { email: 2 }, action: 'mask' },
] as const

async function chainWith(digest?: (text: string) => string) {
  const sink = createMemorySink()
  const log = createAuditLog({
    sinks: [sink],
    clock: () => new Date(0),
    ...(digest ? { digest } : {}),
  })
  for (const event of events) await log.record({ ...event })
  await log.close()
  return sink.text()
}

test('records sealed with an injected synchronous SHA-256 equal the Web Crypto ones', async () => {
  let calls = 0
  const nodeDigest = (text: string) => {
    calls++
    return createHash('sha256').update(text, 'utf8').digest('hex')
  }
  const injected = await chainWith(nodeDigest)
  assert.is(calls, events.length)
  assert.is(injected, await chainWith())
  assert.ok((await verifyAuditChain(injected)).ok)
})

test('a wrong digest is caught by the verifier, so the option cannot silently weaken the chain', async () => {
  const wrong = await chainWith((text) =>
    createHash('sha1').update(text).digest('hex').padEnd(64, '0'),
  )
  const result = await verifyAuditChain(wrong)
  assert.is(result.ok, false)
  if (!result.ok) assert.is(result.reason, 'hash_mismatch')
})

test.run()
