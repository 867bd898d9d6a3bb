// Tests of access token issuance: RFC 9068 §2 header and claims, jti randomness, reserved claims.
import { createHmac } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { JwtConfigError, JwtIssueError, JwtKeyError } from './errors.ts'
import { createAccessTokenIssuer } from './issue.ts'
import { generateEs256Key, hs256Key } from './keys.ts'
import type { SigningKey } from './keys.ts'

const SECRET = 'issue-test-secret-0123456789abcdefghij'
const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'https://gateway.example.test/mcp'
const NOW_MS = 1_800_000_123_456

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
const parts = (token: string) => token.split('.') as [string, string, string]
const issuer = (over: Partial<Parameters<typeof createAccessTokenIssuer>[0]> = {}) =>
  createAccessTokenIssuer({ issuer: ISSUER, key: hs256Key(SECRET), clock: () => NOW_MS, ...over })

test('JW-1/JW-2: HS256 token header and claims follow RFC 9068 §2', async () => {
  const { token, claims, expiresIn } = await issuer().issue({
    clientId: 'client-a',
    audience: AUDIENCE,
    scope: ['tools:call', 'tools:list'],
  })
  const [h, p, s] = parts(token)
  assert.equal(decode(h), { alg: 'HS256', typ: 'at+jwt' })
  const iat = Math.floor(NOW_MS / 1000)
  const payload = decode(p)
  assert.equal(payload, claims)
  assert.equal(Object.keys(payload).sort(), [
    'aud',
    'client_id',
    'exp',
    'iat',
    'iss',
    'jti',
    'scope',
    'sub',
  ])
  assert.is(payload.iss, ISSUER)
  assert.is(payload.sub, 'client-a')
  assert.is(payload.client_id, 'client-a')
  assert.is(payload.aud, AUDIENCE)
  assert.is(payload.scope, 'tools:call tools:list')
  assert.is(payload.iat, iat)
  assert.is(payload.exp, iat + 1800)
  assert.is(expiresIn, 1800)
  // Signed with HMAC-SHA-256 over header.payload with the configured secret (checked with node:crypto).
  assert.is(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'), s)
})

test('ES256 token header carries kid = the key thumbprint', async () => {
  const { key } = await generateEs256Key()
  const { token } = await issuer({ key }).issue({ clientId: 'c', audience: AUDIENCE })
  assert.equal(decode(parts(token)[0]), {
    alg: 'ES256',
    typ: 'at+jwt',
    kid: (key as Extract<SigningKey, { alg: 'ES256' }>).kid,
  })
  assert.is(
    Buffer.from(parts(token)[2], 'base64url').length,
    64,
    'raw r||s signature (RFC 7518 §3.4)',
  )
})

test('JW-2: scope is space-separated, de-duplicated, and omitted when empty', async () => {
  const i = issuer()
  const of = async (scope?: string[] | string) =>
    (
      await i.issue({
        clientId: 'c',
        audience: AUDIENCE,
        ...(scope === undefined ? {} : { scope }),
      })
    ).claims
  assert.is((await of('a  b a')).scope, 'a b')
  assert.is((await of(['x', 'y', 'x'])).scope, 'x y')
  for (const empty of [undefined, '', '   ', []]) assert.not.ok('scope' in (await of(empty)))
})

test('scope tokens outside RFC 6749 §3.3 syntax are refused', async () => {
  const i = issuer()
  for (const scope of [['a b'], ['quote"'], ['back\\slash'], ['tab\t'], ['é'], [''], [7 as never]])
    try {
      await i.issue({ clientId: 'c', audience: AUDIENCE, scope })
      assert.unreachable(`scope ${JSON.stringify(scope)} accepted`)
    } catch (error) {
      assert.instance(error, JwtIssueError)
    }
})

test('TTL and clock: exp = floor(clock/1000) + ttlSeconds', async () => {
  const { claims, expiresIn } = await issuer({ ttlSeconds: 60 }).issue({
    clientId: 'c',
    audience: AUDIENCE,
  })
  assert.is(claims.iat, 1_800_000_123)
  assert.is(claims.exp, 1_800_000_183)
  assert.is(expiresIn, 60)
})

test('reserved claims cannot be overridden through extra', async () => {
  const i = issuer()
  for (const name of [
    'iss',
    'sub',
    'aud',
    'exp',
    'nbf',
    'iat',
    'jti',
    'client_id',
    'scope',
    '__proto__',
  ]) {
    const extra = JSON.parse(`{"${name}": "attacker"}`) as Record<string, unknown>
    try {
      await i.issue({ clientId: 'c', audience: AUDIENCE, extra })
      assert.unreachable(`extra "${name}" accepted`)
    } catch (error) {
      assert.instance(error, JwtIssueError)
      assert.match((error as Error).message, name)
    }
  }
})

test('extra claims are added beside the reserved ones', async () => {
  const { token, claims } = await issuer().issue({
    clientId: 'c',
    audience: AUDIENCE,
    extra: { tenant: 't1', roles: ['reader'], skipped: undefined },
  })
  const payload = decode(parts(token)[1])
  assert.equal(payload, claims)
  assert.is(payload.tenant, 't1')
  assert.equal(payload.roles, ['reader'])
  assert.not.ok('skipped' in payload)
  try {
    await issuer().issue({ clientId: 'c', audience: AUDIENCE, extra: { n: 10n } })
    assert.unreachable('BigInt accepted')
  } catch (error) {
    assert.instance(error, JwtIssueError)
  }
})

test('jti: 1000 tokens, 1000 distinct ids of 128 random bits in base64url', async () => {
  const i = issuer()
  const seen = new Set<string>()
  for (let n = 0; n < 1000; n++) {
    const { claims } = await i.issue({ clientId: 'c', audience: AUDIENCE })
    assert.match(claims.jti, /^[A-Za-z0-9_-]{22}$/)
    assert.is(Buffer.from(claims.jti, 'base64url').length, 16)
    seen.add(claims.jti)
  }
  assert.is(seen.size, 1000)
})

test('invalid issue input and options are refused', async () => {
  const i = issuer()
  for (const input of [
    { clientId: '', audience: AUDIENCE },
    { clientId: 'c', audience: '' },
    { clientId: 1 as never, audience: AUDIENCE },
    { clientId: 'c', audience: AUDIENCE, extra: [] as never },
  ])
    try {
      await i.issue(input)
      assert.unreachable(`accepted ${JSON.stringify(input)}`)
    } catch (error) {
      assert.instance(error, JwtIssueError)
    }
  assert.throws(
    () => issuer({ issuer: '' }),
    (e: unknown) => e instanceof JwtConfigError,
  )
  for (const ttlSeconds of [0, -5, 1.5, Infinity])
    assert.throws(
      () => issuer({ ttlSeconds }),
      (e: unknown) => e instanceof JwtConfigError,
    )
  // JW-7: a hand-built HS256 key object with a short secret is refused too.
  assert.throws(
    () => issuer({ key: { alg: 'HS256', secret: new Uint8Array(16) } }),
    (e: unknown) => e instanceof JwtKeyError && /got 16/.test(e.message),
  )
  assert.throws(
    () => issuer({ key: { alg: 'RS256' } as never }),
    (e: unknown) => e instanceof JwtKeyError,
  )
})

test.run()
