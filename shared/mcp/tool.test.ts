import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import type { ToolContext } from './context.ts'
import { ToolError } from './errors.ts'
import { ANONYMOUS } from './identity.ts'
import { textOf } from './result.ts'
import { defineTool } from './tool.ts'

const noop = () => undefined
function context(signal = new AbortController().signal): ToolContext {
  return {
    identity: ANONYMOUS,
    signal,
    log: { debug: noop, info: noop, notice: noop, warning: noop, error: noop },
    progress: async () => undefined,
    requestId: 1,
  }
}

const annotations = { readOnlyHint: true, destructiveHint: false, openWorldHint: false }

const greet = defineTool({
  name: 'greet',
  title: 'Greet',
  description: 'Says hello.',
  input: v.strictObject({
    name: v.pipe(v.string(), v.minLength(1), v.description('Who to greet.')),
  }),
  output: v.object({ greeting: v.string() }),
  annotations: { ...annotations, idempotentHint: true },
  handler: ({ name }) => ({ greeting: `hello ${name}`, internal: 'dropped by the output schema' }),
})

test('listing: JSON Schemas from valibot, title, annotations', () => {
  const listing = greet.listing()
  assert.is(listing.name, 'greet')
  assert.is(listing.title, 'Greet')
  assert.is(listing.description, 'Says hello.')
  assert.equal(listing.inputSchema, {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { name: { type: 'string', minLength: 1, description: 'Who to greet.' } },
    required: ['name'],
    additionalProperties: false,
  })
  assert.is(listing.outputSchema?.type, 'object')
  assert.equal(listing.annotations, { title: 'Greet', ...annotations, idempotentHint: true })
  assert.is(greet.listing(), listing, 'converted once, then cached')
})

test('success: structuredContent (through the output schema) plus its JSON as text', async () => {
  const { result, detail } = await greet.execute({ name: 'Ann' }, context())
  assert.is(detail, undefined)
  assert.equal(result.structuredContent, { greeting: 'hello Ann' })
  assert.is(textOf(result), JSON.stringify({ greeting: 'hello Ann' }, null, 2))
  assert.is(result.isError, undefined)
})

test('a handler-provided text replaces the JSON rendering', async () => {
  const tool = defineTool({
    name: 'count',
    title: 'Count',
    description: 'Counts characters.',
    input: v.object({ text: v.string() }),
    annotations,
    text: (out) => `${out.length} characters`,
    handler: ({ text }) => ({ length: text.length }),
  })
  const { result } = await tool.execute({ text: 'abc' }, context())
  assert.is(textOf(result), '3 characters')
  assert.equal(result.structuredContent, { length: 3 })
})

test('invalid arguments: isError naming the field, handler not run, value not echoed', async () => {
  let ran = false
  const tool = defineTool({
    name: 'strict',
    title: 'Strict',
    description: 'Needs an email.',
    input: v.strictObject({ mail: v.pipe(v.string(), v.email()), n: v.number() }),
    annotations,
    handler: () => {
      ran = true
      return {}
    },
  })
  const { result, detail } = await tool.execute({ mail: 'kim 010-1234-5678', n: 'x' }, context())
  assert.is(ran, false)
  assert.is(detail, 'invalid_arguments')
  assert.is(result.isError, true)
  assert.is(textOf(result), 'invalid arguments for strict: mail: invalid email; n: expected number')
  assert.not.ok(textOf(result).includes('010-1234-5678'))
})

test('missing arguments count as {}', async () => {
  const { result } = await greet.execute(undefined, context())
  assert.is(textOf(result), 'invalid arguments for greet: name: required')
})

test('ToolError: the handler chooses the message', async () => {
  const tool = defineTool({
    name: 'fails',
    title: 'Fails',
    description: 'Always fails.',
    input: v.object({}),
    annotations,
    handler: () => {
      throw new ToolError('the city was not found')
    },
  })
  const { result, detail, error } = await tool.execute({}, context())
  assert.is(detail, 'tool_error')
  assert.is(error, undefined)
  assert.equal(result, {
    content: [{ type: 'text', text: 'the city was not found' }],
    isError: true,
  })
})

test('any other exception: "internal error in tool <name>" with an error id, never raw text', async () => {
  const thrown = new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2')
  const tool = defineTool({
    name: 'crashes',
    title: 'Crashes',
    description: 'Throws.',
    input: v.object({}),
    annotations,
    handler: async () => {
      throw thrown
    },
  })
  const outcome = await tool.execute({}, context())
  assert.is(outcome.detail, 'internal_error')
  assert.match(outcome.errorId ?? '', /^[0-9a-f]{12}$/)
  assert.is(outcome.error, thrown)
  const text = textOf(outcome.result)
  assert.is(text, `internal error in tool crashes (error id ${outcome.errorId})`)
  assert.is(outcome.result.isError, true)
  assert.not.ok(text.includes('hunter2') || text.includes('ECONNREFUSED') || text.includes(' at '))
})

test('a result that breaks the output schema, or is not an object, is an internal error', async () => {
  const bad = defineTool({
    name: 'bad_output',
    title: 'Bad output',
    description: 'Returns the wrong shape.',
    input: v.object({}),
    output: v.object({ n: v.number() }),
    annotations,
    handler: () => ({ n: 'not a number' }) as unknown as { n: number },
  })
  const outcome = await bad.execute({}, context())
  assert.is(outcome.detail, 'internal_error')
  assert.not.ok(textOf(outcome.result).includes('not a number'))
  const notObject = defineTool({
    name: 'not_object',
    title: 'Not an object',
    description: 'Returns an array.',
    input: v.object({}),
    annotations,
    handler: () => [1, 2] as unknown as Record<string, unknown>,
  })
  assert.is((await notObject.execute({}, context())).detail, 'internal_error')
})

test('a handler that fails after cancellation reports "cancelled"', async () => {
  const controller = new AbortController()
  const tool = defineTool({
    name: 'slow',
    title: 'Slow',
    description: 'Waits to be cancelled.',
    input: v.object({}),
    annotations,
    handler: (_args, ctx) =>
      new Promise<Record<string, unknown>>((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))
      }),
  })
  const pending = tool.execute({}, context(controller.signal))
  controller.abort()
  const outcome = await pending
  assert.is(outcome.detail, 'cancelled')
  assert.is(textOf(outcome.result), 'tool slow was cancelled')
})

test('definition errors: bad names and non-object schemas throw at definition time', () => {
  const base = { title: 't', description: 'd', annotations, handler: () => ({}) }
  assert.throws(() => defineTool({ ...base, name: 'has space', input: v.object({}) }), /tool name/)
  assert.throws(
    () => defineTool({ ...base, name: 'x'.repeat(65), input: v.object({}) }),
    /tool name/,
  )
  assert.throws(
    () => defineTool({ ...base, name: 'ok', input: v.string() as never }),
    /input schema must describe an object/,
  )
})

test.run()
