import * as v from 'valibot'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError, ProblemList } from './errors.ts'
import { booleanFlag, envReader, httpUrl, intInRange } from './env-schema.ts'

const schemas = {
  PORT: v.pipe(
    v.string(),
    v.regex(/^\d+$/, 'PORT must be a whole number'),
    v.transform(Number),
    v.maxValue(65535, 'PORT must be at most 65535'),
  ),
  MODE: v.picklist(['development', 'production'], 'MODE must be development or production'),
}

test('raw trims and treats blank as unset; parse applies the schema', () => {
  const problems = new ProblemList()
  const env = envReader({ PORT: ' 8080 ', MODE: 'production', BLANK: '  ' }, schemas, problems)
  assert.is(env.raw('BLANK'), undefined)
  assert.is(env.raw('PORT'), '8080')
  assert.is(env.parse('PORT'), 8080)
  assert.is(env.parse('MODE'), 'production')
  assert.is(problems.size, 0)
})

test('every invalid variable adds one problem; unset ones add none', () => {
  const problems = new ProblemList()
  const env = envReader({ PORT: '99999', MODE: 'staging' }, schemas, problems)
  assert.is(env.parse('PORT'), undefined)
  assert.is(env.parse('MODE'), undefined)
  assert.is(envReader({}, schemas, problems).parse('PORT'), undefined)
  try {
    problems.throwIfAny()
    assert.unreachable()
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.equal((error as ConfigError).problems, [
      'PORT must be at most 65535',
      'MODE must be development or production',
    ])
  }
})

test('shared schemas: flags, ranges and URLs with messages naming the variable', () => {
  const problems = new ProblemList()
  const env = envReader(
    { ON: '1', OFF: 'false', BAD: 'yes', N: '7', URL: 'ftp://x', OK: 'https://a.example' },
    {
      ON: booleanFlag('ON'),
      OFF: booleanFlag('OFF'),
      BAD: booleanFlag('BAD'),
      N: intInRange('N', 1, 5),
      URL: httpUrl('URL'),
      OK: httpUrl('OK'),
    },
    problems,
  )
  assert.equal(
    [
      env.parse('ON'),
      env.parse('OFF'),
      env.parse('BAD'),
      env.parse('N'),
      env.parse('URL'),
      env.parse('OK'),
    ],
    [true, false, undefined, undefined, undefined, 'https://a.example'],
  )
  assert.throws(
    () => problems.throwIfAny(),
    (e: ConfigError) =>
      e.problems.join('|') ===
      'BAD must be true or false|N must be between 1 and 5|URL must be an http(s) URL',
  )
})

test.run()
