import { test } from 'uvu'
import * as assert from 'uvu/assert'
import namesJson from '../../patterns/korean-names.json' with { type: 'json' }
import { createDetector } from './detect.ts'
import { PiiConfigError } from './errors.ts'
import { BUILTIN_PATTERN_SOURCES, compilePatterns, PATTERNS } from './patterns.ts'
import type { PatternDefinition } from './patterns.ts'

const good: PatternDefinition = {
  id: 'test-digits',
  type: 'test_digits',
  category: 'pii',
  description: 'test',
  regex: '(?<!\\d)\\d{4}(?!\\d)',
  flags: '',
  score: 0.5,
  source: 'own',
}
const file = (...patterns: unknown[]) => [
  { name: 'patterns/test.json', data: { description: 'test', patterns } },
]

/** Asserts compilePatterns throws PiiConfigError whose message matches every regex given. */
function rejects(patterns: unknown[], ...messages: RegExp[]) {
  try {
    compilePatterns(file(...patterns))
  } catch (error) {
    assert.instance(error, PiiConfigError)
    assert.is((error as PiiConfigError).code, 'ERR_PII_CONFIG')
    for (const m of messages) assert.match((error as Error).message, m)
    return
  }
  assert.unreachable('compilePatterns accepted an invalid definition')
}

test('built-in pattern files load: the seed four types and every required type are present', () => {
  // korean_name comes from names-recognizer.ts, the other types from the pattern files.
  const types = new Set([...PATTERNS.map((p) => p.type), ...createDetector().types])
  for (const type of [
    'email',
    'phone',
    'korean_name',
    'ssn',
    'phone_landline',
    'phone_voip',
    'phone_uan',
    'phone_personal',
    'phone_toll_free',
    'foreigner_registration_number',
    'credit_card',
    'kr_passport',
    'kr_driver_license',
    'kr_brn',
    'us_ssn',
    'ipv4',
    'aws_access_key_id',
    'github_token',
    'slack_token',
    'slack_webhook',
    'private_key',
    'jwt',
  ])
    assert.ok(types.has(type), type)
  assert.equal(
    BUILTIN_PATTERN_SOURCES.map((s) => s.name),
    ['patterns/korea.json', 'patterns/global.json', 'patterns/secrets.json'],
  )
})

test('every definition names its source; secrets are category secret, the rest pii', () => {
  for (const p of PATTERNS) {
    assert.ok(/presidio|gitleaks|libphonenumber|detect-secrets|own/i.test(p.source), p.id)
    assert.is(p.category, /key|token|webhook|jwt/.test(p.type) ? 'secret' : 'pii', p.id)
  }
})

test('regexes are compiled once: global scan without indices, a sticky indices twin for groups', () => {
  for (const p of PATTERNS) {
    assert.ok(p.regex.global && !p.regex.hasIndices, p.id)
    if (p.group > 0) assert.ok(p.indicesRegex?.sticky && p.indicesRegex.hasIndices, p.id)
    else assert.is(p.indicesRegex, undefined, p.id)
  }
})

/**
 * RX-2/RX-3: every quantifier in every regex is bounded: no `*`, `+` or `{n,}` outside
 * character classes (escapes and `\p{…}`/`\u{…}` braces skipped).
 */
function unboundedQuantifiers(source: string): string[] {
  const found: string[] = []
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (c === '\\') {
      if (/[pPu]/.test(source[i + 1] ?? '') && source[i + 2] === '{') i = source.indexOf('}', i)
      else i++
    } else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++
    } else if (c === '*' || c === '+') found.push(`${c} at ${i}`)
    else if (c === '{' && /^\{\d+,\}/.test(source.slice(i))) found.push(`{n,} at ${i}`)
  }
  return found
}

test('RX-3: no unbounded quantifier in any pattern', () => {
  const problems = PATTERNS.flatMap((p) =>
    unboundedQuantifiers(p.regex.source).map((where) => `${p.id}: ${where}`),
  )
  assert.equal(problems, [])
  // The checker itself finds what it must.
  assert.equal(unboundedQuantifiers('a+b*[+*]\\+c{2,}d{1,3}\\p{L}'), [
    '+ at 1',
    '* at 3',
    '{n,} at 11',
  ])
})

test('names are not regex patterns any more: names-recognizer.ts reports korean_name', () => {
  assert.equal(
    PATTERNS.filter((p) => p.type === 'korean_name').map((p) => p.id),
    [],
  )
})

test('a valid custom definition compiles with lower-cased keywords and context', () => {
  const [p] = compilePatterns(file({ ...good, keywords: ['ABC'], context: ['Card'], group: 0 }))
  assert.is(p!.id, 'test-digits')
  assert.equal(p!.keywords, ['abc'])
  assert.equal(p!.context, ['card'])
})

test('load errors name the file, the entry and the problem', () => {
  rejects([{ ...good, score: 2 }], /patterns\/test\.json patterns\[0\] \(test-digits\)/, /score/i)
  rejects([{ ...good, regex: '(unclosed' }], /regex does not compile/)
  rejects([{ ...good, flags: 'g' }], /flags/)
  rejects([{ ...good, flags: 'ii' }], /flags/)
  rejects([{ ...good, validator: 'nope' }], /unknown validator "nope"/)
  rejects([{ ...good, group: 2 }], /group 2 but the regex has 0/)
  rejects([{ ...good, regex: '\\d{0,3}' }], /matches the empty string/)
  rejects([good, good], /patterns\[1\].*duplicate id/)
  rejects([good, { ...good, id: 'other', category: 'secret' }], /already category pii/)
  rejects([{ ...good, requireContext: true }], /requireContext without context/)
  rejects([{ ...good, extra: 1 }], /patterns\[0\]/)
  rejects([{ ...good, id: undefined }], /patterns\[0\]:/)
  assert.throws(
    () => compilePatterns([{ name: 'patterns/x.json', data: { patterns: 'no' } }]),
    (e: unknown) => e instanceof PiiConfigError && /patterns\/x\.json/.test(e.message),
  )
})

test.run()
