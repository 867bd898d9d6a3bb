// The Docker helper scripts on their own: init-secrets.sh (first run, never overwrites, modes that
// uid 65532 can read) and base-image.sh (skips its own stand-in, refuses any other image).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bundlePath } from '../support/bundle.ts'
import { docker, ensureBaseImage, ensureEngine, run } from '../support/docker/engine.ts'

const CONTAINER_FILES = [
  'fernet_keys',
  'gateway_client_secret',
  'jwt_private_key.json',
  'oauth2_clients.json',
]
/** Each audit log writer's secret keys (owner 65532, 0600 as root) and public key (0644). */
const AUDIT_WRITERS = ['gateway', 'oauth2']
const AUDIT_KEYS = AUDIT_WRITERS.flatMap((w) => [`${w}_audit_key`, `${w}_audit_signing_key.jwk`])
const AUDIT_PUBLIC = AUDIT_WRITERS.map((w) => `${w}_audit_signing_key.pub.jwk`)

const secrets = suite('init-secrets.sh')

secrets(
  'creates every secret once with modes uid/gid 65532 can read, and never overwrites',
  async () => {
    await bundlePath('cli')
    const dir = join(mkdtempSync(join(tmpdir(), 'mcp-init-secrets-')), 'secrets')
    try {
      const env = { GATEWAY_PUBLIC_URL: 'http://localhost:18080' }
      const first = await run('bash', ['scripts/init-secrets.sh', dir], { env })
      assert.equal(
        readdirSync(dir).sort(),
        ['agent_client_secret', ...CONTAINER_FILES, ...AUDIT_KEYS, ...AUDIT_PUBLIC].sort(),
      )
      assert.is(statSync(dir).mode & 0o777, 0o700, 'folder 0700')
      const asRoot = process.getuid?.() === 0
      for (const name of CONTAINER_FILES) {
        const st = statSync(join(dir, name))
        if (asRoot) {
          assert.is(st.mode & 0o777, 0o640, `${name} 0640`)
          assert.is(st.gid, 65532, `${name} group 65532`)
        } else assert.is(st.mode & 0o777, 0o644, `${name} 0644 in the 0700 folder`)
      }
      assert.is(statSync(join(dir, 'agent_client_secret')).mode & 0o777, 0o600)
      for (const name of AUDIT_KEYS) {
        const st = statSync(join(dir, name))
        if (asRoot) {
          assert.is(st.mode & 0o777, 0o600, `${name} 0600`)
          assert.equal([st.uid, st.gid], [65532, 65532], `${name} owned by 65532`)
        } else assert.is(st.mode & 0o777, 0o644, `${name} 0644 in the 0700 folder`)
      }
      for (const w of AUDIT_WRITERS) {
        // The HMAC key: 32 random bytes as hex, a key of its own per writer, never printed.
        const key = readFileSync(join(dir, `${w}_audit_key`), 'utf8').trim()
        assert.match(key, /^[0-9a-f]{64}$/)
        assert.not.ok(first.stdout.includes(key) || first.stderr.includes(key), 'not printed')
        const signing = JSON.parse(readFileSync(join(dir, `${w}_audit_signing_key.jwk`), 'utf8'))
        const pub = JSON.parse(readFileSync(join(dir, `${w}_audit_signing_key.pub.jwk`), 'utf8'))
        assert.equal([signing.kty, signing.crv, typeof signing.d], ['EC', 'P-256', 'string'])
        assert.not.ok(first.stderr.includes(signing.d) || first.stdout.includes(signing.d))
        const { d: _d, ...publicHalf } = signing
        assert.equal(pub, publicHalf, 'its public half')
        assert.is(statSync(join(dir, `${w}_audit_signing_key.pub.jwk`)).mode & 0o777, 0o644)
      }
      assert.is.not(
        readFileSync(join(dir, 'gateway_audit_key'), 'utf8'),
        readFileSync(join(dir, 'oauth2_audit_key'), 'utf8'),
      )
      // ES256 (JW-5): a private P-256 JWK for the OAuth2 server; the gateway gets no key file.
      const jwk = JSON.parse(readFileSync(join(dir, 'jwt_private_key.json'), 'utf8'))
      assert.is(jwk.kty, 'EC')
      assert.is(jwk.crv, 'P-256')
      assert.ok(typeof jwk.d === 'string' && jwk.d.length === 43, 'a private key (d, 32 bytes)')
      const registry = JSON.parse(readFileSync(join(dir, 'oauth2_clients.json'), 'utf8'))
      assert.equal(
        registry.clients.map((c: { client_id: string; audiences: string[] }) => [
          c.client_id,
          c.audiences,
        ]),
        // Both may get tokens for the gateway's resource; the gateway's registration for it is
        // what makes introspection answer active: true for its callers' tokens (IN-6).
        [
          ['mcp-gateway', ['http://localhost:18080/mcp']],
          ['mcp-agent', ['http://localhost:18080/mcp']],
        ],
      )
      const text = JSON.stringify(registry)
      for (const name of ['gateway_client_secret', 'agent_client_secret']) {
        const secret = readFileSync(join(dir, name), 'utf8').trim()
        assert.ok(secret.length >= 32, `${name} is a generated secret`)
        assert.not.ok(text.includes(secret), `${name} is stored as a hash only`)
      }

      const before = Object.fromEntries(
        readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]),
      )
      await run('bash', ['scripts/init-secrets.sh', dir], { env })
      for (const [name, content] of Object.entries(before)) {
        assert.is(readFileSync(join(dir, name), 'utf8'), content, `${name} kept`)
      }

      // A registered client whose secret file is lost cannot be recovered: refuse, say what to do.
      rmSync(join(dir, 'agent_client_secret'))
      const lost = await run('bash', ['scripts/init-secrets.sh', dir], { env, allowFail: true })
      assert.is(lost.code, 1)
      assert.match(lost.stderr, /"mcp-agent" is registered .* clients remove mcp-agent/)
      assert.is(
        readFileSync(join(dir, 'oauth2_clients.json'), 'utf8'),
        before['oauth2_clients.json'],
      )
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true })
    }
  },
)

secrets.run()

const base = suite('base-image.sh')

base('skips its own stand-in and refuses to overwrite any other image under the tag', async () => {
  await ensureEngine()
  await ensureBaseImage()
  const present = await run('bash', ['scripts/base-image.sh'])
  assert.match(present.stderr, /offline stand-in already present/)

  const tag = `mcp-test-foreign-base:${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), 'mcp-foreign-'))
  try {
    writeFileSync(join(dir, 'marker'), 'an image this script did not make\n')
    await run('tar', ['-C', dir, '-cf', join(dir, 'image.tar'), 'marker'])
    await docker(['import', join(dir, 'image.tar'), tag])
    const id = (await docker(['image', 'inspect', '-f', '{{.Id}}', tag])).stdout
    const refused = await run('bash', ['scripts/base-image.sh', '--force'], {
      env: { MCP_BASE_IMAGE: tag },
      allowFail: true,
    })
    assert.is(refused.code, 1)
    assert.match(refused.stderr, /is not an offline stand-in .* refusing to overwrite it/)
    const after = await docker(['image', 'inspect', '-f', '{{.Id}}', tag])
    assert.is(after.stdout, id, 'the foreign image is untouched')
  } finally {
    await docker(['image', 'rm', '-f', tag], { allowFail: true })
    rmSync(dir, { recursive: true, force: true })
  }
})

base(
  'the stand-in: node at /nodejs/bin/node as 65532, CA certificates, passwd entries, /tmp 1777',
  async () => {
    await ensureEngine()
    await ensureBaseImage()
    const { stdout } = await docker([
      'run',
      '--rm',
      '--network',
      'none',
      'gcr.io/distroless/nodejs24-debian12:nonroot',
      '-e',
      `const fs = require('fs'); console.log(JSON.stringify({
       major: Number(process.versions.node.split('.')[0]), uid: process.getuid(), cwd: process.cwd(),
       certs: fs.statSync('/etc/ssl/certs/ca-certificates.crt').size > 1000,
       nonroot: fs.readFileSync('/etc/passwd', 'utf8').includes('nonroot:x:65532:65532:'),
       tmp: (fs.statSync('/tmp').mode & 0o7777).toString(8),
       home: fs.statSync('/home/nonroot').uid }))`,
    ])
    assert.equal(JSON.parse(stdout), {
      major: 24,
      uid: 65532,
      cwd: '/home/nonroot',
      certs: true,
      nonroot: true,
      tmp: '1777',
      home: 65532,
    })
  },
)

base.run()
