// Tests of URI-aware detection: findings in paths, behind delimiters and percent-escapes, mapped
// back to the URI as written.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFakeDetector } from '../../pii/policy-fake-detector.ts'
import { createPolicyEngine } from '../../pii/policy.ts'
import { uriAwareDetector } from './uri.ts'

const detector = uriAwareDetector(createFakeDetector())
const redact = createPolicyEngine({ default: 'redact' }, { detector })

test('a URI is read as its parts: paths, queries, mailto, tel, percent-escapes', async () => {
  const cases: Array<[string, string]> = [
    ['file:///kim@example.com', 'file:///[EMAIL]'],
    ['mailto:kim@example.com?subject=hi', 'mailto:[EMAIL]?subject=hi'],
    ['mailto:kim%40example.com', 'mailto:[EMAIL]'],
    ['tel:010-1234-5678', 'tel:[PHONE]'],
    ['https://x.test/u/900101%2D1234568/y', 'https://x.test/u/[SSN]/y'],
    ['file:///plain/path', 'file:///plain/path'],
  ]
  for (const [uri, expected] of cases)
    assert.is((await redact.applyToText(uri)).value, expected, uri)
})

test('text that is no URI is scanned as it is; a masked mailto stays a mailto URI', async () => {
  assert.equal(
    detector.detect('see /kim@example.com'),
    createFakeDetector().detect('see /kim@example.com'),
  )
  const mask = createPolicyEngine({ default: 'mask' }, { detector })
  assert.match(
    (await mask.applyToText('mailto:kim@example.com')).value,
    /^mailto:k[^@]*@example\.com$/,
  )
})

test.run()
