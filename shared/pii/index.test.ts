// The public PII API: every entry point the guard, the CLI, the security tools and the audit
// log import is exported from the index and works end to end.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as pii from './index.ts'

test('the index exports the public functions, constants and error classes', () => {
  for (const name of [
    'createDetector',
    'createPolicyEngine',
    'createScrubber',
    'parsePiiPolicy',
    'maskValue',
    'maskText',
    'labelOf',
    'forEachString',
    'mapStrings',
  ] as const)
    assert.type(pii[name], 'function', name)
  for (const error of [
    pii.PiiPolicyError,
    pii.PiiRejectedError,
    pii.PiiCycleError,
    pii.PiiDepthError,
    pii.PiiUnsupportedValueError,
    pii.PiiInputTooLargeError,
    pii.PiiConfigError,
  ])
    assert.ok(error.prototype instanceof pii.PiiError, error.name)
  assert.equal([...pii.POLICY_ACTIONS], ['allow', 'mask', 'redact', 'encrypt', 'reject'])
  assert.is(pii.DEFAULT_MAX_DEPTH, 64)
})

test('JSON policy → engine → masked value, through the index only', async () => {
  const policy = pii.parsePiiPolicy(JSON.parse('{"types":{"phone":"redact"}}'))
  const engine = pii.createPolicyEngine(policy, { detector: pii.createDetector() })
  const result = await engine.applyToValue({ q: 'kimchulsoo@example.com 010-1234-5678' })
  assert.equal(result.value, { q: 'kim***@example.com [PHONE]' })
  assert.is(result.action, 'redact')
})

test.run()
