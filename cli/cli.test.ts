// The mcp-docker CLI end to end through its bundle (dist/cli.mjs): commands, outputs, exit codes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openAuditFileLog } from '../shared/node/audit/file-log.ts'
import { bundlePath } from '../test/support/bundle.ts'

const cli = await bundlePath('cli')
const dir = mkdtempSync(join(tmpdir(), 'mcp-cli-'))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(args: string[], input = '', env: Record<string, string> = {}): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], {
    input,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  })
  return { code: status, stdout, stderr }
}

const b64urlBytes = (s: string) => Buffer.from(s, 'base64url').length

const help = suite('cli: help and usage')

help('--help lists every command and the exit codes, exit 0', () => {
  const r = run(['--help'])
  assert.is(r.code, 0)
  for (const name of [
    'keys fernet',
    'keys jwt',
    'fernet encrypt',
    'fernet decrypt',
    'pii scan',
    'pii mask',
    'audit verify',
  ])
    assert.ok(r.stdout.includes(name), name)
  assert.match(r.stdout, /2 {2}usage error/)
})

help('no command prints help with exit 2; an unknown command exits 2', () => {
  assert.is(run([]).code, 2)
  const r = run(['keys', 'rsa'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /unknown command "keys rsa"/)
  assert.match(r.stderr, /keys fernet/)
})

help('a bad option prints the command usage, exit 2', () => {
  const r = run(['keys', 'jwt', '--alg', 'RS256'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /--alg must be HS256 or ES256/)
  assert.match(r.stderr, /Usage: mcp-docker keys jwt/)
  assert.is(run(['pii', 'scan', '--bogus']).code, 2)
})

help.run()

const keys = suite('cli: keys')

keys('keys fernet prints a fresh 32-byte padded base64url key', () => {
  const a = run(['keys', 'fernet']).stdout.trim()
  const b = run(['keys', 'fernet']).stdout.trim()
  assert.match(a, /^[A-Za-z0-9_-]{43}=$/)
  assert.is(b64urlBytes(a), 32)
  assert.is.not(a, b)
})

keys(
  'keys jwt prints a 256-bit secret; --alg ES256 --public a private JWK and its public JWKS',
  () => {
    assert.is(b64urlBytes(run(['keys', 'jwt']).stdout.trim()), 32)
    const [priv, pub] = run(['keys', 'jwt', '--alg', 'ES256', '--public']).stdout.trim().split('\n')
    const jwk = JSON.parse(priv!)
    const jwks = JSON.parse(pub!)
    assert.is(jwk.crv, 'P-256')
    assert.ok(jwk.d, 'private part present')
    assert.is(jwks.keys.length, 1)
    assert.is(jwks.keys[0].kid, jwk.kid)
    assert.not.ok('d' in jwks.keys[0], 'public JWKS has no private part')
  },
)

keys.run()

const fernet = suite('cli: fernet')
const key1 = run(['keys', 'fernet']).stdout.trim()
const key2 = run(['keys', 'fernet']).stdout.trim()

fernet('encrypt then decrypt round-trips bytes, including non-ASCII', () => {
  const token = run(['fernet', 'encrypt'], '안녕 hello ✓', { FERNET_KEY: key1 })
  assert.is(token.code, 0)
  assert.match(token.stdout, /^gAAAAA[A-Za-z0-9_-]+=*\n$/)
  const plain = run(['fernet', 'decrypt'], token.stdout, { FERNET_KEY: key1 })
  assert.is(plain.code, 0)
  assert.is(plain.stdout, '안녕 hello ✓')
})

fernet('rotation: a ring [new, old] from FERNET_KEY_FILE decrypts tokens of the old key', () => {
  const token = run(['fernet', 'encrypt'], 'rotate me', { FERNET_KEY: key1 }).stdout
  const file = join(dir, 'fernet.keys')
  writeFileSync(file, `# rotated\n${key2}\n${key1}\n`)
  const r = run(['fernet', 'decrypt', '--ttl', '60'], token, { FERNET_KEY_FILE: file })
  assert.is(r.code, 0)
  assert.is(r.stdout, 'rotate me')
})

fernet('a token under another key, or garbage, exits 1 with one generic message', () => {
  const token = run(['fernet', 'encrypt'], 'x', { FERNET_KEY: key1 }).stdout
  const wrong = run(['fernet', 'decrypt'], token, { FERNET_KEY: key2 })
  const garbage = run(['fernet', 'decrypt'], 'not-a-token', { FERNET_KEY: key2 })
  assert.is(wrong.code, 1)
  assert.is(garbage.code, 1)
  assert.is(wrong.stderr, garbage.stderr)
})

fernet('no key is a configuration error (exit 3); a bad key names no value', () => {
  const none = run(['fernet', 'encrypt'], 'x')
  assert.is(none.code, 3)
  assert.match(none.stderr, /set FERNET_KEY or FERNET_KEY_FILE/)
  const bad = run(['fernet', 'encrypt'], 'x', { FERNET_KEY: 'c2hvcnQta2V5' })
  assert.is(bad.code, 3)
  assert.not.match(bad.stderr, /c2hvcnQta2V5/)
  assert.is(run(['fernet', 'decrypt', '--ttl', 'soon'], 'x', { FERNET_KEY: key1 }).code, 2)
})

fernet.run()

const pii = suite('cli: pii')
const sample = '고객 김철수님 연락처 010-1234-5678, kim.minsu@example.com, 주민번호 960121-1021413'

pii('pii scan prints findings with offsets and masked previews, never raw values', () => {
  const r = run(['pii', 'scan'], sample)
  assert.is(r.code, 0)
  const out = JSON.parse(r.stdout)
  const types = out.findings.map((f: { type: string }) => f.type).sort()
  assert.equal(types, ['email', 'korean_name', 'phone', 'ssn'])
  assert.equal(out.counts, { email: 1, korean_name: 1, phone: 1, ssn: 1 })
  const phone = out.findings.find((f: { type: string }) => f.type === 'phone')
  assert.is(sample.slice(phone.start, phone.end), '010-1234-5678')
  for (const raw of ['010-1234-5678', 'kim.minsu@example.com', '960121-1021413', '김철수'])
    assert.not.ok(r.stdout.includes(raw), raw)
})

pii('pii scan --types limits the types; an unknown type is a usage error', () => {
  const out = JSON.parse(run(['pii', 'scan', '--types', 'email'], sample).stdout)
  assert.equal(out.counts, { email: 1 })
  assert.is(run(['pii', 'scan', '--types', 'emial'], sample).code, 2)
  assert.is(run(['pii', 'scan', '--min-score', '2'], sample).code, 2)
})

pii('pii mask masks (default) and redacts', () => {
  const masked = run(['pii', 'mask'], sample)
  assert.is(masked.code, 0)
  assert.is(
    masked.stdout,
    '고객 김**님 연락처 010-****-5678, kim***@example.com, 주민번호 960121-1******',
  )
  const redacted = run(['pii', 'mask', '--policy', 'redact'], sample).stdout
  assert.is(redacted, '고객 [KOREAN_NAME]님 연락처 [PHONE], [EMAIL], 주민번호 [SSN]')
})

pii('pii mask --policy encrypt replaces each value by a token that decrypts back', () => {
  const r = run(['pii', 'mask', '--policy', 'encrypt'], 'mail kim.minsu@example.com now', {
    FERNET_KEY: key1,
  })
  assert.is(r.code, 0)
  const token = /^mail (\S+) now$/.exec(r.stdout)?.[1]
  assert.ok(token, r.stdout)
  assert.is(
    run(['fernet', 'decrypt'], token!, { FERNET_KEY: key1 }).stdout,
    'kim.minsu@example.com',
  )
  assert.is(run(['pii', 'mask', '--policy', 'encrypt'], sample).code, 3, 'encrypt needs a key')
})

pii('pii mask --policy reject exits 1 naming types and counts, printing no text or values', () => {
  const r = run(['pii', 'mask', '--policy', 'reject'], sample)
  assert.is(r.code, 1)
  assert.is(r.stdout, '')
  assert.match(r.stderr, /email \(1\), korean_name \(1\), phone \(1\), ssn \(1\)/)
  assert.not.ok(r.stderr.includes('010-1234-5678'))
  const clean = run(['pii', 'mask', '--policy', 'reject'], 'nothing personal here')
  assert.is(clean.code, 0)
  assert.is(clean.stdout, 'nothing personal here')
})

/** Runs the CLI with `input` as raw bytes. */
function runBytes(args: string[], input: Uint8Array): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], {
    input,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  })
  return { code: status, stdout, stderr }
}
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16()
const RAW = ['010-1234-5678', 'kim.minsu@example.com', '960121-1021413', '김철수']

pii('invalid UTF-8 or UTF-16 input is a usage error, not a crash', () => {
  const utf8 = runBytes(['pii', 'scan'], Buffer.from([0x41, 0xc3, 0x28]))
  assert.is(utf8.code, 2)
  assert.match(utf8.stderr, /not valid UTF-8 text/)
  const utf16 = runBytes(['pii', 'scan'], Buffer.from([0xff, 0xfe, 0x41]))
  assert.is(utf16.code, 2)
  assert.match(utf16.stderr, /not valid UTF-16LE text/)
})

pii(
  'UTF-16 without a byte-order mark (or UTF-32) is refused with exit 2, naming what it saw and how to convert',
  () => {
    for (const input of [
      Buffer.from(sample, 'utf16le'),
      utf16be(sample),
      Buffer.from('mail kim.minsu@example.com', 'utf16le'),
    ]) {
      for (const command of [
        ['pii', 'scan'],
        ['pii', 'mask'],
      ]) {
        const r = runBytes(command, input)
        assert.is(r.code, 2, r.stdout)
        assert.is(r.stdout, '')
        assert.match(r.stderr, /NUL bytes: UTF-16 or UTF-32 text without a byte-order mark/)
        assert.match(r.stderr, /iconv -f UTF-16LE -t UTF-8/)
        for (const raw of RAW) assert.not.ok(r.stderr.includes(raw), raw)
      }
    }
    const utf32 = runBytes(['pii', 'scan'], Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))
    assert.is(utf32.code, 2)
    assert.match(utf32.stderr, /UTF-32 text, which is not read/)
  },
)

pii(
  'UTF-16LE/BE with a byte-order mark and UTF-8 with a BOM are scanned like UTF-8; offsets index the text',
  () => {
    const expected = JSON.parse(run(['pii', 'scan'], sample).stdout)
    assert.is(expected.findings.length, 4)
    const bom16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')])
    const bom16be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(sample)])
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)])
    for (const input of [bom16le, bom16be, bom8]) {
      const r = runBytes(['pii', 'scan'], input)
      assert.is(r.code, 0, r.stderr)
      assert.equal(JSON.parse(r.stdout), expected)
    }
    const masked = runBytes(['pii', 'mask', '--policy', 'redact'], bom16le)
    assert.is(masked.stdout, '고객 [KOREAN_NAME]님 연락처 [PHONE], [EMAIL], 주민번호 [SSN]')
  },
)

pii.run()

const audit = suite('cli: audit verify')

async function writeLog(name: string, events: number): Promise<string> {
  const path = join(dir, name)
  const log = await openAuditFileLog({ path })
  for (let i = 0; i < events; i++)
    await log.record({ event: 'tool_call', outcome: 'ok', tool: `t${i}` })
  await log.close()
  return path
}

audit('an intact log verifies: exit 0 with the record count and last hash', async () => {
  const path = await writeLog('intact.log', 5)
  const r = run(['audit', 'verify', path])
  assert.is(r.code, 0)
  assert.match(r.stdout, /^OK 5 record\(s\) in 1 file\(s\)/)
  assert.match(r.stdout, /last hash [0-9a-f]{64} \(seq \d+\)/)
})

audit('an edited line is reported by file and line, exit 1', async () => {
  const path = await writeLog('edited.log', 5)
  const lines = readFileSync(path, 'utf8').split('\n')
  lines[2] = lines[2]!.replace('"t2"', '"t9"')
  writeFileSync(path, lines.join('\n'))
  const r = run(['audit', 'verify', path])
  assert.is(r.code, 1)
  assert.ok(r.stdout.startsWith(`BROKEN ${path}:3: hash_mismatch`), r.stdout)
})

audit('a missing file exits 1; a malformed --anchor is a usage error', () => {
  assert.is(run(['audit', 'verify', join(dir, 'missing.log')]).code, 1)
  assert.is(run(['audit', 'verify', join(dir, 'intact.log'), '--anchor', 'abc']).code, 2)
  assert.is(run(['audit', 'verify']).code, 2)
})

audit.run()
