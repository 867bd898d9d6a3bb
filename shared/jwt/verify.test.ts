// Tests of the access token verifier: RFC 9068 §4 and RFC 8725 rules (JW-1…JW-10), with tokens
// crafted by hand through node:crypto so they do not depend on the code under test.
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AccessTokenError, JwtConfigError, JwtKeyError } from './errors.ts'
import { createAccessTokenIssuer } from './issue.ts'
import { generateEs256Key, hs256Key, jwksOf } from './keys.ts'
import type { SigningKey } from './keys.ts'
import { createAccessTokenVerifier } from './verify.ts'
import type { VerifyOptions } from './verify.ts'

const SECRET = 'test-secret-0123456789abcdefghijklmnop' // 38 bytes
const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'https://gateway.example.test/mcp'
const NOW_MS = 1_800_000_000_000
const NOW = NOW_MS / 1000
const clock = () => NOW_MS

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Claims of a valid token at NOW, overridable field by field (`undefined` deletes). */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'client-a',
    aud: AUDIENCE,
    exp: NOW + 600,
    iat: NOW - 10,
    jti: 'aBcDeFgHiJkLmNoPqRsTuV',
    client_id: 'client-a',
    scope: 'tools:call tools:list',
  }
  for (const [k, v] of Object.entries(overrides))
    if (v === undefined) delete base[k]
    else base[k] = v
  return base
}

/** Signs header.payload with HMAC (sha256 for HS256, sha512 for HS512) using node:crypto. */
function hmacToken(
  header: Record<string, unknown>,
  payload: unknown,
  secret = SECRET,
  hash = 'sha256',
): string {
  const input = `${b64(header)}.${typeof payload === 'string' ? payload : b64(payload)}`
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`
}

const hs = (payload: unknown = claims(), header: Record<string, unknown> = {}) =>
  hmacToken({ alg: 'HS256', typ: 'at+jwt', ...header }, payload)

const verifier = (over: Partial<VerifyOptions> = {}) =>
  createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    key: hs256Key(SECRET),
    clock,
    ...over,
  })

/** Asserts a rejection with `code` (and `claim`) whose message carries no part of the token. */
async function rejects(
  verify: (t: string) => Promise<unknown>,
  token: string,
  code: string,
  claim?: string,
) {
  let error: unknown
  try {
    await verify(token)
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof AccessTokenError, `expected AccessTokenError, got ${String(error)}`)
  assert.is(error.code, code, error.message)
  if (claim !== undefined) assert.is(error.claim, claim)
  // RS-4 / LOG: the message never contains the token or any of its parts.
  const text = `${error.message} ${String(error)}`
  if (typeof token === 'string' && token.length >= 8) {
    assert.not.ok(text.includes(token), 'message contains the token')
    for (const part of token.split('.'))
      if (part.length >= 8) assert.not.ok(text.includes(part), 'message contains a token part')
  }
  return error
}

test('HS256 round trip: issuer → verifier returns the claims (JW-1, JW-2)', async () => {
  const issuer = createAccessTokenIssuer({ issuer: ISSUER, key: hs256Key(SECRET), clock })
  const { token, claims: issued } = await issuer.issue({
    clientId: 'client-a',
    audience: AUDIENCE,
    scope: ['tools:call'],
  })
  const verified = await verifier().verify(token)
  assert.equal(verified, issued)
  // The verifier also accepts the secret as bytes or as a plain { alg, secret } object.
  const bytes = new TextEncoder().encode(SECRET)
  assert.equal(await verifier({ key: { alg: 'HS256', secret: bytes } }).verify(token), issued)
  assert.equal(await verifier({ key: { alg: 'HS256', secret: SECRET } }).verify(token), issued)
})

test('a hand-made HS256 token with every required claim verifies (independent signer)', async () => {
  const verified = await verifier().verify(hs())
  assert.equal(verified, claims())
})

test('JW-4: typ "application/at+jwt" is accepted, "JWT" and a missing typ are rejected', async () => {
  const v = verifier()
  assert.is((await v.verify(hs(claims(), { typ: 'application/at+jwt' }))).sub, 'client-a')
  await rejects(v.verify, hs(claims(), { typ: 'JWT' }), 'ERR_JWT_HEADER_INVALID', 'typ')
  await rejects(v.verify, hs(claims(), { typ: 'jwt' }), 'ERR_JWT_HEADER_INVALID', 'typ')
  await rejects(v.verify, hs(claims(), { typ: undefined }), 'ERR_JWT_HEADER_INVALID', 'typ')
})

test('JW-4: iss must equal the issuer exactly', async () => {
  const v = verifier()
  await rejects(
    v.verify,
    hs(claims({ iss: 'https://evil.example.test' })),
    'ERR_JWT_CLAIM_INVALID',
    'iss',
  )
  await rejects(v.verify, hs(claims({ iss: `${ISSUER}/` })), 'ERR_JWT_CLAIM_INVALID', 'iss')
  await rejects(v.verify, hs(claims({ iss: ISSUER.toUpperCase() })), 'ERR_JWT_CLAIM_INVALID', 'iss')
})

test('JW-4/JW-8: aud must contain this resource server (no trailing slash, not absent)', async () => {
  const v = verifier()
  await rejects(
    v.verify,
    hs(claims({ aud: 'https://other.example.test/mcp' })),
    'ERR_JWT_CLAIM_INVALID',
    'aud',
  )
  await rejects(v.verify, hs(claims({ aud: `${AUDIENCE}/` })), 'ERR_JWT_CLAIM_INVALID', 'aud')
  await rejects(v.verify, hs(claims({ aud: undefined })), 'ERR_JWT_CLAIM_INVALID', 'aud')
  await rejects(v.verify, hs(claims({ aud: [] })), 'ERR_JWT_CLAIM_INVALID', 'aud')
  await rejects(v.verify, hs(claims({ aud: ['https://x.test'] })), 'ERR_JWT_CLAIM_INVALID', 'aud')
  await rejects(v.verify, hs(claims({ aud: [AUDIENCE, 7] })), 'ERR_JWT_CLAIM_INVALID', 'aud')
  const both = await v.verify(hs(claims({ aud: ['https://x.test', AUDIENCE] })))
  assert.equal(both.aud, ['https://x.test', AUDIENCE])
})

test('JW-4: with several audiences, aud must name at least one of them', async () => {
  const v = verifier({ audience: [AUDIENCE, 'https://api.example.test/mcp'] })
  assert.is((await v.verify(hs(claims()))).aud, AUDIENCE)
  const other = await v.verify(hs(claims({ aud: 'https://api.example.test/mcp' })))
  assert.is(other.aud, 'https://api.example.test/mcp')
  await rejects(v.verify, hs(claims({ aud: 'https://x.test' })), 'ERR_JWT_CLAIM_INVALID', 'aud')
  await rejects(v.verify, hs(claims({ aud: [`${AUDIENCE}/`] })), 'ERR_JWT_CLAIM_INVALID', 'aud')
})

test('JW-1/JW-6: alg none, RS256, HS512 and HS384 are rejected', async () => {
  const v = verifier()
  const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`
  await rejects(v.verify, none, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  const noneUpper = `${b64({ alg: 'NONE', typ: 'at+jwt' })}.${b64(claims())}.`
  await rejects(v.verify, noneUpper, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  const hs512 = hmacToken({ alg: 'HS512', typ: 'at+jwt' }, claims(), SECRET, 'sha512')
  await rejects(v.verify, hs512, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  const hs384 = hmacToken({ alg: 'HS384', typ: 'at+jwt' }, claims(), SECRET, 'sha384')
  await rejects(v.verify, hs384, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64(claims())}`
  const rs256 = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey, 'base64url')}`
  await rejects(v.verify, rs256, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  const missing = hmacToken({ typ: 'at+jwt' }, claims())
  await rejects(v.verify, missing, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  const junk = hmacToken({ alg: 'x'.repeat(500), typ: 'at+jwt' }, claims())
  const error = await rejects(v.verify, junk, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  assert.not.ok(error.message.includes('xxxx'), 'an odd alg value is not echoed')
})

test('JW-6: an ES256 verifier refuses HS256 tokens keyed with its public JWK (alg confusion)', async () => {
  const { key } = await generateEs256Key()
  const v = verifier({ key: { jwks: jwksOf(key) } })
  const forged = hmacToken({ alg: 'HS256', typ: 'at+jwt' }, claims(), JSON.stringify(jwksOf(key)))
  await rejects(v.verify, forged, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
  await rejects(verifier({ key }).verify, forged, 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
})

test('JW-9: exp with 30 s default tolerance: accepted up to exp+29 s, rejected from exp+30 s', async () => {
  const token = hs(claims({ exp: NOW }))
  const at = (ms: number) => verifier({ clock: () => ms })
  assert.is((await at(NOW_MS + 29_999).verify(token)).exp, NOW)
  await rejects(at(NOW_MS + 30_000).verify, token, 'ERR_JWT_EXPIRED', 'exp')
  await rejects(at(NOW_MS + 3_600_000).verify, token, 'ERR_JWT_EXPIRED', 'exp')
  // Tolerance 0: expired at exp itself (RFC 7519 §4.1.4 "on or after").
  const strict = (ms: number) => verifier({ clock: () => ms, clockToleranceSeconds: 0 })
  assert.ok(await strict(NOW_MS - 1000).verify(token))
  await rejects(strict(NOW_MS).verify, token, 'ERR_JWT_EXPIRED', 'exp')
})

test('JW-9: configurable tolerance (120 s) and issued tokens expire after their TTL', async () => {
  const issuer = createAccessTokenIssuer({
    issuer: ISSUER,
    key: hs256Key(SECRET),
    clock,
    ttlSeconds: 60,
  })
  const { token } = await issuer.issue({ clientId: 'client-a', audience: AUDIENCE })
  const at = (ms: number) => verifier({ clock: () => ms, clockToleranceSeconds: 120 })
  assert.ok(await at(NOW_MS + 179_000).verify(token))
  await rejects(at(NOW_MS + 180_000).verify, token, 'ERR_JWT_EXPIRED', 'exp')
})

test('JW-9: nbf in the future beyond tolerance is rejected; within tolerance accepted', async () => {
  const v = verifier()
  await rejects(v.verify, hs(claims({ nbf: NOW + 31 })), 'ERR_JWT_CLAIM_INVALID', 'nbf')
  assert.ok(await v.verify(hs(claims({ nbf: NOW + 30 }))))
  assert.ok(await v.verify(hs(claims({ nbf: NOW - 100 }))))
  await rejects(v.verify, hs(claims({ nbf: 'soon' })), 'ERR_JWT_CLAIM_INVALID', 'nbf')
})

test('iat further in the future than the tolerance is rejected', async () => {
  const v = verifier()
  await rejects(v.verify, hs(claims({ iat: NOW + 31 })), 'ERR_JWT_CLAIM_INVALID', 'iat')
  assert.ok(await v.verify(hs(claims({ iat: NOW + 30 }))))
})

test('JW-2: each required claim missing is rejected and named', async () => {
  const v = verifier()
  for (const name of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id']) {
    const error = await rejects(
      v.verify,
      hs(claims({ [name]: undefined })),
      'ERR_JWT_CLAIM_INVALID',
      name,
    )
    assert.ok(error.message.includes(`"${name}"`), error.message)
  }
  // scope is optional.
  assert.ok(await v.verify(hs(claims({ scope: undefined }))))
})

test('claims of the wrong type are rejected', async () => {
  const v = verifier()
  await rejects(v.verify, hs(claims({ sub: 42 })), 'ERR_JWT_CLAIM_INVALID', 'sub')
  await rejects(v.verify, hs(claims({ client_id: '' })), 'ERR_JWT_CLAIM_INVALID', 'client_id')
  await rejects(v.verify, hs(claims({ jti: ['a'] })), 'ERR_JWT_CLAIM_INVALID', 'jti')
  await rejects(v.verify, hs(claims({ exp: String(NOW + 600) })), 'ERR_JWT_CLAIM_INVALID', 'exp')
  await rejects(v.verify, hs(claims({ iat: 'yesterday' })), 'ERR_JWT_CLAIM_INVALID', 'iat')
  await rejects(v.verify, hs(claims({ scope: ['a', 'b'] })), 'ERR_JWT_CLAIM_INVALID', 'scope')
  await rejects(v.verify, hs(claims({ scope: 'a "b"' })), 'ERR_JWT_CLAIM_INVALID', 'scope')
})

test('JW-4: tampered signature, payload or header, and a wrong secret are rejected', async () => {
  const v = verifier()
  const token = hs()
  const [h, p, s] = token.split('.') as [string, string, string]
  const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`
  await rejects(v.verify, `${h}.${p}.${flipped}`, 'ERR_JWT_SIGNATURE_INVALID')
  await rejects(v.verify, `${h}.${p}.`, 'ERR_JWT_SIGNATURE_INVALID')
  await rejects(
    v.verify,
    `${h}.${b64(claims({ scope: 'admin' }))}.${s}`,
    'ERR_JWT_SIGNATURE_INVALID',
  )
  await rejects(
    v.verify,
    `${b64({ alg: 'HS256', typ: 'application/at+jwt' })}.${p}.${s}`,
    'ERR_JWT_SIGNATURE_INVALID',
  )
  const other = hmacToken({ alg: 'HS256', typ: 'at+jwt' }, claims(), `${SECRET}-other`)
  await rejects(v.verify, other, 'ERR_JWT_SIGNATURE_INVALID')
})

test('malformed input is ERR_JWT_MALFORMED', async () => {
  const v = verifier()
  const good = hs()
  const [h, p, s] = good.split('.') as [string, string, string]
  for (const bad of [
    '',
    'abc',
    `${h}.${p}`,
    `${h}.${p}.${s}.x.y`,
    `${h}..${s}`,
    `Bearer ${good}`,
    `${h}.${p}.${s}=`,
    `${Buffer.from('not json').toString('base64url')}.${p}.${s}`,
    `${b64([1, 2])}.${p}.${s}`,
    hs('bm90IGpzb24'), // payload "not json"
    hs(b64([1, 2])),
    'a'.repeat(20000) + '.b.c',
  ])
    await rejects(v.verify, bad, 'ERR_JWT_MALFORMED')
  await rejects(v.verify, undefined as unknown as string, 'ERR_JWT_MALFORMED')
  // An unknown critical header parameter (RFC 7515 §4.1.11) is not understood: refuse.
  await rejects(v.verify, hs(claims(), { crit: ['exp-v2'], 'exp-v2': 1 }), 'ERR_JWT_MALFORMED')
})

test('JW-8: jku, x5u, jwk and x5c headers are refused and never fetched', async () => {
  let fetched = 0
  const server = createServer((_req, res) => {
    fetched++
    res.end('{}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`
  try {
    const { key } = await generateEs256Key()
    const v = verifier()
    const e = verifier({ key: { jwks: jwksOf(key) } })
    await rejects(v.verify, hs(claims(), { jku: url }), 'ERR_JWT_HEADER_INVALID', 'jku')
    await rejects(v.verify, hs(claims(), { x5u: url }), 'ERR_JWT_HEADER_INVALID', 'x5u')
    await rejects(
      v.verify,
      hs(claims(), { jwk: { kty: 'oct', k: 'AAAA' } }),
      'ERR_JWT_HEADER_INVALID',
      'jwk',
    )
    await rejects(v.verify, hs(claims(), { x5c: ['MIIB'] }), 'ERR_JWT_HEADER_INVALID', 'x5c')
    const es = hmacToken({ alg: 'ES256', typ: 'at+jwt', jku: url }, claims())
    await rejects(e.verify, es, 'ERR_JWT_HEADER_INVALID', 'jku')
    assert.is(fetched, 0)
  } finally {
    server.close()
  }
})

test('JW-8: kid cannot steer key selection', async () => {
  // HS256 tokens carry no kid; one that does is not for our key.
  await rejects(
    verifier().verify,
    hs(claims(), { kid: '../../etc/passwd' }),
    'ERR_JWT_KEY_NOT_FOUND',
    'kid',
  )
  await rejects(verifier().verify, hs(claims(), { kid: 42 }), 'ERR_JWT_HEADER_INVALID', 'kid')
  // ES256 with a local key: the kid must be that key's thumbprint.
  const a = await generateEs256Key()
  const b = await generateEs256Key()
  const issueWith = (key: SigningKey) =>
    createAccessTokenIssuer({ issuer: ISSUER, key, clock }).issue({
      clientId: 'c',
      audience: AUDIENCE,
    })
  const byB = (await issueWith(b.key)).token
  await rejects(verifier({ key: a.key }).verify, byB, 'ERR_JWT_KEY_NOT_FOUND', 'kid')
  // A JWKS picks by kid among its own keys only: b's kid is unknown to a JWKS holding only a.
  await rejects(
    verifier({ key: { jwks: jwksOf(a.key) } }).verify,
    byB,
    'ERR_JWT_KEY_NOT_FOUND',
    'kid',
  )
  // …and finds the right one in a JWKS holding both.
  const both = { keys: [...jwksOf(a.key).keys, ...jwksOf(b.key).keys] }
  assert.is((await verifier({ key: { jwks: both } }).verify(byB)).sub, 'c')
})

test('ES256 round trip with the signing key, a local JWKS, and the JWKS as JSON text', async () => {
  const { key, privateJwk } = await generateEs256Key()
  const issuer = createAccessTokenIssuer({ issuer: ISSUER, key, clock })
  const { token, claims: issued } = await issuer.issue({
    clientId: 'client-es',
    audience: AUDIENCE,
    scope: 'tools:list',
  })
  assert.equal(await verifier({ key }).verify(token), issued)
  assert.equal(await verifier({ key: { jwks: jwksOf(key) } }).verify(token), issued)
  const published = JSON.parse(JSON.stringify(jwksOf(key)))
  assert.equal(await verifier({ key: { jwks: published } }).verify(token), issued)
  assert.not.ok(JSON.stringify(published).includes(String(privateJwk.d)))
  // A tampered ES256 signature fails.
  const [h, p, s] = token.split('.') as [string, string, string]
  const bad = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`
  await rejects(verifier({ key }).verify, bad, 'ERR_JWT_SIGNATURE_INVALID')
})

test('ES256 via jwksUrl: fetched from a local server, cached, failures are ERR_JWT_KEY_UNAVAILABLE', async () => {
  const { key } = await generateEs256Key()
  let requests = 0
  let status = 200
  const server = createServer((req, res) => {
    requests++
    res.statusCode = status
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(jwksOf(key)))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const issuer = createAccessTokenIssuer({ issuer: ISSUER, key, clock })
    const { token, claims: issued } = await issuer.issue({ clientId: 'c', audience: AUDIENCE })
    const v = verifier({ key: { jwksUrl: `${base}/jwks` } })
    assert.equal(await v.verify(token), issued)
    assert.equal(await v.verify(token), issued)
    assert.is(requests, 1, 'JWKS is cached between verifications')
    status = 500
    const down = verifier({ key: { jwksUrl: new URL('/jwks', base) } })
    await rejects(down.verify, token, 'ERR_JWT_KEY_UNAVAILABLE')
    // An HS256 token never reaches the remote JWKS.
    const before = requests
    await rejects(v.verify, hs(), 'ERR_JWT_ALG_NOT_ALLOWED', 'alg')
    assert.is(requests, before)
  } finally {
    server.close()
  }
})

test('construction refuses weak or unusable keys and bad options (JW-7)', () => {
  const throwsCode = (fn: () => unknown, type: Function, pattern: RegExp) => {
    try {
      fn()
    } catch (error) {
      assert.instance(error, type)
      assert.match((error as Error).message, pattern)
      return
    }
    assert.unreachable('expected a throw')
  }
  throwsCode(() => verifier({ key: { alg: 'HS256', secret: 'short' } }), JwtKeyError, /got 5$/)
  throwsCode(
    () => verifier({ key: { alg: 'HS256', secret: new Uint8Array(31) } }),
    JwtKeyError,
    /32 bytes/,
  )
  throwsCode(() => verifier({ issuer: '' }), JwtConfigError, /issuer/)
  throwsCode(() => verifier({ audience: '' }), JwtConfigError, /audience/)
  throwsCode(() => verifier({ audience: [] }), JwtConfigError, /audience/)
  throwsCode(() => verifier({ audience: ['https://a.test', ''] }), JwtConfigError, /audience/)
  throwsCode(() => verifier({ clockToleranceSeconds: -1 }), JwtConfigError, /clockTolerance/)
  throwsCode(() => verifier({ clockToleranceSeconds: 301 }), JwtConfigError, /clockTolerance/)
  throwsCode(() => verifier({ clockToleranceSeconds: NaN }), JwtConfigError, /clockTolerance/)
  throwsCode(
    () => verifier({ key: { jwksUrl: 'http://auth.example.test/jwks' } }),
    JwtConfigError,
    /https/,
  )
  throwsCode(() => verifier({ key: { jwksUrl: 'not a url' } }), JwtConfigError, /absolute URL/)
  const privateInJwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] }
  throwsCode(
    () => verifier({ key: { jwks: privateInJwks } as never }),
    JwtKeyError,
    /public keys only/,
  )
  const rsaOnly = { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', alg: 'RS256' }] }
  throwsCode(() => verifier({ key: { jwks: rsaOnly } as never }), JwtKeyError, /no ES256/)
  throwsCode(() => verifier({ key: { jwks: {} } as never }), JwtKeyError, /"keys" array/)
  // Allowed: http on loopback, or anywhere when explicitly allowed (private Docker network).
  verifier({ key: { jwksUrl: 'http://localhost:8081/jwks' } })
  verifier({ key: { jwksUrl: 'http://oauth2:8081/jwks' }, allowInsecureJwksUrl: true })
})

test('RS-4: every failure is an AccessTokenError whose message has no token text', async () => {
  const v = verifier()
  const secretish = hs(claims({ sub: 'SENSITIVE-SUBJECT', iss: 'https://evil.test' }))
  const error = await rejects(v.verify, secretish, 'ERR_JWT_CLAIM_INVALID', 'iss')
  assert.not.ok(error.message.includes('SENSITIVE'), 'claim values stay out of the message')
  assert.not.ok(error.message.includes('evil'), 'claim values stay out of the message')
  assert.is(error.name, 'AccessTokenError')
})

test.run()
