// Bearer challenge parsing (RFC 9110 §11.6.1, RFC 6750 §3, RFC 9728 §5.1).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bearerChallengeParams } from './www-authenticate.ts'

test('resource_metadata and scope of a Bearer challenge without an error code (RS-3, MCP-A4)', () => {
  assert.equal(
    bearerChallengeParams(
      'Bearer resource_metadata="http://localhost:8080/.well-known/oauth-protected-resource/mcp", scope="mcp.access"',
    ),
    {
      resource_metadata: 'http://localhost:8080/.well-known/oauth-protected-resource/mcp',
      scope: 'mcp.access',
    },
  )
})

test('names are case-insensitive, tokens unquoted, quoted-pairs unescaped, BWS around =', () => {
  assert.equal(
    bearerChallengeParams('bearer Error = invalid_token, error_description="a \\"quoted\\" word"'),
    { error: 'invalid_token', error_description: 'a "quoted" word' },
  )
})

test('the Bearer challenge among several (Basic with a token68 first, Bearer second)', () => {
  assert.equal(bearerChallengeParams('Basic abc==, Bearer realm="x", scope="a b"'), {
    realm: 'x',
    scope: 'a b',
  })
  assert.equal(bearerChallengeParams('Basic realm="x", Bearer error="insufficient_scope"'), {
    error: 'insufficient_scope',
  })
})

test('no Bearer challenge, empty or missing header: undefined; a bare Bearer: no params', () => {
  assert.is(bearerChallengeParams(null), undefined)
  assert.is(bearerChallengeParams(''), undefined)
  assert.is(bearerChallengeParams('Basic realm="x"'), undefined)
  assert.equal(bearerChallengeParams('Bearer'), {})
})

test('a malformed tail keeps what was read before it; a repeated param keeps the first', () => {
  assert.equal(bearerChallengeParams('Bearer realm="x", error="unterminated'), { realm: 'x' })
  assert.equal(bearerChallengeParams('Bearer scope="a", scope="b"'), { scope: 'a' })
})

test.run()
