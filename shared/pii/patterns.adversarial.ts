// Adversarial inputs for the pattern set (RX-1..RX-4): long runs of the characters each pattern
// family backtracks on. Shared by patterns.redos.test.ts and bench/pii.bench.ts.

/** Size of each adversarial input: 64 KB (RX-3). */
export const ADVERSARIAL_SIZE = 64 * 1024
const SIZE = ADVERSARIAL_SIZE
/** A PEM armour header, built from parts so no key-block literal sits in the sources. */
const pemHeader = (kind: string) => `${'-'.repeat(5)}BEGIN ${kind}${'-'.repeat(5)}`

const fill = (unit: string, size = SIZE) =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size)
const half = SIZE / 2 - 1

/** Inputs built to make a backtracking engine work hard on one pattern family or another. */
export const ADVERSARIAL: ReadonlyArray<readonly [name: string, text: string]> = [
  ['digits 1', fill('1')],
  ['digits 0', fill('0')],
  ['digits mixed', fill('0123456789')],
  ['digit-hyphen', fill('1-')],
  ['010- repeated', fill('010-')],
  ['010-1234- repeated', fill('010-1234-')],
  ['+82 repeated', fill('+82 10-')],
  ['(02) repeated', fill('(02) ')],
  ['RRN-like run', fill('960121-')],
  ['card groups', fill('4111 ')],
  ['dotted digits', fill('1.')],
  ['dotted octets', fill('255.')],
  ['version-like', fill('v1.2.3.4.')],
  ['hangul 가', fill('가')],
  ['hangul 김 + space', fill('김 ')],
  ['hangul 님', fill('님')],
  ['hangul 김님', fill('김님')],
  ['name + title', fill('김철수 과장')],
  ['title run', fill('과장 ')],
  ['a…a@a…a', `${'a'.repeat(half)}@${'a'.repeat(half)}!`],
  ['@ repeated', fill('@')],
  ['a@ repeated', fill('a@')],
  ['a. repeated', fill('a.')],
  ['a@a. repeated', fill('a@a.')],
  ['-----BEGIN repeated', fill('-----BEGIN')],
  ['BEGIN header repeated', fill(pemHeader('RSA PRIVATE KEY'))],
  ['BEGIN + base64, no END', `${pemHeader('PRIVATE KEY')}\n${fill('QUJD', SIZE - 40)}`],
  [
    'BEGIN + lines, no END',
    `${pemHeader('PRIVATE KEY')}${fill('\nQUJDREVGR0hJSktMTU5PUA', SIZE - 40)}`,
  ],
  ['eyJ repeated', fill('eyJ')],
  ['eyJ segments, no end', `eyJ${'a'.repeat(half)}.eyJ${'a'.repeat(half - 8)}`],
  ['eyJa. repeated', fill('eyJaaaaaaaaaaaa.')],
  ['AKIA repeated', fill('AKIA')],
  ['uppercase run', fill('A')],
  ['ghp_ repeated', fill('ghp_')],
  ['word chars', fill('a_1')],
  ['xoxb- digits', fill('xoxb-1234567890-')],
  ['xoxp- digits', fill('xoxp-1234567890-')],
  ['slack hooks', fill('hooks.slack.com/services/')],
  ['spaces', fill(' ')],
  ['newlines', fill('\n')],
  ['M digits', fill('M1234')],
]
