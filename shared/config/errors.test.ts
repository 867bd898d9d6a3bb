import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError, ProblemList } from './errors.ts'

test('attempt: the value, or failed with the ConfigError problems (or message) recorded', () => {
  const problems = new ProblemList()
  assert.equal(
    problems.attempt(() => 'x'),
    { value: 'x', failed: false },
  )
  assert.equal(
    problems.attempt(() => undefined),
    { value: undefined, failed: false },
  )
  assert.equal(
    problems.attempt(() => {
      throw new ConfigError(['a', 'b'])
    }),
    { value: undefined, failed: true },
  )
  assert.is(
    problems.collect(() => {
      throw new Error('c')
    }),
    undefined,
  )
  assert.is(problems.size, 3)
  try {
    problems.throwIfAny()
    assert.unreachable('should throw')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.equal((error as ConfigError).problems, ['a', 'b', 'c'])
    assert.is((error as ConfigError).code, 'ERR_CONFIG')
  }
})

test.run()
