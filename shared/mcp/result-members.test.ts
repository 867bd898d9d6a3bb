// Results reduced to the members the result policy reads, and those members guarded: extra
// members and `_meta` of an upstream never reach the client unscanned.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { createDetector } from '../pii/detect.ts'
import { createPolicyEngine } from '../pii/policy.ts'
import { guardResultContent } from './guard/result.ts'
import { toolResultMembers, WITHHELD_BLOCK_TEXT } from './result-members.ts'

const SCAN = { budget: 1 << 20, maxDepth: 64 }

const EMAIL = 'kim.chulsoo@example.com'
const engine = createPolicyEngine({ default: 'redact' }, { detector: createDetector() })

test('only the members the result policy reads are kept', () => {
  const out = toolResultMembers({
    content: [
      { type: 'text', text: EMAIL, annotations: { audience: ['user'], note: EMAIL }, extra: EMAIL },
    ],
    structuredContent: { a: EMAIL },
    isError: false,
    _meta: { trace: EMAIL },
    leaked: { email: EMAIL },
  })
  assert.equal(out, {
    content: [{ type: 'text', text: EMAIL, annotations: { audience: ['user'] } }],
    structuredContent: { a: EMAIL },
    isError: false,
    _meta: { trace: EMAIL },
  })
})

test('every known block type keeps its fields; unknown blocks are withheld', () => {
  const out = toolResultMembers({
    content: [
      { type: 'image', data: 'AAAA', mimeType: 'image/png' },
      { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
      {
        type: 'resource',
        resource: { uri: 'file:///a', text: 'x', secret: EMAIL, _meta: { m: 1 } },
      },
      {
        type: 'resource_link',
        uri: 'file:///b',
        name: 'b',
        description: 'd',
        icons: [{ src: EMAIL }],
      },
      { type: 'hologram', data: EMAIL },
      'not a block',
    ],
  })
  assert.equal(out?.content, [
    { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
    { type: 'resource', resource: { uri: 'file:///a', text: 'x', _meta: { m: 1 } } },
    { type: 'resource_link', uri: 'file:///b', name: 'b', description: 'd' },
    { type: 'text', text: WITHHELD_BLOCK_TEXT },
    { type: 'text', text: WITHHELD_BLOCK_TEXT },
  ])
})

test('not a tool result (a task handle, content not an array, non-object structuredContent)', () => {
  assert.is(toolResultMembers({ task: { taskId: 't' } }), undefined)
  assert.is(toolResultMembers({ content: 'x' }), undefined)
  assert.is(toolResultMembers({ content: [], structuredContent: [1] }), undefined)
  assert.is(toolResultMembers(null), undefined)
})

test('the guard scans _meta at every level and drops extra members before the policy', async () => {
  const untrusted = {
    content: [
      { type: 'text', text: 'ok', _meta: { who: EMAIL } },
      { type: 'resource', resource: { uri: 'file:///r', text: 'r', _meta: { who: EMAIL } } },
    ],
    _meta: { trace: EMAIL },
    leaked: EMAIL,
  } as unknown as CallToolResult
  const guarded = await guardResultContent(engine, untrusted, SCAN)
  assert.is(guarded.kind, 'ok')
  if (guarded.kind !== 'ok') return
  const json = JSON.stringify(guarded.result)
  assert.not.ok(json.includes(EMAIL), json)
  assert.is(guarded.result._meta?.trace, '[EMAIL]')
  assert.not.ok('leaked' in guarded.result)
  assert.equal(guarded.summary.findings, { email: 3 })
})

test('a result that is no CallToolResult fails instead of passing through', async () => {
  const guarded = await guardResultContent(
    engine,
    {
      task: { taskId: 't' },
    } as unknown as CallToolResult,
    SCAN,
  )
  assert.is(guarded.kind, 'failed')
})

test.run()
