import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FernetKeyRing, generateFernetKey } from '../../../shared/crypto/index.ts'
import { textOf } from '../../../shared/mcp/result.ts'
import { callOnce, realDetector } from '../testing.ts'
import { MAX_LISTED_DETECTIONS, MAX_TEXT_LENGTH } from './test-pii-detection.ts'

const NAME = 'test_pii_detection'
const EMAIL = 'kim.chulsoo@example.com'
const PHONE = '010-1234-5678'
const RRN = '960121-1021413' // PII-5: checksum valid (score 1.0)
const AWS = 'AKIAQ3TZX7W2ZEXAMPLE'
const RAW = [EMAIL, PHONE, RRN, AWS, '1021413', '1234-5678']
const TEXT = `홍길동 고객님 연락처 ${PHONE}, 메일 ${EMAIL}, 주민등록번호 ${RRN}, key ${AWS}`

interface Detection {
  type: string
  category: string
  start: number
  end: number
  score: number
  validated: boolean
  preview: string
}
interface Out {
  policy: string
  action: string
  totalDetections: number
  detections: Detection[]
  counts: Record<string, number>
  processed: string | null
  rejection?: { types: string[]; counts: Record<string, number>; message: string }
  note?: string
}

const run = (args: Record<string, unknown>, options = {}) => callOnce(NAME, args, options)

function assertNoRaw(value: unknown, raw: readonly string[] = RAW) {
  const json = JSON.stringify(value)
  for (const secret of raw) assert.not.ok(json.includes(secret), `raw value in result: ${secret}`)
}

test('mask (default): type, position, score, validated and a masked preview per detection', async () => {
  const { result, session } = await run({ text: TEXT })
  assert.not.ok(result.isError, textOf(result))
  const out = result.structuredContent as unknown as Out
  assert.is(out.policy, 'mask')
  assert.is(out.action, 'mask')
  assert.equal(out.counts, {
    aws_access_key_id: 1,
    email: 1,
    korean_name: 1,
    phone: 1,
    ssn: 1,
  })
  assert.is(out.totalDetections, 5)
  const expected = realDetector().detect(TEXT)
  assert.equal(
    out.detections.map((d) => [d.type, d.start, d.end, d.validated]),
    expected.map((f) => [f.type, f.start, f.end, f.validated]),
  )
  const byType = Object.fromEntries(out.detections.map((d) => [d.type, d]))
  assert.is(TEXT.slice(byType.email!.start, byType.email!.end), EMAIL, 'positions index the text')
  assert.is(byType.email!.preview, 'kim***@example.com')
  assert.is(byType.phone!.preview, '010-****-5678')
  assert.is(byType.ssn!.validated, true)
  assert.is(byType.ssn!.score, 1)
  assert.is(byType.aws_access_key_id!.category, 'secret')
  assert.ok(byType.aws_access_key_id!.preview.startsWith('AKIA'))
  assert.ok(out.processed?.includes('kim***@example.com'))
  assert.ok(out.processed?.startsWith('홍'))
  assert.not.ok(out.note, 'the default argument policy passes the text through')
  assertNoRaw(result)
  const text = textOf(result)
  assert.match(text, /Found 5 value\(s\)/)
  assert.match(text, /email at \d+–\d+ \(score 1, validated\): kim\*\*\*@example\.com/)
  // The guard saw the raw values in the arguments only: nothing detectable left in the result.
  const [record] = await session.audit.records()
  assert.is(record?.direction, 'in')
  assert.is(record?.outcome, 'ok')
  assert.not.ok((await session.audit.text()).includes(EMAIL))
})

test('redact: labels in the processed text', async () => {
  const { result } = await run({ text: TEXT, policy: 'redact' })
  const out = result.structuredContent as unknown as Out
  assert.is(out.action, 'redact')
  assert.ok(out.processed?.includes('[EMAIL]') && out.processed.includes('[SSN]'))
  assertNoRaw(result)
})

test('FN encrypt: every value becomes a Fernet token that decrypts back to it', async () => {
  const keyRing = await FernetKeyRing.create(generateFernetKey())
  const { result } = await run({ text: `mail ${EMAIL} rrn ${RRN}`, policy: 'encrypt' }, { keyRing })
  assert.not.ok(result.isError, textOf(result))
  const out = result.structuredContent as unknown as Out
  assert.is(out.action, 'encrypt')
  const tokens = out.processed?.match(/gAAAA[A-Za-z0-9_=-]+/g) ?? []
  assert.is(tokens.length, 2)
  assert.equal(await Promise.all(tokens.map((t) => keyRing.decryptText(t))), [EMAIL, RRN])
  assertNoRaw(result)
})

test('encrypt without a configured key is a ToolError naming FERNET_KEY', async () => {
  const { result, session } = await run({ text: EMAIL, policy: 'encrypt' })
  assert.is(result.isError, true)
  assert.match(textOf(result), /no Fernet key is configured on the server: set FERNET_KEY/)
  assert.is((await session.audit.records())[0]?.detail?.startsWith('tool_error'), true)
})

test('reject is a demonstration: the rejection (types and counts) is the result, not an error', async () => {
  const { result } = await run({ text: TEXT, policy: 'reject' })
  assert.not.ok(result.isError)
  const out = result.structuredContent as unknown as Out
  assert.is(out.action, 'reject')
  assert.is(out.processed, null)
  assert.equal(out.rejection?.types, ['aws_access_key_id', 'email', 'korean_name', 'phone', 'ssn'])
  assert.equal(out.rejection?.counts.email, 1)
  assert.match(textOf(result), /The reject policy refuses this text: it contains/)
  assertNoRaw(result)
})

test('no PII: action allow, the text unchanged', async () => {
  const { result } = await run({ text: 'nothing personal here', policy: 'reject' })
  const out = result.structuredContent as unknown as Out
  assert.equal(
    [out.action, out.totalDetections, out.processed],
    ['allow', 0, 'nothing personal here'],
  )
  assert.match(textOf(result), /^No PII found/)
})

test('raw values stay out even when the operator allows PII in results', async () => {
  const { result } = await run({ text: TEXT }, { policy: { results: { default: 'allow' } } })
  assert.not.ok(result.isError)
  assertNoRaw(result)
})

test('the argument policy runs first: a masking policy leaves nothing to detect, and says so', async () => {
  const { result } = await run({ text: TEXT }, { policy: { arguments: { default: 'mask' } } })
  const out = result.structuredContent as unknown as Out
  assert.is(out.counts.email, undefined, 'the tool saw kim***@example.com, not the address')
  assert.match(out.note ?? '', /argument policy \(default mask\) was applied to the text/)
  const rejected = await run(
    { text: TEXT },
    { policy: { tools: { [NAME]: { arguments: { types: { ssn: 'reject' } } } } } },
  )
  assert.is(rejected.result.isError, true)
  assert.match(textOf(rejected.result), /tool call rejected by the PII policy/)
})

test('bad arguments name the field; the value is never echoed', async () => {
  const wrongType = await run({ text: 42 })
  assert.is(textOf(wrongType.result), `invalid arguments for ${NAME}: text: expected string`)
  const policy = await run({ text: EMAIL, policy: 'hide' })
  assert.is(policy.result.isError, true)
  assert.match(textOf(policy.result), /policy: expected \("mask" \| "redact"/)
  const missing = await run({})
  assert.match(textOf(missing.result), /text: required/)
  const extra = await run({ text: 'x', secret: EMAIL })
  assert.match(textOf(extra.result), /secret: unknown field/)
  assertNoRaw([policy.result, extra.result])
})

test('limits: text length, listed detections', async () => {
  const tooLong = await run({ text: 'a'.repeat(MAX_TEXT_LENGTH + 1) })
  assert.is(tooLong.result.isError, true)
  assert.match(textOf(tooLong.result), /^invalid arguments for test_pii_detection: text: /)
  const many = Array.from({ length: MAX_LISTED_DETECTIONS + 5 }, (_, i) => `u${i}@example.com`)
  const { result } = await run({ text: many.join(' ') })
  const out = result.structuredContent as unknown as Out
  assert.is(out.totalDetections, MAX_LISTED_DETECTIONS + 5)
  assert.is(out.detections.length, MAX_LISTED_DETECTIONS)
  assert.match(textOf(result), /… 5 more not listed/)
  assertNoRaw(result, many)
})

test.run()
