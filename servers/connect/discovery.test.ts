// Discovery against a test gateway and the real OAuth2 app: RFC 9728 metadata from the 401
// challenge to a POST or the well-known URIs (path-inserted, then root), the RFC 9728 §3.3
// `resource` rule for each, RFC 8414 metadata, the issuer policy (pin, same origin, allowed
// cross-origin) against a rogue gateway naming an attacker's AS, and every check that refuses.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createConformanceServer } from '../../test/fixtures/conformance/server.ts'
import { installFakeTimers } from '../../test/support/fake-timers.ts'
import { discover, type DiscoveryOptions } from './discovery.ts'
import { ConnectError } from './errors.ts'
import type { Fetch } from './http.ts'
import type { IssuerPolicy } from './issuer-policy.ts'
import { AS, ATTACKER, GATEWAY, makeTestStack, MCP_URL, PRM_URL } from './testing.ts'

const ROOT_PRM = `${GATEWAY}/.well-known/oauth-protected-resource`

/** Options pinned to the test AS (it is on another origin than the test gateway). */
const pinned = (fetch: Fetch, issuerPolicy: IssuerPolicy = { pinned: AS }): DiscoveryOptions => ({
  fetch,
  timeoutMs: 2000,
  issuerPolicy,
})

/** The gateway's `WWW-Authenticate` answer to a POST of initialize without a token. */
async function challengeTo(fetch: Fetch): Promise<string | null> {
  const response = await fetch(MCP_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
  })
  assert.is(response.status, 401)
  return response.headers.get('www-authenticate')
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.unreachable('expected a ConnectError') as never,
    (error: unknown) => {
      assert.instance(error, ConnectError)
      return error as ConnectError
    },
  )

test('from the 401 challenge (RFC 9728 §5.1) to the token endpoint (RFC 8414)', async () => {
  const stack = await makeTestStack({ server: createConformanceServer })
  const challenge = await challengeTo(stack.fetch)
  stack.seen.length = 0
  const found = await discover(MCP_URL, pinned(stack.fetch), challenge)
  assert.equal(found, {
    resource: MCP_URL,
    resourceMetadataUrl: PRM_URL,
    issuer: AS,
    authorizationServerMetadataUrl: `${AS}/.well-known/oauth-authorization-server`,
    tokenEndpoint: `${AS}/oauth2/token`,
    authMethod: 'client_secret_basic',
    scopesSupported: ['mcp.access'],
  })
  assert.equal(
    stack.seen.map((r) => `${r.method} ${r.url} ${r.status}`),
    [`GET ${PRM_URL} 200`, `GET ${AS}/.well-known/oauth-authorization-server 200`],
    'no probe of its own: the challenge came from the request',
  )
})

test('a server that challenges only POST: its challenge names a metadata URL no well-known path has', async () => {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prmPath: '/meta/mcp-resource',
    unauthenticatedGet: 405,
  })
  const found = await discover(MCP_URL, pinned(stack.fetch), await challengeTo(stack.fetch))
  assert.is(found.resourceMetadataUrl, `${GATEWAY}/meta/mcp-resource`)
  assert.is(found.tokenEndpoint, `${AS}/oauth2/token`)
})

test('no challenge: the well-known URI with the path inserted first, then the root (RFC 9728 §3.1)', async () => {
  const atPath = await makeTestStack({ server: createConformanceServer, challenge: false })
  const found = await discover(MCP_URL, pinned(atPath.fetch), await challengeTo(atPath.fetch))
  assert.is(found.resourceMetadataUrl, PRM_URL)

  // Only a root document, naming the origin (RFC 9728 §3.3: the identifier its URL was built from).
  const atRoot = await makeTestStack({
    server: createConformanceServer,
    challenge: false,
    prmPath: '/.well-known/oauth-protected-resource',
    prm: { resource: GATEWAY },
  })
  const root = await discover(MCP_URL, pinned(atRoot.fetch), await challengeTo(atRoot.fetch))
  assert.is(root.resourceMetadataUrl, ROOT_PRM)
  assert.is(root.resource, GATEWAY, 'the token is asked for the identifier the document names')
  assert.equal(
    atRoot.seen.filter((r) => r.url.includes('oauth-protected-resource')).map((r) => r.status),
    [404, 200],
  )
  // The origin written with its empty path as "/" is the same URL (RFC 3986 §6.2.3).
  const slash = await makeTestStack({
    server: createConformanceServer,
    challenge: false,
    prmPath: '/.well-known/oauth-protected-resource',
    prm: { resource: `${GATEWAY}/` },
  })
  assert.is((await discover(MCP_URL, pinned(slash.fetch))).resource, `${GATEWAY}/`)
})

test('RFC 9728 §3.3 mismatches: each position demands its own resource identifier', async () => {
  // A root document naming the MCP endpoint: the root's identifier is the origin.
  const rootNamesPath = await makeTestStack({
    server: createConformanceServer,
    challenge: false,
    prmPath: '/.well-known/oauth-protected-resource',
  })
  const root = await failure(discover(MCP_URL, pinned(rootNamesPath.fetch)))
  assert.is(root.code, 'ERR_DISCOVERY')
  assert.match(
    root.message,
    /oauth-protected-resource names the resource http:\/\/localhost:8080\/mcp; a document at the root well-known URI must name the origin http:\/\/localhost:8080 \(RFC 9728 §3\.3\)$/,
  )
  // A path-inserted document naming the origin.
  const pathNamesOrigin = await makeTestStack({
    server: createConformanceServer,
    challenge: false,
    prm: { resource: GATEWAY },
  })
  const path = await failure(discover(MCP_URL, pinned(pathNamesOrigin.fetch)))
  assert.match(
    path.message,
    /it must name http:\/\/localhost:8080\/mcp, the URL its well-known URI/,
  )
  // A document the challenge names must name the URL that was requested, not the origin.
  const challenged = await makeTestStack({
    server: createConformanceServer,
    prmPath: '/meta/mcp-resource',
    prm: { resource: GATEWAY },
  })
  const named = await failure(
    discover(MCP_URL, pinned(challenged.fetch), await challengeTo(challenged.fetch)),
  )
  assert.match(
    named.message,
    /named by the gateway's WWW-Authenticate challenge must name the URL that was requested, http:\/\/localhost:8080\/mcp/,
  )
  // None of these got as far as the authorization server.
  for (const stack of [rootNamesPath, pathNamesOrigin, challenged])
    assert.not.ok(stack.seen.some((r) => r.url.startsWith(AS)))
})

test('resource not identical to --url (RFC 9728 §3.3): refused, saying which URL to use', async () => {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { resource: 'http://127.0.0.1:8080/mcp' },
  })
  const error = await failure(discover(MCP_URL, pinned(stack.fetch)))
  assert.is(error.code, 'ERR_DISCOVERY')
  assert.match(error.message, /run connect with --url http:\/\/127\.0\.0\.1:8080\/mcp/)
})

test('issuer of the AS metadata not identical to the named AS (RFC 8414 §3.3): refused', async () => {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [`${AS}/`] },
  })
  const error = await failure(discover(MCP_URL, pinned(stack.fetch, { pinned: `${AS}/` })))
  assert.is(error.code, 'ERR_DISCOVERY')
  assert.match(
    error.message,
    /"issuer" is "http:\/\/localhost:8081", not http:\/\/localhost:8081\//,
  )
})

test('no authorization server, an http AS off loopback, an unreachable AS', async () => {
  const none = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [] },
  })
  assert.match(
    (await failure(discover(MCP_URL, pinned(none.fetch)))).message,
    /"authorization_servers" is empty/,
  )

  const lan = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: ['http://as.lan'] },
  })
  const insecure = await failure(discover(MCP_URL, pinned(lan.fetch, { pinned: 'http://as.lan' })))
  assert.match(insecure.message, /uses http: off loopback/)

  const gone = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: ['http://localhost:9'] },
  })
  const unreachable = await failure(
    discover(MCP_URL, pinned(gone.fetch, { pinned: 'http://localhost:9' })),
  )
  assert.is(unreachable.code, 'ERR_AS_UNREACHABLE')
  assert.match(unreachable.message, /cannot reach the authorization server \(ECONNREFUSED\)/)
  assert.ok(unreachable.transient, 'tried again at the next message')
})

test('a gateway that does not answer: ERR_TIMEOUT after the deadline', async () => {
  const hang = (_input: string | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) =>
      init?.signal?.addEventListener('abort', () =>
        reject(new DOMException('aborted', 'AbortError')),
      ),
    )
  const clock = installFakeTimers() // the deadline runs on a fake clock, not a 50 ms race
  try {
    let settled = false
    const failed = failure(discover(MCP_URL, { fetch: hang, timeoutMs: 5_000 })).finally(
      () => (settled = true),
    )
    await clock.scheduled(5_000)
    clock.advance(4_999)
    await new Promise((resolve) => setImmediate(resolve))
    assert.is(settled, false, 'no answer before the deadline')
    clock.advance(1)
    const error = await failed
    assert.is(error.code, 'ERR_TIMEOUT')
    assert.match(error.message, /no answer from the gateway within 5000 ms/)
  } finally {
    clock.restore()
  }
})

test('not a gateway: no metadata at either well-known URI', async () => {
  const notFound = async () => new Response('not found', { status: 404 })
  const error = await failure(discover(MCP_URL, pinned(notFound)))
  assert.is(error.code, 'ERR_DISCOVERY')
  assert.match(
    error.message,
    /oauth-protected-resource\/mcp \(404\).*oauth-protected-resource \(404\).*is --url the gateway/,
  )
})

test('hostile values in messages: one line, at most 200 characters of a URL, no credentials', async () => {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [`http://evil.example/\n${'x'.repeat(5000)}`] },
  })
  const error = await failure(discover(MCP_URL, pinned(stack.fetch)))
  assert.is(error.code, 'ERR_UNTRUSTED_ISSUER')
  assert.not.match(error.message, /\n/)
  assert.ok(error.message.length < 800, `${error.message.length} characters`)

  const creds = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: ['https://user:hunter2@as.example/'] },
  })
  const leaked = await failure(
    discover(MCP_URL, pinned(creds.fetch, { pinned: 'https://user:hunter2@as.example/' })),
  )
  assert.match(leaked.message, /https:\/\/as\.example\/ must have no credentials/)
  assert.not.match(leaked.message, /hunter2/)
})

/** A rogue gateway: correct resource metadata except that it names `servers` as its AS. */
const rogue = (servers: string[]) =>
  makeTestStack({ server: createConformanceServer, prm: { authorization_servers: servers } })

test('§4: a rogue gateway naming an attacker AS, no pin: refused before the attacker is asked anything', async () => {
  const stack = await rogue([ATTACKER])
  const challenge = await challengeTo(stack.fetch)
  const error = await failure(discover(MCP_URL, { fetch: stack.fetch, timeoutMs: 2000 }, challenge))
  assert.is(error.code, 'ERR_UNTRUSTED_ISSUER')
  assert.not.ok(error.transient, 'not retried')
  assert.match(error.message, /on another origin than the gateway \(http:\/\/localhost:8080\)/)
  assert.match(error.message, /pin it: --issuer http:\/\/127\.0\.0\.1:6666 \(or OAUTH2_ISSUER\)/)
  assert.match(error.message, /add --allow-cross-origin-issuer/)
  assert.equal(stack.attackerHits, [])
})

test('§4: the same with the real AS pinned: refused, naming the pin; the pinned AS is picked from a list', async () => {
  const stack = await rogue([ATTACKER])
  const error = await failure(
    discover(MCP_URL, pinned(stack.fetch), await challengeTo(stack.fetch)),
  )
  assert.is(error.code, 'ERR_UNTRUSTED_ISSUER')
  assert.match(
    error.message,
    /names the authorization server http:\/\/127\.0\.0\.1:6666, not the issuer connect is pinned to \(http:\/\/localhost:8081, --issuer \/ OAUTH2_ISSUER\)/,
  )
  assert.equal(stack.attackerHits, [])

  const both = await rogue([ATTACKER, AS])
  const found = await discover(MCP_URL, pinned(both.fetch), await challengeTo(both.fetch))
  assert.is(found.issuer, AS)
  assert.equal(both.attackerHits, [])
  // A pin is compared character for character (RFC 8414 §3.3): a trailing slash is another issuer.
  const slash = await failure(discover(MCP_URL, pinned(stack.fetch, { pinned: `${AS}/` })))
  assert.is(slash.code, 'ERR_UNTRUSTED_ISSUER')
})

test("§4: no pin, an AS on the gateway's origin is trusted, but not a token endpoint elsewhere", async () => {
  // The gateway's origin also serves AS metadata (issuer = the gateway's origin).
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [GATEWAY] },
  })
  const tokenAt = (endpoint: string) =>
    (async (input, init) => {
      if (String(input) === `${GATEWAY}/.well-known/oauth-authorization-server`)
        return Response.json({ issuer: GATEWAY, token_endpoint: endpoint })
      return stack.fetch(input, init)
    }) as Fetch
  const same = await discover(MCP_URL, { fetch: tokenAt(`${GATEWAY}/token`), timeoutMs: 2000 })
  assert.equal([same.issuer, same.tokenEndpoint], [GATEWAY, `${GATEWAY}/token`])

  const error = await failure(
    discover(MCP_URL, { fetch: tokenAt(`${ATTACKER}/token`), timeoutMs: 2000 }),
  )
  assert.is(error.code, 'ERR_UNTRUSTED_ISSUER')
  assert.match(
    error.message,
    /token endpoint http:\/\/127\.0\.0\.1:6666\/token is on another origin/,
  )
  assert.equal(stack.attackerHits, [])
})

test("§4: --allow-cross-origin-issuer does what it says (the gateway's choice is trusted)", async () => {
  const stack = await rogue([ATTACKER])
  const found = await discover(MCP_URL, pinned(stack.fetch, { allowCrossOrigin: true }))
  assert.equal([found.issuer, found.tokenEndpoint], [ATTACKER, `${ATTACKER}/token`])
  // With a pin as well, the pin decides.
  const error = await failure(
    discover(MCP_URL, pinned(stack.fetch, { pinned: AS, allowCrossOrigin: true })),
  )
  assert.is(error.code, 'ERR_UNTRUSTED_ISSUER')
})

test.run()
