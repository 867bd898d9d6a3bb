// Interop: Debian's PyJWT 2.6 (python3-jwt, python3-cryptography) verifies tokens we issue and
// issues tokens we verify, HS256 and ES256 (RFC 9068 §2 shape, JW-1, JW-2, JW-4).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AccessTokenError } from '../../shared/jwt/errors.ts'
import { createAccessTokenIssuer } from '../../shared/jwt/issue.ts'
import { generateEs256Key, hs256Key, jwksOf } from '../../shared/jwt/keys.ts'
import type { JsonWebKey } from '../../shared/jwt/keys.ts'
import { createAccessTokenVerifier } from '../../shared/jwt/verify.ts'

/** Debian's interpreter, not whatever `python3` is first on PATH. */
const PYTHON = '/usr/bin/python3'
const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'https://gateway.example.test/mcp'
const SECRET = 'interop-secret-0123456789abcdefghijklmn'

/** One request on stdin, one JSON answer on stdout; PyJWT errors come back as {"error": name}. */
const SCRIPT = String.raw`
import base64, json, sys
import jwt
from jwt.algorithms import ECAlgorithm

req = json.load(sys.stdin)
REQUIRED = ["iss", "sub", "aud", "exp", "iat", "jti", "client_id"]

def key_of(req):
    if req["alg"] == "HS256":
        s = req["secret"]
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    return ECAlgorithm.from_jwk(json.dumps(req["jwk"]))

try:
    if req["op"] == "decode":
        claims = jwt.decode(
            req["token"], key_of(req), algorithms=[req["alg"]], audience=req["audience"],
            issuer=req["issuer"], options={"require": REQUIRED},
        )
        out = {"claims": claims, "header": jwt.get_unverified_header(req["token"])}
    else:
        headers = {"typ": "at+jwt"}
        if "kid" in req:
            headers["kid"] = req["kid"]
        out = {"token": jwt.encode(req["claims"], key_of(req), algorithm=req["alg"], headers=headers)}
except jwt.exceptions.PyJWTError as e:
    out = {"error": type(e).__name__}
print(json.dumps(out))
`

let checked = false

/** Fails (does not skip) with the install command when the interpreter or PyJWT is missing. */
function requirePyJwt(): void {
  if (checked) return
  if (!existsSync(PYTHON)) assert.unreachable(`${PYTHON} not found: apt-get install python3`)
  const probe = spawnSync(PYTHON, ['-c', 'import jwt, cryptography; print(jwt.__version__)'], {
    encoding: 'utf8',
  })
  if (probe.status !== 0)
    assert.unreachable(
      `PyJWT is missing for ${PYTHON}: apt-get install python3-jwt python3-cryptography\n${probe.stderr}`,
    )
  checked = true
}

function python(request: Record<string, unknown>): Record<string, any> {
  requirePyJwt()
  const run = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
  })
  assert.is(run.status, 0, `python failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Record<string, any>
}

const secretB64 = Buffer.from(SECRET, 'utf8').toString('base64url')
const nowSeconds = () => Math.floor(Date.now() / 1000)

test('PyJWT 2.6 is the interpreter’s jwt module', () => {
  const probe = spawnSync(PYTHON, ['-c', 'import jwt; print(jwt.__version__)'], {
    encoding: 'utf8',
  })
  assert.is(probe.status, 0, `apt-get install python3-jwt (${probe.stderr.trim()})`)
  assert.match(probe.stdout.trim(), /^2\./)
})

test('PyJWT verifies our HS256 token (iss, aud, required claims) and rejects a tampered one', async () => {
  const issuer = createAccessTokenIssuer({ issuer: ISSUER, key: hs256Key(SECRET) })
  const { token, claims } = await issuer.issue({
    clientId: 'client-a',
    audience: AUDIENCE,
    scope: ['tools:call', 'tools:list'],
  })
  const base = { op: 'decode', alg: 'HS256', secret: secretB64, issuer: ISSUER, audience: AUDIENCE }
  const ok = python({ ...base, token })
  assert.equal(ok.claims, claims)
  assert.equal(ok.header, { alg: 'HS256', typ: 'at+jwt' })
  // PyJWT really checks: wrong audience, wrong issuer, wrong secret and a forged payload fail.
  assert.is(python({ ...base, token, audience: `${AUDIENCE}/` }).error, 'InvalidAudienceError')
  assert.is(python({ ...base, token, issuer: 'https://other.test' }).error, 'InvalidIssuerError')
  const wrong = Buffer.from(`${SECRET}-x`).toString('base64url')
  assert.is(python({ ...base, token, secret: wrong }).error, 'InvalidSignatureError')
  const [h, , s] = token.split('.')
  const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')
  assert.is(python({ ...base, token: `${h}.${forged}.${s}` }).error, 'InvalidSignatureError')
})

test('PyJWT verifies our ES256 token with the published public JWK', async () => {
  const { key } = await generateEs256Key()
  const issuer = createAccessTokenIssuer({ issuer: ISSUER, key })
  const { token, claims } = await issuer.issue({ clientId: 'client-es', audience: AUDIENCE })
  const jwk = jwksOf(key).keys[0] as JsonWebKey
  const base = { op: 'decode', alg: 'ES256', jwk, issuer: ISSUER, audience: AUDIENCE }
  const ok = python({ ...base, token })
  assert.equal(ok.claims, claims)
  assert.equal(ok.header, { alg: 'ES256', typ: 'at+jwt', kid: jwk.kid })
  const other = jwksOf((await generateEs256Key()).key).keys[0]
  assert.is(python({ ...base, token, jwk: other }).error, 'InvalidSignatureError')
})

test('our verifier accepts PyJWT-issued HS256 and ES256 tokens and refuses a wrong audience', async () => {
  const iat = nowSeconds()
  const claims = {
    iss: ISSUER,
    sub: 'client-py',
    aud: AUDIENCE,
    exp: iat + 300,
    iat,
    jti: 'py-0123456789abcdefghij',
    client_id: 'client-py',
    scope: 'tools:list',
  }
  const hsToken = python({ op: 'encode', alg: 'HS256', secret: secretB64, claims }).token as string
  const hsVerifier = createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    key: { alg: 'HS256', secret: SECRET },
  })
  assert.equal(await hsVerifier.verify(hsToken), claims)

  const { key, privateJwk } = await generateEs256Key()
  const esToken = python({
    op: 'encode',
    alg: 'ES256',
    jwk: privateJwk,
    kid: privateJwk.kid,
    claims,
  }).token as string
  const esVerifier = createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    key: { jwks: jwksOf(key) },
  })
  assert.equal(await esVerifier.verify(esToken), claims)

  const elsewhere = python({
    op: 'encode',
    alg: 'HS256',
    secret: secretB64,
    claims: { ...claims, aud: 'https://other.example.test' },
  }).token as string
  try {
    await hsVerifier.verify(elsewhere)
    assert.unreachable('wrong audience accepted')
  } catch (error) {
    assert.instance(error, AccessTokenError)
    assert.is((error as AccessTokenError).code, 'ERR_JWT_CLAIM_INVALID')
    assert.is((error as AccessTokenError).claim, 'aud')
  }
})

test.run()
