import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  luhnCheckDigit,
  rrnCheckDigit,
  SAMPLE_BULK_INDEXES,
  SAMPLE_SIZE,
  syntheticSample,
} from './breach-sample.ts'
import { realDetector } from './testing.ts'

test('the sample is deterministic: the same records on every call', () => {
  const a = syntheticSample()
  const b = syntheticSample()
  assert.equal(a, b)
  assert.is(a.records.length, SAMPLE_SIZE)
})

test('PII-2/PII-13 check digits: known vectors', () => {
  assert.is(rrnCheckDigit('960121102141'), '3') // PII-5: 960121-1021413
  assert.is(rrnCheckDigit('050912200001'), '9') // PII-5: 050912-2000019
  assert.is(luhnCheckDigit('411111111111111'), '1') // PII-14: 4111111111111111
  assert.is(luhnCheckDigit('555555555555444'), '4') // PII-14: 5555555555554444
})

test('the detector finds exactly what was planted, Korean and English, PII and secrets', () => {
  const { records, planted } = syntheticSample()
  const detector = realDetector()
  const found: Record<string, number> = {}
  for (const record of records)
    for (const { type } of detector.detect(record)) found[type] = (found[type] ?? 0) + 1
  assert.equal(found, planted)
  for (const type of ['korean_name', 'ssn', 'phone', 'email', 'credit_card', 'aws_access_key_id'])
    assert.ok((planted[type] ?? 0) > 0, type)
})

test('registration numbers pass their checksum and cards pass Luhn (validated findings)', () => {
  const detector = realDetector()
  const findings = syntheticSample().records.flatMap((record) => detector.detect(record))
  const checked = findings.filter((f) =>
    ['ssn', 'foreigner_registration_number', 'credit_card'].includes(f.type),
  )
  assert.ok(checked.length > 30)
  for (const finding of checked) assert.ok(finding.validated, `${finding.type} not validated`)
})

test('the data is obviously fake: reserved domains, documentation IPs, the unassigned 010-0 block', () => {
  const text = syntheticSample().records.join('\n')
  for (const email of text.match(/[\w.]+@[\w.]+/g) ?? [])
    assert.match(email, /@example\.(com|org|net)$/)
  for (const ip of text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [])
    assert.match(ip, /^(192\.0\.2|198\.51\.100|203\.0\.113)\./)
  for (const phone of text.match(/(?:\+82 |0)10-\d{4}-\d{4}/g) ?? []) assert.match(phone, /10-0/)
  for (const key of text.match(/AKIA[A-Z2-7]{16}/g) ?? []) assert.match(key, /EXAMPLE$/)
})

test('two bulk records hold dozens of values each', () => {
  const { records } = syntheticSample()
  const detector = realDetector()
  for (const index of SAMPLE_BULK_INDEXES)
    assert.ok(detector.detect(records[index]!).length >= 24, `record ${index}`)
  const others = records.filter((_, i) => !SAMPLE_BULK_INDEXES.includes(i))
  for (const record of others) assert.ok(detector.detect(record).length <= 3, record)
})

test.run()
