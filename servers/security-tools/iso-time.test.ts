import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import { parseInstant, SinceSchema } from './iso-time.ts'

test('parseInstant: dates (UTC midnight) and date-times with Z or an offset', () => {
  assert.is(parseInstant('2025-03-04'), Date.UTC(2025, 2, 4))
  assert.is(parseInstant('2025-03-04T05:06:07Z'), Date.UTC(2025, 2, 4, 5, 6, 7))
  assert.is(parseInstant('2025-03-04T05:06:07.089Z'), Date.UTC(2025, 2, 4, 5, 6, 7, 89))
  assert.is(parseInstant('2025-03-04T14:06+09:00'), Date.UTC(2025, 2, 4, 5, 6))
  assert.is(parseInstant('2024-02-29T00:00:00-05:30'), Date.UTC(2024, 1, 29, 5, 30))
})

test('parseInstant: impossible dates, times without a zone and other shapes are refused', () => {
  for (const text of [
    '2025-02-29', // not a leap year
    '2025-02-30',
    '2025-13-01',
    '2025-00-10',
    '2025-03-04T24:00:00Z',
    '2025-03-04T10:60Z',
    '2025-03-04T10:00:00', // no zone: would depend on the server's local time
    '2025-03-04T10:00:00+24:00',
    '2025-3-4',
    'yesterday',
    '1741064767',
    '',
  ])
    assert.is(parseInstant(text), undefined, text)
})

test('SinceSchema says what it expects', () => {
  const result = v.safeParse(SinceSchema, '2025-02-30')
  assert.not.ok(result.success)
  assert.match(result.issues?.[0]?.message ?? '', /expected an ISO 8601 date or date-time/)
  assert.ok(v.safeParse(SinceSchema, '2025-02-28T00:00:00Z').success)
})

test.run()
