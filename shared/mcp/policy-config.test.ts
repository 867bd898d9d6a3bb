import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../config/errors.ts'
import type { EntityCategory } from '../pii/types.ts'
import {
  DEFAULT_SECURITY_POLICY,
  parseSecurityPolicy,
  resolvePiiPolicy,
  rulesUsing,
  type PolicyCheckOptions,
} from './policy-config.ts'

const known = ['email', 'phone', 'ssn', 'aws_access_key_id']
const categoryOf = (type: string): EntityCategory =>
  type === 'aws_access_key_id' ? 'secret' : 'pii'
const check = { knownTypes: known, categoryOf }

function problemsOf(json: unknown, options: PolicyCheckOptions = check): readonly string[] {
  try {
    parseSecurityPolicy(json, options)
  } catch (error) {
    assert.instance(error, ConfigError)
    return (error as ConfigError).problems
  }
  assert.unreachable('expected a ConfigError')
  return []
}

test('an empty file gives the defaults: arguments allow, results mask', () => {
  const policy = parseSecurityPolicy({})
  assert.equal(policy.arguments, { default: 'allow' })
  assert.equal(policy.results, { default: 'mask' })
  assert.equal(policy.tools, {})
  assert.is(policy.encryptScope, 'value')
  assert.is(policy.maxDepth, 64)
  assert.equal(resolvePiiPolicy(DEFAULT_SECURITY_POLICY, 'echo', 'arguments').default, 'allow')
  assert.equal(resolvePiiPolicy(DEFAULT_SECURITY_POLICY, 'echo', 'results').default, 'mask')
})

test('every problem is reported at once, each naming its field', () => {
  const problems = problemsOf(
    {
      arguments: { default: 'block' },
      results: { types: { email: 'hide' }, extra: true },
      tools: { echo: { argumnets: {} } },
      encryptScope: 'all',
      maxDepth: 0,
      colour: 'red',
    },
    { source: 'SECURITY_POLICY_FILE (p.json)' },
  )
  assert.equal(problems, [
    'SECURITY_POLICY_FILE (p.json): arguments.default: must be one of allow, mask, redact, encrypt, reject',
    'SECURITY_POLICY_FILE (p.json): results.types.email: must be one of allow, mask, redact, encrypt, reject',
    'SECURITY_POLICY_FILE (p.json): results.extra: unknown field',
    'SECURITY_POLICY_FILE (p.json): tools.echo.argumnets: unknown field',
    'SECURITY_POLICY_FILE (p.json): encryptScope: must be "value" or "text"',
    'SECURITY_POLICY_FILE (p.json): maxDepth: must be at least 1',
    'SECURITY_POLICY_FILE (p.json): colour: unknown field',
  ])
})

test('a policy that is not an object is one clear problem', () => {
  assert.equal(problemsOf([]), ['policy: the policy must be a JSON object'])
})

test('unknown entity types are errors when the detector types are known (typos)', () => {
  assert.equal(problemsOf({ results: { types: { emial: 'mask' } } }), [
    'results.types.emial: unknown entity type (known: email, phone, ssn, aws_access_key_id)',
  ])
})

test('SEC: allow for a secret type in results is a configuration error, in arguments it is fine', () => {
  assert.equal(
    problemsOf({ tools: { echo: { results: { types: { aws_access_key_id: 'allow' } } } } }),
    [
      'tools.echo.results.types.aws_access_key_id: aws_access_key_id is a secret; secrets are always at least masked in results, "allow" is not permitted',
    ],
  )
  parseSecurityPolicy({ arguments: { types: { aws_access_key_id: 'allow' } } }, check)
})

test('SEC: a results default of allow still masks secret types', () => {
  const policy = parseSecurityPolicy(
    { results: { default: 'allow', types: { email: 'redact' } } },
    check,
  )
  const resolved = resolvePiiPolicy(policy, 'echo', 'results', ['aws_access_key_id'])
  assert.equal(resolved.types, { email: 'redact', aws_access_key_id: 'mask' })
  assert.is(resolved.default, 'allow')
  // Arguments are not forced.
  const args = resolvePiiPolicy(
    parseSecurityPolicy({ arguments: { default: 'allow' } }),
    'echo',
    'arguments',
    ['aws_access_key_id'],
  )
  assert.equal(args.types, {})
})

test('resolution: tool type > global type > tool default > global default', () => {
  const policy = parseSecurityPolicy({
    arguments: { default: 'mask', types: { ssn: 'reject', email: 'redact' } },
    tools: { echo: { arguments: { default: 'allow', types: { email: 'encrypt' } } } },
  })
  const echo = resolvePiiPolicy(policy, 'echo', 'arguments')
  assert.is(echo.default, 'allow')
  assert.equal(echo.types, { ssn: 'reject', email: 'encrypt' })
  const other = resolvePiiPolicy(policy, 'add', 'arguments')
  assert.is(other.default, 'mask')
  assert.equal(other.types, { ssn: 'reject', email: 'redact' })
})

test('encryptScope and maxDepth reach every resolved policy', () => {
  const policy = parseSecurityPolicy({ encryptScope: 'text', maxDepth: 8 })
  const resolved = resolvePiiPolicy(policy, undefined, 'results')
  assert.is(resolved.encryptScope, 'text')
  assert.is(resolved.maxDepth, 8)
})

test('rulesUsing lists the paths that use an action', () => {
  const policy = parseSecurityPolicy({
    results: { default: 'encrypt' },
    tools: { echo: { arguments: { types: { email: 'encrypt', ssn: 'mask' } } } },
  })
  assert.equal(rulesUsing(policy, 'encrypt'), [
    'results.default',
    'tools.echo.arguments.types.email',
  ])
  assert.equal(rulesUsing(DEFAULT_SECURITY_POLICY, 'encrypt'), [])
  // Also on the raw JSON of a file that failed validation, so its problems are listed together.
  const raw = {
    results: { default: 'hide', types: { email: 'encrypt' } },
    tools: { x: 3 },
    colour: 1,
  }
  assert.equal(rulesUsing(raw, 'encrypt'), ['results.types.email'])
  assert.equal(rulesUsing('not a policy', 'encrypt'), [])
})

test.run()
