// Tests of JWT keys: the HS256 32-byte minimum (JW-7), ES256 generation, JWK import and JWKS.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { JwtKeyError } from './errors.ts'
import {
  generateEs256Key,
  generateHs256Secret,
  hs256Key,
  importEs256PrivateJwk,
  jwksOf,
} from './keys.ts'
import type { SigningKey } from './keys.ts'

type Es256Key = Extract<SigningKey, { alg: 'ES256' }>

test('JW-7: HS256 secrets shorter than 32 bytes are refused with a clear message', () => {
  for (const [secret, n] of [
    ['', 0],
    ['password', 8],
    ['x'.repeat(31), 31],
    [new Uint8Array(31), 31],
  ] as const) {
    try {
      hs256Key(secret)
      assert.unreachable(`accepted ${n} bytes`)
    } catch (error) {
      assert.instance(error, JwtKeyError)
      assert.is((error as JwtKeyError).code, 'ERR_JWT_KEY')
      assert.is(
        (error as Error).message,
        `JWT_SECRET must be at least 32 bytes (256 bits), got ${n}`,
      )
    }
  }
})

test('JW-7: a string secret counts as its UTF-8 bytes; bytes are copied', () => {
  // 11 three-byte characters = 33 bytes although only 11 characters.
  assert.is(hs256Key('가'.repeat(11)).alg, 'HS256')
  assert.throws(() => hs256Key('가'.repeat(10)), /got 30/)
  const raw = new Uint8Array(32).fill(7)
  const key = hs256Key(raw) as Extract<SigningKey, { alg: 'HS256' }>
  raw.fill(0)
  assert.is(key.secret[0], 7)
  assert.throws(
    () => hs256Key(42 as never),
    (e: unknown) => e instanceof JwtKeyError,
  )
})

test('generateHs256Secret: 32 random bytes as base64url (43 chars), usable as a secret', () => {
  const a = generateHs256Secret()
  const b = generateHs256Secret()
  assert.match(a, /^[A-Za-z0-9_-]{43}$/)
  assert.is(Buffer.from(a, 'base64url').length, 32)
  assert.is.not(a, b)
  assert.is((hs256Key(a) as { secret: Uint8Array }).secret.length, 43)
})

test('generateEs256Key: P-256 pair, kid = RFC 7638 thumbprint, JWKS holds public members only', async () => {
  const { key, privateJwk } = await generateEs256Key()
  const es = key as Es256Key
  assert.is(es.alg, 'ES256')
  // RFC 7638 §3.2: SHA-256 over {"crv","kty","x","y"} in lexicographic order, no whitespace.
  const canonical = `{"crv":"P-256","kty":"EC","x":"${privateJwk.x}","y":"${privateJwk.y}"}`
  const thumbprint = createHash('sha256').update(canonical).digest('base64url')
  assert.is(es.kid, thumbprint)
  assert.is(privateJwk.kid, thumbprint)
  assert.is(typeof privateJwk.d, 'string')
  assert.equal(jwksOf(key), {
    keys: [
      {
        kty: 'EC',
        crv: 'P-256',
        x: privateJwk.x,
        y: privateJwk.y,
        kid: thumbprint,
        alg: 'ES256',
        use: 'sig',
      },
    ],
  })
  assert.is(es.privateKey.type, 'private')
})

test('importEs256PrivateJwk round-trips the stored private JWK', async () => {
  const { key, privateJwk } = await generateEs256Key()
  const stored = JSON.parse(JSON.stringify(privateJwk))
  const imported = (await importEs256PrivateJwk(stored)) as Es256Key
  assert.is(imported.kid, (key as Es256Key).kid)
  assert.equal(imported.publicJwk, (key as Es256Key).publicJwk)
  // A kid in the file is ignored: the thumbprint wins.
  const renamed = (await importEs256PrivateJwk({ ...stored, kid: 'mine' })) as Es256Key
  assert.is(renamed.kid, (key as Es256Key).kid)
})

test('importEs256PrivateJwk refuses wrong kinds of key and mismatched halves', async () => {
  const { privateJwk } = await generateEs256Key()
  const { privateJwk: other } = await generateEs256Key()
  const refused = async (jwk: unknown, pattern: RegExp) => {
    try {
      await importEs256PrivateJwk(jwk as never)
      assert.unreachable('accepted')
    } catch (error) {
      assert.instance(error, JwtKeyError)
      assert.match((error as Error).message, pattern)
    }
  }
  await refused(null, /JWK object/)
  await refused({ ...privateJwk, crv: 'P-384' }, /P-256/)
  await refused({ kty: 'oct', k: 'AAAA' }, /P-256/)
  await refused({ ...privateJwk, alg: 'ES384' }, /one algorithm/)
  await refused({ ...privateJwk, use: 'enc' }, /use/)
  await refused({ ...privateJwk, d: undefined }, /missing "d"/)
  // Node's Web Crypto refuses the import; other runtimes are caught by the sign/verify probe.
  await refused({ ...privateJwk, d: other.d }, /could not be imported|does not belong/)
  await refused({ ...privateJwk, x: 'AAAA' }, /could not be imported/)
})

test('jwksOf(HS256) publishes nothing', () => {
  assert.equal(jwksOf(hs256Key('k'.repeat(32))), { keys: [] })
})

test.run()
