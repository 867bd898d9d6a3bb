import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { EntityCategory } from '../../shared/pii/types.ts'
import { assessRisk, recommendedActions, weightOf } from './breach-risk.ts'

const SECRETS = new Set(['aws_access_key_id', 'github_token'])
const categoryOf = (type: string): EntityCategory => (SECRETS.has(type) ? 'secret' : 'pii')
const risk = (counts: Record<string, number>, threshold = 10) =>
  assessRisk({ counts, threshold, categoryOf })

test('weights: secrets 10, sensitive identifiers 5, other PII 1', () => {
  assert.is(weightOf('aws_access_key_id', 'secret'), 10)
  for (const type of ['ssn', 'foreigner_registration_number', 'us_ssn', 'credit_card'])
    assert.is(weightOf(type, 'pii'), 5, type)
  for (const type of ['email', 'phone', 'korean_name', 'ipv4']) assert.is(weightOf(type, 'pii'), 1)
})

test('none and low', () => {
  assert.equal(risk({}), {
    level: 'none',
    exposureScore: 0,
    sensitiveFindings: 0,
    secretFindings: 0,
    reasons: ['no personal data or secrets found'],
  })
  const low = risk({ email: 4, phone: 5 })
  assert.equal([low.level, low.exposureScore], ['low', 9])
})

test('medium: exposure at the threshold, or any sensitive identifier', () => {
  assert.is(risk({ email: 10 }).level, 'medium')
  const one = risk({ ssn: 1 })
  assert.is(one.level, 'medium')
  assert.match(one.reasons[0]!, /1 sensitive identifier/)
})

test('high: 3 × threshold, any credential, or sensitive identifiers at the threshold', () => {
  assert.is(risk({ email: 30 }).level, 'high')
  const secret = risk({ github_token: 1 })
  assert.equal([secret.level, secret.secretFindings, secret.exposureScore], ['high', 1, 10])
  const rrn = risk({ ssn: 2 }, 2)
  assert.is(rrn.level, 'high')
  assert.ok(rrn.reasons.some((reason) => reason.includes('2 sensitive identifiers ≥ threshold 2')))
})

test('critical: 10 × threshold, or credentials with bulk identifiers', () => {
  assert.is(risk({ email: 100 }).level, 'critical')
  const mixed = risk({ aws_access_key_id: 1, credit_card: 10 })
  assert.is(mixed.level, 'critical')
  assert.equal(mixed.reasons.length, 1)
  assert.match(mixed.reasons[0]!, /credential\(s\) exposed together with 10 sensitive/)
  assert.is(risk({ aws_access_key_id: 1, credit_card: 9 }).level, 'high')
})

test('recommended actions name types and record indexes, most urgent first', () => {
  const counts = { aws_access_key_id: 2, ssn: 12, credit_card: 3, email: 40 }
  const level = risk(counts).level
  const flagged = Array.from({ length: 12 }, (_, i) => i * 3)
  const actions = recommendedActions({ counts, threshold: 10, categoryOf, level, flagged })
  assert.match(actions[0]!, /^Start the incident response/)
  assert.match(actions[1]!, /Revoke and rotate the exposed credentials now \(aws_access_key_id\)/)
  assert.ok(actions.some((a) => a.includes('registration numbers')))
  assert.ok(actions.some((a) => a.includes('PCI DSS')))
  const quarantine = actions.find((a) => a.startsWith('Quarantine'))!
  assert.match(quarantine, /index 0, 3, 6, 9, 12, 15, 18, 21, 24, 27 and 2 more/)
  assert.ok(actions.some((a) => a.includes('"aws_access_key_id": "reject"')))
  const more = recommendedActions({
    counts,
    threshold: 10,
    categoryOf,
    level,
    flagged: [1],
    flaggedCount: 150,
  })
  assert.ok(more.some((a) => a.includes('index 1 and 149 more')))
  assert.equal(
    recommendedActions({ counts: {}, threshold: 10, categoryOf, level: 'none', flagged: [] }),
    ['No personal data or secrets found: no action needed.'],
  )
  const low = recommendedActions({
    counts: { email: 2 },
    threshold: 10,
    categoryOf,
    level: 'low',
    flagged: [],
  })
  assert.not.ok(low.some((a) => a.startsWith('Start the incident response')))
})

test.run()
