import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { OAuthMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js'
import { generateEs256Key } from '../../../shared/jwt/keys.ts'
import { ISSUER, makeTestApp } from '../testing.ts'

type Json = Record<string, unknown>

test('MD-1..MD-3, MD-5: RFC 8414 document with issuer, endpoints, grant types and auth methods', async () => {
  const t = await makeTestApp()
  const res = await t.app.request('/.well-known/oauth-authorization-server')
  assert.is(res.status, 200)
  assert.is(res.headers.get('content-type'), 'application/json')
  const doc = (await res.json()) as Json
  const methods = ['client_secret_basic', 'client_secret_post']
  assert.equal(doc, {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/oauth2/authorize`,
    token_endpoint: `${ISSUER}/oauth2/token`,
    scopes_supported: ['mcp.access'],
    response_types_supported: [],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: methods,
    revocation_endpoint: `${ISSUER}/oauth2/revoke`,
    revocation_endpoint_auth_methods_supported: methods,
    introspection_endpoint: `${ISSUER}/oauth2/introspect`,
    introspection_endpoint_auth_methods_supported: methods,
  })
  assert.not.ok('jwks_uri' in doc, 'HS256 has no public key to publish')
})

test('MD-4: the document passes the MCP SDK client schema and promises no response type', async () => {
  const t = await makeTestApp()
  const doc = await (await t.app.request('/.well-known/oauth-authorization-server')).json()
  const parsed = OAuthMetadataSchema.safeParse(doc)
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues))
  assert.equal(parsed.data?.response_types_supported, [], 'true: no response type is implemented')
  assert.is(parsed.data?.code_challenge_methods_supported, undefined)
  // What the authorization endpoint does agrees with the list: every response type is refused.
  for (const type of ['code', 'none', 'token']) {
    const res = await t.app.request(`/oauth2/authorize?response_type=${type}&client_id=mcp-client`)
    assert.is(((await res.json()) as { error: string }).error, 'unsupported_response_type', type)
  }
})

test('issue 9 §6: scopes_supported lists only public scopes some client holds, never every client’s', async () => {
  const doc = async (publicScopes?: string[]) => {
    const t = await makeTestApp(publicScopes ? { config: { publicScopes } } : {})
    return (await (await t.app.request('/.well-known/oauth-authorization-server')).json()) as Json
  }
  // The registry holds mcp.access, other and tools: by default only mcp.access is published.
  assert.equal((await doc()).scopes_supported, ['mcp.access'])
  assert.equal(
    (await doc(['tools', 'mcp.access', 'held-by-nobody'])).scopes_supported,
    ['mcp.access', 'tools'],
    'operator-marked scopes that a client holds',
  )
  assert.not.ok('scopes_supported' in (await doc([])), 'nothing public: the member is omitted')
})

test('MD-1: the OpenID discovery path serves the same document', async () => {
  const t = await makeTestApp()
  const a = await (await t.app.request('/.well-known/oauth-authorization-server')).text()
  const b = await (await t.app.request('/.well-known/openid-configuration')).text()
  assert.is(a, b)
})

test('MD-1, MD-2: an issuer with a path puts the well-known segment before it', async () => {
  const t = await makeTestApp({ config: { issuer: 'https://auth.example/tenant' } })
  const res = await t.app.request('/.well-known/oauth-authorization-server/tenant')
  assert.is(res.status, 200)
  const doc = (await res.json()) as Json
  assert.is(doc.issuer, 'https://auth.example/tenant')
  assert.is(doc.token_endpoint, 'https://auth.example/tenant/oauth2/token')
  assert.is((await t.app.request('/.well-known/oauth-authorization-server')).status, 404)
})

test('MD-5: ES256 publishes jwks_uri', async () => {
  const { key } = await generateEs256Key()
  const t = await makeTestApp({ key })
  const doc = (await (
    await t.app.request('/.well-known/oauth-authorization-server')
  ).json()) as Json
  assert.is(doc.jwks_uri, `${ISSUER}/.well-known/jwks.json`)
})

test.run()
