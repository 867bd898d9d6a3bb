// Tests of createScrubber, the audit log's PII hook (LOG-2).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createScrubber } from './mask-scrubber.ts'
import { createFakeDetector, FakeTooLargeError } from './policy-fake-detector.ts'

test('LOG-2 scrubber label-redacts every finding and keeps the rest', () => {
  const scrub = createScrubber(createFakeDetector())
  assert.is(
    scrub('고객 kim@example.com 님, 010-1234-5678 / 900101-1234567 key AKIAIOSFODNN7EXAMPLE'),
    '고객 [EMAIL] 님, [PHONE] / [SSN] key [AWS_ACCESS_KEY_ID]',
  )
})

test('scrubber returns text without findings unchanged, including the empty string', () => {
  const scrub = createScrubber(createFakeDetector())
  assert.is(scrub('tool call finished in 12 ms'), 'tool call finished in 12 ms')
  assert.is(scrub(''), '')
})

test('scrubber is synchronous and lets detector errors propagate (the audit log fails closed)', () => {
  const scrub = createScrubber(createFakeDetector({ maxLength: 10 }))
  assert.type(scrub('short'), 'string')
  assert.throws(
    () => scrub('kim@example.com is too long'),
    (e: unknown) => e instanceof FakeTooLargeError,
  )
})

test.run()
