import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import { describeIssues, validate } from './validation.ts'

const Schema = v.strictObject({
  name: v.string(),
  count: v.pipe(v.number(), v.integer(), v.minValue(1)),
  mail: v.optional(v.pipe(v.string(), v.email())),
  zone: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => s === 'UTC', 'expected a valid IANA time zone'),
    ),
  ),
  items: v.optional(v.array(v.strictObject({ id: v.string() }))),
})

const problems = (input: unknown) => {
  const result = validate(Schema, input)
  assert.is(result.ok, false)
  return result.ok ? [] : result.problems
}

test('valid input passes and yields the schema output', () => {
  const result = validate(Schema, { name: 'a', count: 2 })
  assert.equal(result, { ok: true, value: { name: 'a', count: 2 } })
})

test('each problem names its field by path', () => {
  const found = problems({ count: 1.5, mail: 'nope', zone: 'Mars', items: [{ id: 7 }], extra: 1 })
  assert.equal(found, [
    'name: required',
    'count: invalid integer',
    'mail: invalid email',
    'zone: expected a valid IANA time zone',
    'items.0.id: expected string',
    'extra: unknown field',
  ])
})

test('the root is called "arguments" when it is not an object', () => {
  assert.equal(problems('text'), ['arguments: expected Object'])
})

test('messages never echo the received value (it may be PII)', () => {
  const secret = 'kim.chulsoo@example.com-not-an-int'
  const text = problems({ name: secret, count: secret, mail: `${secret} x` }).join('\n')
  assert.not.ok(text.includes(secret), text)
  assert.not.ok(text.includes('kim.chulsoo'), text)
})

test('long issue lists are cut with a count of the rest', () => {
  const Wide = v.strictObject(
    Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`f${i}`, v.string()])),
  )
  const result = v.safeParse(Wide, {})
  assert.is(result.success, false)
  const lines = describeIssues(result.issues ?? [], 10)
  assert.is(lines.length, 11)
  assert.is(lines[10], 'and 3 more')
})

test.run()
