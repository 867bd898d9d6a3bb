import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../audit/read.ts'
import { ConfigError } from '../config/errors.ts'
import { generateFernetKey } from '../crypto/index.ts'
import { ANONYMOUS } from '../mcp/identity.ts'
import { structuredResult } from '../mcp/result.ts'
import { createFakeDetector } from '../pii/policy-fake-detector.ts'
import { openAuditFileLog } from './audit/file-log.ts'
import { createToolRuntime, startToolRuntime } from './tool-runtime.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-runtime-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const EMAIL = 'kim.chulsoo@example.com'

function stderr() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk) => (text += chunk))
  return { stream, text: () => text }
}

async function problemsOf(run: () => Promise<unknown>): Promise<readonly string[]> {
  try {
    await run()
  } catch (error) {
    assert.instance(error, ConfigError)
    return (error as ConfigError).problems
  }
  assert.unreachable('expected a ConfigError')
  return []
}

test('no configuration: default policy, audit records on stderr, no key ring', async () => {
  const err = stderr()
  const runtime = await createToolRuntime({ env: {}, stderr: err.stream })
  assert.is(runtime.policy.results.default, 'mask')
  assert.is(runtime.encryptor, undefined)
  assert.ok(runtime.detector.types.includes('email'), 'the built-in detector')
  const call = await runtime.guard.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
  const out = await call.complete(structuredResult({ m: EMAIL }, EMAIL))
  assert.not.ok(JSON.stringify(out).includes(EMAIL))
  await runtime.close()
  const [record] = readAuditRecords(err.text())
  assert.is(record?.tool, 'echo')
  assert.is(record?.outcome, 'ok')
})

test('SECURITY_POLICY_FILE, FERNET_KEY_FILE and AUDIT_LOG_FILE are used', async () => {
  const policy = file('policy.json', JSON.stringify({ results: { types: { email: 'encrypt' } } }))
  const keyFile = file('fernet.key', `${generateFernetKey()}\n`)
  const auditFile = join(dir, 'logs', 'audit.log')
  const runtime = await createToolRuntime({
    env: { SECURITY_POLICY_FILE: policy, FERNET_KEY_FILE: keyFile, AUDIT_LOG_FILE: auditFile },
    detector: createFakeDetector(),
  })
  assert.ok(runtime.encryptor)
  const call = await runtime.guard.begin({ tool: 't', arguments: {}, identity: ANONYMOUS })
  const out = await call.complete(structuredResult({ m: EMAIL }, 'x'))
  const token = String(out.structuredContent?.m)
  assert.is(await runtime.encryptor!.decryptText(token), EMAIL)
  await runtime.close()
  const records = readAuditRecords(readFileSync(auditFile, 'utf8'))
  assert.is(records.length, 1)
  assert.is(records[0]?.action, 'encrypt')
})

test('every problem is reported at once, naming variables and fields, never key values', async () => {
  const badPolicy = file('bad.json', JSON.stringify({ results: { default: 'hide' }, extra: 1 }))
  const secretish = 'not-a-key-but-secret-looking-value'
  const problems = await problemsOf(() =>
    createToolRuntime({
      env: { SECURITY_POLICY_FILE: badPolicy, FERNET_KEY: secretish },
      detector: createFakeDetector(),
    }),
  )
  assert.is(problems.length, 3, problems.join('\n'))
  assert.match(problems[0] ?? '', /^FERNET_KEY: /)
  assert.match(
    problems[1] ?? '',
    /^SECURITY_POLICY_FILE \(.*bad\.json\): results\.default: must be one of/,
  )
  assert.match(problems[2] ?? '', /extra: unknown field/)
  assert.not.ok(problems.join('\n').includes(secretish))
})

test('unreadable and malformed policy files, unwritable audit log', async () => {
  const missing = await problemsOf(() =>
    createToolRuntime({
      env: { SECURITY_POLICY_FILE: join(dir, 'nope.json') },
      detector: createFakeDetector(),
    }),
  )
  assert.match(missing[0] ?? '', /^SECURITY_POLICY_FILE: cannot read .*nope\.json \(ENOENT\)$/)
  const malformed = await problemsOf(() =>
    createToolRuntime({
      env: { SECURITY_POLICY_FILE: file('m.json', '{ "results": ') },
      detector: createFakeDetector(),
    }),
  )
  assert.match(malformed[0] ?? '', /^SECURITY_POLICY_FILE: .*m\.json is not valid JSON/)
  const blocker = file('not-a-dir', 'x')
  const audit = await problemsOf(() =>
    createToolRuntime({
      env: { AUDIT_LOG_FILE: join(blocker, 'audit.log') },
      detector: createFakeDetector(),
    }),
  )
  assert.match(audit[0] ?? '', /^AUDIT_LOG_FILE: cannot open .*audit\.log \(E[A-Z]+\)$/)
  // A second writer of the same log is refused by its lock, in the words docs/audit.md uses.
  const lockedPath = join(dir, 'locked-audit.log')
  const holder = await openAuditFileLog({ path: lockedPath })
  const locked = await problemsOf(() =>
    createToolRuntime({ env: { AUDIT_LOG_FILE: lockedPath }, detector: createFakeDetector() }),
  )
  await holder.close()
  assert.match(locked[0] ?? '', /^AUDIT_LOG_FILE: cannot open .*locked-audit\.log \(locked\)$/)
  // A bad audit setting beside a good file names the variable, not "cannot open".
  const settings = await problemsOf(() =>
    createToolRuntime({
      env: {
        AUDIT_LOG_FILE: join(dir, 'settings-audit.log'),
        AUDIT_SYSLOG: 'syslog.example:514',
        AUDIT_KEY: 'short',
      },
      detector: createFakeDetector(),
    }),
  )
  assert.equal(settings, ['AUDIT_SYSLOG: expected udp://host:port or tcp://host:port'])
})

test('encrypt without a Fernet key is a configuration error', async () => {
  const policy = file('enc.json', JSON.stringify({ arguments: { default: 'encrypt' } }))
  const problems = await problemsOf(() =>
    createToolRuntime({ env: { SECURITY_POLICY_FILE: policy }, detector: createFakeDetector() }),
  )
  assert.equal(problems, [
    'SECURITY_POLICY_FILE: the policy encrypts (arguments.default) but no Fernet key is configured: set FERNET_KEY or FERNET_KEY_FILE',
  ])
})

test('SEC: allow for a secret type in results is refused once the detector is known', async () => {
  const policy = file(
    'sec.json',
    JSON.stringify({ results: { types: { aws_access_key_id: 'allow' } } }),
  )
  const problems = await problemsOf(() =>
    createToolRuntime({ env: { SECURITY_POLICY_FILE: policy }, detector: createFakeDetector() }),
  )
  assert.match(
    problems[0] ?? '',
    /results\.types\.aws_access_key_id: .*secrets are always at least masked/,
  )
})

test('startToolRuntime: the detector is loaded on demand; a type error surfaces from load()', async () => {
  const policy = file('typo.json', JSON.stringify({ arguments: { types: { emial: 'mask' } } }))
  const starting = await startToolRuntime({
    env: { SECURITY_POLICY_FILE: policy },
    detector: createFakeDetector(),
  })
  const problems = await problemsOf(() => starting.load())
  assert.match(problems[0] ?? '', /arguments\.types\.emial: unknown entity type/)
  // A guarded call fails instead of running without the policy.
  try {
    await starting.guard.begin({ tool: 't', arguments: {}, identity: ANONYMOUS })
    assert.unreachable('expected a rejection')
  } catch (error) {
    assert.instance(error, ConfigError)
  }
  await starting.close()
})

test.run()
