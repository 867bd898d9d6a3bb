import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseGuardArgs } from './args.ts'
import { GuardError } from './errors.ts'

const usageError = (argv: string[]) => {
  try {
    parseGuardArgs(argv)
  } catch (error) {
    assert.instance(error, GuardError)
    assert.is((error as GuardError).code, 'ERR_USAGE')
    return (error as GuardError).message
  }
  throw new Error('expected a usage error')
}

test('the command after --, its own options untouched', () => {
  assert.equal(parseGuardArgs(['--', 'node', 'dist/x.mjs', '--policy-file', 'y', '--']), {
    command: 'node',
    args: ['dist/x.mjs', '--policy-file', 'y', '--'],
  })
  assert.equal(parseGuardArgs(['--policy-file', 'p.json', '--', 'npx', '-y', 'server']), {
    policyFile: 'p.json',
    command: 'npx',
    args: ['-y', 'server'],
  })
  assert.equal(parseGuardArgs(['--policy-file=p.json', 'node', 'x.mjs']), {
    policyFile: 'p.json',
    command: 'node',
    args: ['x.mjs'],
  })
  assert.is(parseGuardArgs(['--help']), 'help')
  assert.is(parseGuardArgs(['-h', '--', 'node']), 'help')
})

test('usage errors: no command, unknown option, missing policy file', () => {
  assert.match(usageError([]), /no server command given/)
  assert.match(usageError(['--']), /no server command given/)
  assert.match(usageError(['--verbose', '--', 'node']), /unknown option --verbose/)
  assert.match(usageError(['--policy-file']), /--policy-file needs a file name/)
  assert.match(usageError(['--policy-file=', '--', 'node']), /--policy-file needs a file name/)
})

test('--call-timeout: whole seconds, 1 to 86400 (issue 9 §6)', () => {
  assert.equal(parseGuardArgs(['--call-timeout', '5', '--', 'node', 's.js']), {
    callTimeoutSeconds: 5,
    command: 'node',
    args: ['s.js'],
  })
  assert.equal(parseGuardArgs(['--call-timeout=90', 'node']), {
    callTimeoutSeconds: 90,
    command: 'node',
    args: [],
  })
  for (const bad of ['0', '1.5', 'x', '86401', ''])
    assert.throws(() => parseGuardArgs(['--call-timeout', bad, 'node']), /whole number of seconds/)
})

test.run()
