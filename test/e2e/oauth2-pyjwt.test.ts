// Interop: Debian's PyJWT (python3-jwt) verifies a token issued by the running bundle with the same
// secret, issuer and audience (RFC 9068 §2; JW-1, JW-2, JW-4).
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { seedToken, startOAuth2 } from './oauth2-harness.ts'

const PYTHON = '/usr/bin/python3'
const SECRET = 'pyjwt-interop-secret-0123456789-abcdefghij'
const AUDIENCE = 'http://localhost:8080/mcp'

const SCRIPT = String.raw`
import json, sys
try:
    import jwt
except ImportError:
    print(json.dumps({"missing": "python3-jwt"})); sys.exit(0)
req = json.load(sys.stdin)
claims = jwt.decode(req["token"], req["secret"], algorithms=["HS256"], audience=req["audience"],
                    issuer=req["issuer"], options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]})
print(json.dumps({"claims": claims, "header": jwt.get_unverified_header(req["token"]), "version": jwt.__version__}))
`

test('PyJWT verifies the bundle’s HS256 access token (same secret, issuer, audience)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth2-pyjwt-'))
  const server = await startOAuth2({
    env: {
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
      JWT_SECRET: SECRET,
    },
  })
  let token: string
  try {
    token = (await seedToken(server.url)).body.access_token as string
  } finally {
    await server.stop()
  }
  const run = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: JSON.stringify({ token, secret: SECRET, issuer: server.url, audience: AUDIENCE }),
    encoding: 'utf8',
  })
  assert.ok(
    !run.error,
    `${PYTHON} is missing: install Debian's python3 and python3-jwt (apt-get install -y python3-jwt; .ci/run does)`,
  )
  assert.is(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout) as {
    missing?: string
    claims: Record<string, unknown>
    header: Record<string, unknown>
  }
  assert.is(
    out.missing,
    undefined,
    'python3-jwt (PyJWT) is missing: apt-get install -y python3-jwt (.ci/run installs it)',
  )
  assert.equal(out.header, { alg: 'HS256', typ: 'at+jwt' })
  assert.is(out.claims.client_id, 'mcp-client')
  assert.is(out.claims.sub, 'mcp-client')
  assert.is(out.claims.scope, 'mcp.access')

  const forged = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: JSON.stringify({
      token,
      secret: `${SECRET}-other`,
      issuer: server.url,
      audience: AUDIENCE,
    }),
    encoding: 'utf8',
  })
  assert.is.not(forged.status, 0, 'a different secret must not verify')
})

test.run()
