// Why connect keeps its own discovery, challenge parsing and token source instead of the MCP SDK
// 1.32 client auth (issue 13 item 2; verdicts in docs/connect.md "The MCP SDK's client auth"):
// each SDK function runs here against the same hostile input as ours, and where it is looser
// the test shows how. What the SDK gets right is shown too (its `expectedIssuer` blocks a rogue
// gateway's authorization server; its AS metadata URL order is the one connect uses).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  auth,
  buildDiscoveryUrls,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js'
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js'
import { decodeBasicCredentials } from '../../shared/http/client-auth.ts'
import { createConformanceServer } from '../../test/fixtures/conformance/server.ts'
import { discover } from './discovery.ts'
import { ConnectError } from './errors.ts'
import type { Fetch } from './http.ts'
import { requestToken } from './token.ts'
import { AS, ATTACKER, GATEWAY, makeTestStack, MCP_URL, PRM_URL } from './testing.ts'
import { bearerChallengeParams } from './www-authenticate.ts'

const challenged = (header: string) =>
  new Response(null, { status: 401, headers: { 'WWW-Authenticate': header } })

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.unreachable('expected an error') as never,
    (error: unknown) => error as Error,
  )

test('extractWWWAuthenticateParams reads only a first Bearer challenge; ours finds it among several', () => {
  const header = `Basic realm="x", Bearer resource_metadata="${PRM_URL}"`
  assert.equal(extractWWWAuthenticateParams(challenged(header)), {})
  assert.is(bearerChallengeParams(header)?.resource_metadata, PRM_URL)
})

test('extractWWWAuthenticateParams matches parameter names inside other values; ours parses RFC 9110 §11.6.1', () => {
  // A description quoting text that looks like a parameter, and a longer name ending in one.
  const injected =
    'Bearer error="invalid_token", error_description="see resource_metadata=http://evil.example/x"'
  const sdk = extractWWWAuthenticateParams(challenged(injected))
  assert.is(sdk.resourceMetadataUrl?.host, 'evil.example')
  assert.is(bearerChallengeParams(injected)?.resource_metadata, undefined)

  const suffix = 'Bearer xresource_metadata="http://evil.example/y"'
  assert.is(
    extractWWWAuthenticateParams(challenged(suffix)).resourceMetadataUrl?.host,
    'evil.example',
  )
  assert.is(bearerChallengeParams(suffix)?.resource_metadata, undefined)
})

test('discoverOAuthProtectedResourceMetadata does not check `resource` (RFC 9728 §3.3); ours refuses', async () => {
  // A path-inserted document naming another resource altogether.
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { resource: 'http://localhost:8080/other' },
  })
  const sdk = await discoverOAuthProtectedResourceMetadata(MCP_URL, {}, stack.fetch)
  assert.is(sdk.resource, 'http://localhost:8080/other')
  const ours = await failure(discover(MCP_URL, { fetch: stack.fetch, timeoutMs: 2000 }))
  assert.instance(ours, ConnectError)
  assert.match(ours.message, /RFC 9728 §3\.3/)
})

test('discoverAuthorizationServerMetadata tolerates an issuer mismatch (RFC 8414 §3.3); ours refuses', async () => {
  const fetch: Fetch = async (input) =>
    String(input) === `${AS}/.well-known/oauth-authorization-server`
      ? Response.json({
          issuer: ATTACKER,
          authorization_endpoint: `${AS}/authorize`,
          token_endpoint: `${AS}/token`,
          response_types_supported: ['code'],
        })
      : new Response(null, { status: 404 })
  const sdk = await discoverAuthorizationServerMetadata(AS, { fetchFn: fetch })
  assert.is(sdk?.issuer, ATTACKER)

  const stack = await makeTestStack({ server: createConformanceServer })
  const both: Fetch = (input, init) =>
    String(input).startsWith(AS) ? fetch(input, init) : stack.fetch(input, init)
  const ours = await failure(
    discover(MCP_URL, { fetch: both, timeoutMs: 2000, issuerPolicy: { pinned: AS } }),
  )
  assert.match(
    ours.message,
    /"issuer" is "http:\/\/127\.0\.0\.1:6666", not http:\/\/localhost:8081 \(RFC 8414 §3\.3\)/,
  )
})

test('discoverAuthorizationServerMetadata refuses a client-credentials-only AS (no authorization_endpoint, RFC 8414 §2 allows it)', async () => {
  const fetch: Fetch = async (input) =>
    String(input) === `${AS}/.well-known/oauth-authorization-server`
      ? Response.json({ issuer: AS, token_endpoint: `${AS}/token` })
      : new Response(null, { status: 404 })
  const error = await failure(discoverAuthorizationServerMetadata(AS, { fetchFn: fetch }))
  assert.match(error.message, /authorization_endpoint/)
})

test('buildDiscoveryUrls: the MCP order connect uses for AS metadata (so connect uses it)', async () => {
  assert.equal(
    buildDiscoveryUrls('https://as.example/tenant').map((u) => u.url.href),
    [
      'https://as.example/.well-known/oauth-authorization-server/tenant',
      'https://as.example/.well-known/openid-configuration/tenant',
      'https://as.example/tenant/.well-known/openid-configuration',
    ],
  )
  // What ours asks, in order, for an issuer with a path that has no metadata anywhere.
  const asked: string[] = []
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [`${AS}/tenant`] },
  })
  const fetch: Fetch = (input, init) => {
    if (String(input).startsWith(AS)) asked.push(String(input))
    return stack.fetch(input, init)
  }
  await failure(
    discover(MCP_URL, { fetch, timeoutMs: 2000, issuerPolicy: { pinned: `${AS}/tenant` } }),
  )
  assert.equal(
    asked,
    buildDiscoveryUrls(`${AS}/tenant`).map((u) => u.url.href),
  )
})

/** The SDK's client-credentials flow (ClientCredentialsProvider + auth) against a rogue gateway. */
async function sdkClientCredentials(expectedIssuer: string | undefined, clientSecret = 'secret') {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [ATTACKER] },
  })
  const warn = console.warn
  console.warn = () => undefined // the SDK warns when expectedIssuer is left out
  try {
    const provider = new ClientCredentialsProvider({
      clientId: 'mcp-client',
      clientSecret,
      ...(expectedIssuer ? { expectedIssuer } : {}),
    })
    const result = await auth(provider, { serverUrl: MCP_URL, fetchFn: stack.fetch }).catch(
      (error: Error) => error,
    )
    return { stack, result }
  } finally {
    console.warn = warn
  }
}

test('ClientCredentialsProvider with expectedIssuer refuses a rogue gateway’s AS (as our pin does)', async () => {
  const { stack, result } = await sdkClientCredentials(AS)
  assert.instance(result, Error)
  assert.match((result as Error).message, /bound to authorization server http:\/\/localhost:8081/)
  // The secret stays home; the attacker's metadata was still read first (ours asks it nothing).
  assert.equal(stack.attackerHits, ['GET /.well-known/oauth-authorization-server'])
})

test('ClientCredentialsProvider without expectedIssuer sends the secret to whatever AS is named (ours: same origin only)', async () => {
  const { stack, result } = await sdkClientCredentials(undefined)
  assert.is(result, 'AUTHORIZED')
  assert.ok(stack.attackerHits.includes('POST /token'), 'the attacker got the client secret')
})

test('the SDK sends Basic credentials without RFC 6749 §2.3.1 form-encoding; ours encodes them', async () => {
  const secret = 'p+ss%word'
  const headers: string[] = []
  const record: Fetch = async (input, init) => {
    if (String(input).endsWith('/token')) {
      headers.push(new Headers(init?.headers).get('authorization') ?? '')
      return Response.json({ access_token: 't', token_type: 'Bearer' })
    }
    return new Response(null, { status: 404 })
  }
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [GATEWAY] },
  })
  // The gateway's origin acts as the AS here, so both flows may send the secret.
  const fetch: Fetch = async (input, init) => {
    const url = String(input)
    if (url === `${GATEWAY}/.well-known/oauth-authorization-server`)
      return Response.json({
        issuer: GATEWAY,
        authorization_endpoint: `${GATEWAY}/authorize`,
        token_endpoint: `${GATEWAY}/token`,
        response_types_supported: ['code'],
      })
    return url.endsWith('/token') ? record(input, init) : stack.fetch(input, init)
  }
  const provider = new ClientCredentialsProvider({
    clientId: 'mcp-client',
    clientSecret: secret,
    expectedIssuer: GATEWAY,
  })
  assert.is(await auth(provider, { serverUrl: MCP_URL, fetchFn: fetch }), 'AUTHORIZED')
  await requestToken(
    {
      tokenEndpoint: `${GATEWAY}/token`,
      authMethod: 'client_secret_basic',
      credentials: { clientId: 'mcp-client', clientSecret: secret },
      resource: MCP_URL,
    },
    { fetch, timeoutMs: 2000 },
  )
  const [sdk, ours] = headers.map(
    (h) => decodeBasicCredentials(h.replace(/^Basic /, ''))?.clientSecret,
  )
  assert.is.not(sdk, secret, 'an RFC 6749 server reads another secret from the SDK')
  assert.is(ours, secret)
})

test('auth() asks the AS twice for one wrong secret (InvalidClientError retry); ours once (OA-10 lockout)', async () => {
  const stack = await makeTestStack({ server: createConformanceServer })
  const provider = new ClientCredentialsProvider({
    clientId: 'mcp-client',
    clientSecret: 'wrong-secret',
    expectedIssuer: AS,
  })
  await failure(auth(provider, { serverUrl: MCP_URL, fetchFn: stack.fetch }))
  const tokenRequests = stack.seen.filter((r) => r.url === `${AS}/oauth2/token`)
  assert.is(tokenRequests.length, 2)
})

test.run()
