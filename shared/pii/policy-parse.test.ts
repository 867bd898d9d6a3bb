// Tests of parsePiiPolicy: defaults, every action accepted, clear errors naming the bad field.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parsePiiPolicy, POLICY_ACTIONS } from './policy-parse.ts'
import { PiiPolicyError } from './policy-errors.ts'
import { PiiError } from './errors.ts'

function problemsOf(json: unknown): readonly string[] {
  try {
    parsePiiPolicy(json)
  } catch (error) {
    assert.instance(error, PiiPolicyError)
    assert.instance(error, PiiError)
    assert.is((error as PiiPolicyError).code, 'ERR_PII_POLICY')
    return (error as PiiPolicyError).problems
  }
  throw new Error('expected PiiPolicyError')
}

test('defaults: an empty object is the mask policy', () => {
  assert.equal(parsePiiPolicy({}), { default: 'mask' })
  assert.equal(parsePiiPolicy(JSON.parse('{"default":"redact"}')), { default: 'redact' })
})

test('a full policy from JSON, every action accepted', () => {
  const json = JSON.parse(
    '{"default":"allow","types":{"email":"mask","phone":"redact","ssn":"reject","credit_card":"encrypt","ipv4":"allow"},"encryptScope":"text","maxDepth":10}',
  )
  assert.equal(parsePiiPolicy(json), json)
  assert.equal([...POLICY_ACTIONS], ['allow', 'mask', 'redact', 'encrypt', 'reject'])
})

test('unknown actions name the field', () => {
  assert.equal(problemsOf({ default: 'hide' }), [
    'default: must be one of allow, mask, redact, encrypt, reject',
  ])
  assert.equal(problemsOf({ types: { email: 'mask', ssn: 'drop' } }), [
    'types.ssn: must be one of allow, mask, redact, encrypt, reject',
  ])
})

test('unknown fields, wrong shapes, bad scope and depth are named; all problems listed', () => {
  assert.equal(problemsOf({ defualt: 'mask' }), ['defualt: unknown field'])
  assert.equal(problemsOf({ types: ['email'] }), [
    'types: must be an object mapping entity types to actions',
  ])
  assert.equal(problemsOf({ encryptScope: 'all' }), ['encryptScope: must be "value" or "text"'])
  assert.equal(problemsOf({ maxDepth: 0 }), ['maxDepth: must be at least 1'])
  assert.equal(problemsOf({ maxDepth: 2.5 }), ['maxDepth: must be an integer'])
  assert.equal(problemsOf({ maxDepth: 5000 }), ['maxDepth: must be at most 1000'])
  assert.equal(problemsOf({ maxDepth: '8' }), ['maxDepth: must be a number'])
  const all = problemsOf({ default: 1, types: { email: 'x' }, extra: true })
  assert.is(all.length, 3)
  assert.ok(all.some((p) => p.startsWith('default:')))
  assert.ok(all.some((p) => p.startsWith('types.email:')))
  assert.ok(all.some((p) => p === 'extra: unknown field'))
})

test('non-objects are rejected with a clear message', () => {
  for (const json of [null, 'mask', 42, []])
    assert.equal(problemsOf(json), ['policy: must be an object'])
})

test('the error message lists every problem', () => {
  try {
    parsePiiPolicy({ default: 'hide', encryptScope: 'x' })
    assert.unreachable()
  } catch (error) {
    assert.match((error as Error).message, /^invalid PII policy: /)
    assert.match((error as Error).message, /default: must be one of/)
    assert.match((error as Error).message, /encryptScope: must be "value" or "text"/)
  }
})

test.run()
