// Discovery against a test gateway and the real OAuth2 app: RFC 9728 metadata from the 401
// challenge or the well-known URI, RFC 8414 metadata, and every check that refuses to go on.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createConformanceServer } from '../../test/fixtures/conformance/server.ts'
import { discover } from './discovery.ts'
import { ConnectError } from './errors.ts'
import { AS, makeTestStack, MCP_URL, PRM_URL } from './testing.ts'

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
  const found = await discover(MCP_URL, { fetch: stack.fetch, timeoutMs: 2000 })
  assert.equal(found, {
    resource: MCP_URL,
    resourceMetadataUrl: PRM_URL,
    issuer: AS,
    authorizationServerMetadataUrl: `${AS}/.well-known/oauth-authorization-server`,
    tokenEndpoint: `${AS}/oauth2/token`,
    authMethod: 'client_secret_basic',
    scopesSupported: ['mcp.access'],
  })
  const probe = stack.seen[0]!
  assert.equal(
    [probe.method, probe.url, probe.authorization, probe.status],
    ['GET', MCP_URL, null, 401],
  )
})

test('no resource_metadata in the challenge: the well-known path form (MCP-A2)', async () => {
  const stack = await makeTestStack({ server: createConformanceServer, challenge: false })
  const found = await discover(MCP_URL, { fetch: stack.fetch, timeoutMs: 2000 })
  assert.is(found.resourceMetadataUrl, PRM_URL)
})

test('resource not identical to --url (RFC 9728 §3.3): refused, saying which URL to use', async () => {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { resource: 'http://127.0.0.1:8080/mcp' },
  })
  const error = await failure(discover(MCP_URL, { fetch: stack.fetch, timeoutMs: 2000 }))
  assert.is(error.code, 'ERR_DISCOVERY')
  assert.match(error.message, /run connect with --url http:\/\/127\.0\.0\.1:8080\/mcp/)
})

test('issuer of the AS metadata not identical to the named AS (RFC 8414 §3.3): refused', async () => {
  const stack = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: [`${AS}/`] },
  })
  const error = await failure(discover(MCP_URL, { fetch: stack.fetch, timeoutMs: 2000 }))
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
    (await failure(discover(MCP_URL, { fetch: none.fetch, timeoutMs: 2000 }))).message,
    /"authorization_servers" is empty/,
  )

  const lan = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: ['http://as.lan'] },
  })
  const insecure = await failure(discover(MCP_URL, { fetch: lan.fetch, timeoutMs: 2000 }))
  assert.match(insecure.message, /uses http: off loopback/)

  const gone = await makeTestStack({
    server: createConformanceServer,
    prm: { authorization_servers: ['http://localhost:9'] },
  })
  const unreachable = await failure(discover(MCP_URL, { fetch: gone.fetch, timeoutMs: 2000 }))
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
  const started = performance.now()
  const error = await failure(discover(MCP_URL, { fetch: hang, timeoutMs: 50 }))
  assert.is(error.code, 'ERR_TIMEOUT')
  assert.match(error.message, /no answer from the gateway within 50 ms/)
  assert.ok(performance.now() - started < 1000)
})

test('not a gateway: no metadata at either well-known URI', async () => {
  const notFound = async () => new Response('not found', { status: 404 })
  const error = await failure(discover(MCP_URL, { fetch: notFound, timeoutMs: 2000 }))
  assert.is(error.code, 'ERR_DISCOVERY')
  assert.match(
    error.message,
    /oauth-protected-resource\/mcp \(404\).*oauth-protected-resource \(404\).*is --url the gateway/,
  )
})

test.run()
