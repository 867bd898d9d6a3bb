import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sanitizeToolResult } from './sanitize-result.ts'

const EMAIL = 'kim.chulsoo@example.com'
/** A stand-in for the guard's scrubValue: labels e-mail addresses in every string. */
const scrubValue = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value).replaceAll(EMAIL, '[EMAIL]')) as T

test('only members the result policy reads are kept; _meta is scrubbed', () => {
  const out = sanitizeToolResult(
    {
      content: [
        {
          type: 'text',
          text: EMAIL,
          annotations: { audience: ['user'], note: EMAIL },
          extra: EMAIL,
        },
      ],
      structuredContent: { a: EMAIL },
      isError: false,
      _meta: { trace: EMAIL },
      leaked: { email: EMAIL },
    },
    scrubValue,
  )
  assert.equal(out, {
    content: [{ type: 'text', text: EMAIL, annotations: { audience: ['user'] } }],
    structuredContent: { a: EMAIL },
    isError: false,
    _meta: { trace: '[EMAIL]' },
  })
})

test('every known block type keeps its fields; unknown blocks are withheld', () => {
  const blocks = [
    { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
    {
      type: 'resource',
      resource: { uri: 'file:///a', text: 'x', secret: EMAIL, _meta: { m: EMAIL } },
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
  ]
  const out = sanitizeToolResult({ content: blocks }, scrubValue)
  assert.equal(out?.content, [
    { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
    { type: 'resource', resource: { uri: 'file:///a', text: 'x', _meta: { m: '[EMAIL]' } } },
    { type: 'resource_link', uri: 'file:///b', name: 'b', description: 'd' },
    { type: 'text', text: '[a content block the guard cannot check was withheld]' },
    { type: 'text', text: '[a content block the guard cannot check was withheld]' },
  ])
})

test('not a tool result (no content array: a task handle, a string) → undefined', () => {
  assert.is(sanitizeToolResult({ task: { taskId: 't' } }, scrubValue), undefined)
  assert.is(sanitizeToolResult({ content: 'x' }, scrubValue), undefined)
  assert.is(sanitizeToolResult(null, scrubValue), undefined)
})

test('a _meta the scrubber cannot walk is dropped, not passed raw', () => {
  const out = sanitizeToolResult({ content: [], _meta: { x: 1 } }, () => {
    throw new Error('cannot walk')
  })
  assert.equal(out, { content: [] })
})

test.run()
