import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createAccessTokenIssuer } from '../../shared/jwt/issue.ts'
import { hs256Key } from '../../shared/jwt/keys.ts'
import { createTokenInspector } from './tokens.ts'

const key = hs256Key('k'.repeat(32))
const clock = () => Date.UTC(2030, 0, 1)
const issuer = createAccessTokenIssuer({ issuer: 'http://as', key, clock })
const inspector = createTokenInspector({
  issuer: 'http://as',
  key,
  audiences: ['http://a', 'http://b'],
  clockToleranceSeconds: 30,
  clock,
})

test('IN-6: verifies tokens for any audience we issue for, with the full RFC 9068 checks', async () => {
  for (const audience of ['http://a', 'http://b']) {
    const { token } = await issuer.issue({ clientId: 'c', audience, scope: 'x' })
    assert.is((await inspector.inspect(token))?.aud, audience)
  }
})

test('tokens for other audiences, of other issuers, or malformed are undefined', async () => {
  const { token } = await issuer.issue({ clientId: 'c', audience: 'http://elsewhere' })
  assert.is(await inspector.inspect(token), undefined)
  const other = createAccessTokenIssuer({ issuer: 'http://other', key, clock })
  assert.is(
    await inspector.inspect((await other.issue({ clientId: 'c', audience: 'http://a' })).token),
    undefined,
  )
  for (const junk of ['', 'x', 'a.b.c', 'a.%%%.c', `a.${btoa('{"aud":1}')}.c`]) {
    assert.is(await inspector.inspect(junk), undefined, junk)
  }
})

test.run()
