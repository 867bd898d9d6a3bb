import { Hono } from 'hono'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  bearerAuth,
  bearerChallenge,
  type BearerAuthEnv,
  type BearerRejection,
} from './bearer-auth.ts'

interface Principal {
  clientId: string
  scopes: string[]
}

const tokens: Record<string, Principal> = {
  good: { clientId: 'c1', scopes: ['mcp.access', 'other'] },
  narrow: { clientId: 'c2', scopes: ['other'] },
}

function appWith(options: { resourceMetadataUrl?: string } = {}) {
  const rejections: BearerRejection<Principal>[] = []
  const app = new Hono<BearerAuthEnv<Principal>>()
  app.use(
    '/r',
    bearerAuth<Principal>({
      verify: async (token) => {
        const p = tokens[token]
        if (!p) throw new Error('unknown token')
        return p
      },
      requiredScopes: ['mcp.access'],
      realm: 'demo',
      ...options,
      onReject: (r) => rejections.push(r),
    }),
  )
  app.get('/r', (c) => c.json({ client: c.get('auth').clientId }))
  return { app, rejections }
}

test('required scopes must be RFC 6749 §3.3 scope tokens (checked at construction)', () => {
  const verify = async () => ({ scopes: [] })
  for (const bad of ['', 'a b', 'a"b', 'a\\b', 'é'])
    assert.throws(() => bearerAuth({ verify, requiredScopes: [bad] }), /bad scope/, bad)
  bearerAuth({ verify, requiredScopes: ['mcp.access', 'a:b/c!'] })
})

test('RS-1: a valid Bearer token with the scope passes and sets c.get("auth")', async () => {
  const { app } = appWith()
  const res = await app.request('/r', { headers: { Authorization: 'Bearer good' } })
  assert.is(res.status, 200)
  assert.equal(await res.json(), { client: 'c1' })
  const lower = await app.request('/r', { headers: { Authorization: 'bearer   good' } })
  assert.is(lower.status, 200, 'scheme is case-insensitive, 1*SP allowed')
})

test('RS-3: no credentials → 401 with a challenge that has NO error code', async () => {
  const { app, rejections } = appWith({
    resourceMetadataUrl: 'http://x/.well-known/oauth-protected-resource',
  })
  const res = await app.request('/r')
  assert.is(res.status, 401)
  const challenge = res.headers.get('www-authenticate')!
  assert.ok(challenge.startsWith('Bearer '))
  assert.not.match(challenge, /error=/)
  assert.match(challenge, /realm="demo"/)
  assert.match(challenge, /resource_metadata="http:\/\/x\/.well-known\/oauth-protected-resource"/)
  assert.match(challenge, /scope="mcp.access"/)
  assert.is(rejections[0]!.error, undefined)
})

test('RS-3: another scheme (Basic) counts as no bearer credentials', async () => {
  const { app } = appWith()
  const res = await app.request('/r', { headers: { Authorization: 'Basic YTpi' } })
  assert.is(res.status, 401)
  assert.not.match(res.headers.get('www-authenticate')!, /error=/)
})

test('RS-4: a token verify rejects → 401 invalid_token', async () => {
  const { app, rejections } = appWith()
  const res = await app.request('/r', { headers: { Authorization: 'Bearer forged.token.x' } })
  assert.is(res.status, 401)
  assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"/)
  assert.equal(((await res.json()) as { error: string }).error, 'invalid_token')
  assert.instance(rejections[0]!.cause, Error)
})

test('RS-5: a valid token without the scope → 403 insufficient_scope with scope=', async () => {
  const { app, rejections } = appWith()
  const res = await app.request('/r', { headers: { Authorization: 'Bearer narrow' } })
  assert.is(res.status, 403)
  const challenge = res.headers.get('www-authenticate')!
  assert.match(challenge, /error="insufficient_scope"/)
  assert.match(challenge, /scope="mcp.access"/)
  assert.is(rejections[0]!.principal?.clientId, 'c2')
})

test('RS-6: malformed Bearer credentials → 400 invalid_request', async () => {
  const { app } = appWith()
  for (const header of [
    'Bearer',
    'Bearer a b',
    'Bearer ä',
    'Bearer good, Bearer good',
    'Bearer =abc',
  ]) {
    const res = await app.request('/r', { headers: { Authorization: header } })
    assert.is(res.status, 400, header)
    assert.match(res.headers.get('www-authenticate')!, /error="invalid_request"/)
  }
})

test('RS-1 / MCP-A9: a token in the query string is refused with 400 invalid_request', async () => {
  const { app } = appWith()
  const alone = await app.request('/r?access_token=good')
  assert.is(alone.status, 400)
  const both = await app.request('/r?access_token=good', {
    headers: { Authorization: 'Bearer good' },
  })
  assert.is(both.status, 400)
})

test('RS-2: each auth-param appears at most once', async () => {
  const { app } = appWith({ resourceMetadataUrl: 'http://x/m' })
  const res = await app.request('/r', { headers: { Authorization: 'Bearer narrow' } })
  const challenge = res.headers.get('www-authenticate')!
  for (const name of ['realm', 'error', 'error_description', 'scope', 'resource_metadata']) {
    assert.is(challenge.split(`${name}=`).length - 1, 1, name)
  }
})

test('bearerChallenge drops error_description without an error and sanitises values', () => {
  assert.is(bearerChallenge({ realm: 'r', description: 'x' }), 'Bearer realm="r"')
  assert.is(
    bearerChallenge({ error: 'invalid_token', description: 'a"b\u00e9' }),
    'Bearer error="invalid_token", error_description="a?b?"',
  )
  assert.is(bearerChallenge({}), 'Bearer')
})

test('options are checked at construction', () => {
  assert.throws(() => bearerAuth({} as never), TypeError)
  assert.throws(
    () => bearerAuth({ verify: async () => ({ scopes: [] }), requiredScopes: ['a b'] }),
    TypeError,
  )
})

test.run()
