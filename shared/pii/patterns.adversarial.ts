// Adversarial inputs for the pattern set (RX-1..RX-4): long runs of the characters each pattern
// family backtracks on. Shared by patterns.redos.test.ts and bench/pii.bench.ts.

/** Size of each adversarial input: 64 KB (RX-3). */
export const ADVERSARIAL_SIZE = 64 * 1024
const SIZE = ADVERSARIAL_SIZE
/** A PEM armour header, built from parts so no key-block literal sits in the sources. */
const pemHeader = (kind: string) => `${'-'.repeat(5)}BEGIN ${kind}${'-'.repeat(5)}`

/**
 * Inputs of about `size` UTF-16 code units built to make a backtracking engine (or the name
 * recognizer, the normaliser, the table reader) work hard on one family or another.
 */
export function makeAdversarial(
  size: number,
): ReadonlyArray<readonly [name: string, text: string]> {
  const fill = (unit: string, n = size) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
  const half = size / 2 - 1
  const SIZE = size
  return [
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
    ['(a{63}@)*', fill(`${'a'.repeat(63)}@`)],
    ['(a{63}.)* then @', `${fill(`${'a'.repeat(63)}.`, SIZE - 2)}@a`],
    ['hangul a{63}@', fill(`${'가'.repeat(63)}@`)],
    ['full-width digits', fill('０１２３４５６７８９')],
    ['full-width + zero-width', fill('０\u200b')],
    ['dash variants', fill('010\u20131234\u2014')],
    ['decomposed hangul', fill('김철수님 '.normalize('NFD'))],
    ['names with particles', fill('김철수가 이영희를 ')],
    ['name list', fill('김철수, ')],
    ['label + name', fill('담당자: 최민서 ')],
    ['CSV rows', fill('성명,여권\n김철수,M12345678\n')],
    ['commas, one line', fill(',')],
    ['tabs and newlines', fill('\t\n')],
  ]
}

/** The 64 KB adversarial inputs (RX-3). */
export const ADVERSARIAL = makeAdversarial(SIZE)
