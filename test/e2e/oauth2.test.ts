// End to end: the built bundle dist/oauth2.mjs, run alone, answers the seed README's curl flows.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords, verifyAuditChain } from '../../shared/audit/index.ts'
import { hashClientSecret } from '../../shared/clients/secret.ts'
import { serializeClientRegistry } from '../../shared/clients/registry.ts'
import { FORM, seedToken, startOAuth2 } from './oauth2-harness.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'oauth2-e2e-'))

test('seed README flows: discovery, token (post and Basic), /hello; audit flushed on SIGTERM', async () => {
  const dir = tmp()
  const audit = join(dir, 'audit.jsonl')
  const server = await startOAuth2({
    env: {
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
      AUDIT_LOG_FILE: audit,
    },
  })
  try {
    // curl http://localhost:8081/.well-known/openid-configuration
    const meta = (await (
      await fetch(`${server.url}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>
    assert.is(meta.issuer, server.url)
    assert.is(meta.token_endpoint, `${server.url}/oauth2/token`)

    // curl -X POST …/oauth2/token -H "Content-Type: application/x-www-form-urlencoded" -d "grant_type=client_credentials&client_id=mcp-client&client_secret=secret&scope=mcp.access"
    const { status, body } = await seedToken(server.url)
    assert.is(status, 200)
    assert.is(body.token_type, 'Bearer')
    assert.is(body.expires_in, 1800)

    // curl -u mcp-client:secret -X POST …/oauth2/token -d grant_type=client_credentials
    const basic = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, Authorization: `Basic ${btoa('mcp-client:secret')}` },
      body: 'grant_type=client_credentials',
    })
    assert.is(basic.status, 200)

    // curl -H "Authorization: Bearer $TOKEN" http://localhost:8081/hello
    const hello = await fetch(`${server.url}/hello`, {
      headers: { Authorization: `Bearer ${body.access_token}` },
    })
    assert.is(hello.status, 200)
    const greeting = (await hello.json()) as Record<string, string>
    assert.is(greeting.message, 'Hello from MCP OAuth2 Demo!')
    assert.is(greeting.authenticated_client, 'mcp-client')
    assert.ok(!Number.isNaN(Date.parse(greeting.timestamp!)))

    assert.is((await fetch(`${server.url}/hello`)).status, 401)
    assert.equal(await (await fetch(`${server.url}/health`)).json(), { status: 'ok' })
  } finally {
    assert.is(await server.stop('SIGTERM'), 0, server.stderr())
  }
  // LOG-4 + graceful shutdown: every issue is in the file, chained, with no token in it.
  const text = readFileSync(audit, 'utf8')
  assert.not.ok(text.includes('eyJ'), 'no JWT in the audit log')
  assert.not.ok(/client_secret|"secret"/.test(text))
  const records = await readAuditRecords(text)
  assert.is(records.filter((r) => r.event === 'token_issued').length, 2)
  assert.ok((await verifyAuditChain(text)).ok)
  assert.match(server.stderr(), /development demo client enabled/)
})

test('development key: generated 0600 in .dev/, reused after a restart (old tokens stay valid)', async () => {
  const dir = tmp()
  const devDir = join(dir, '.dev')
  const env = { MCP_DOCKER_ENV: 'development', MCP_DOCKER_DEV_DIR: devDir }
  const first = await startOAuth2({ env })
  const token = (await seedToken(first.url)).body.access_token as string
  await first.stop()
  const keyFile = join(devDir, 'oauth2-jwt-secret')
  assert.is(statSync(keyFile).mode & 0o777, 0o600)
  assert.match(first.stderr(), /generated .*oauth2-jwt-secret/)
  const second = await startOAuth2({ env: { ...env, PORT: String(first.port) } })
  try {
    assert.match(second.stderr(), /reusing .*oauth2-jwt-secret/)
    const hello = await fetch(`${second.url}/hello`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    assert.is(hello.status, 200)
  } finally {
    await second.stop()
  }
})

test('introspection and revocation over HTTP', async () => {
  const dir = tmp()
  const server = await startOAuth2({
    env: { MCP_DOCKER_ENV: 'development', MCP_DOCKER_DEV_DIR: join(dir, '.dev') },
  })
  try {
    const token = (await seedToken(server.url)).body.access_token as string
    const auth = { Authorization: `Basic ${btoa('mcp-client:secret')}` }
    const active = await fetch(`${server.url}/oauth2/introspect`, {
      method: 'POST',
      headers: { ...FORM, ...auth },
      body: `token=${token}`,
    })
    assert.is(((await active.json()) as { active: boolean }).active, true)
    const revoked = await fetch(`${server.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { ...FORM, ...auth },
      body: `token=${token}`,
    })
    assert.is(revoked.status, 200)
    const after = await fetch(`${server.url}/oauth2/introspect`, {
      method: 'POST',
      headers: { ...FORM, ...auth },
      body: `token=${token}`,
    })
    assert.equal(await after.json(), { active: false })
    assert.is(
      (await fetch(`${server.url}/hello`, { headers: { Authorization: `Bearer ${token}` } }))
        .status,
      401,
    )
  } finally {
    await server.stop()
  }
})

test('RV-5 across a restart: with OAUTH2_REVOCATION_FILE a revoked token stays refused', async () => {
  const dir = tmp()
  const env = {
    MCP_DOCKER_ENV: 'development',
    MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
    OAUTH2_REVOCATION_FILE: join(dir, 'revoked.jsonl'),
  }
  const auth = { Authorization: `Basic ${btoa('mcp-client:secret')}` }
  const first = await startOAuth2({ env })
  const token = (await seedToken(first.url)).body.access_token as string
  const kept = (await seedToken(first.url)).body.access_token as string
  const revoked = await fetch(`${first.url}/oauth2/revoke`, {
    method: 'POST',
    headers: { ...FORM, ...auth },
    body: `token=${token}`,
  })
  assert.is(revoked.status, 200)
  assert.is(await first.stop('SIGTERM'), 0, first.stderr())
  assert.is(statSync(join(dir, 'revoked.jsonl')).mode & 0o777, 0o600)

  const second = await startOAuth2({ env: { ...env, PORT: String(first.port) } })
  try {
    assert.match(second.stderr(), /revocations: 1 still in force/)
    const hello = (bearer: string) =>
      fetch(`${second.url}/hello`, { headers: { Authorization: `Bearer ${bearer}` } })
    assert.is((await hello(token)).status, 401, 'the revoked token is still refused')
    assert.is((await hello(kept)).status, 200, 'other tokens of the same key still work')
  } finally {
    await second.stop()
  }
})

/** POST a form from a given loopback source address (127.0.0.2 is another peer on Linux). */
function postFrom(
  localAddress: string,
  url: string,
  body: string,
  [id, secret]: [string, string],
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { ...FORM, Authorization: `Basic ${btoa(`${id}:${secret}`)}` },
      },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode!, text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

test('issue 9 §2, §3 over sockets: guessing from one address leaves the gateway served; revocations name their client', async () => {
  const dir = tmp()
  const clients = join(dir, 'clients.json')
  const gatewaySecret = 'gateway-secret-0123456789abcdef0123456789'
  writeFileSync(
    clients,
    serializeClientRegistry([
      {
        clientId: 'mcp-gateway',
        secretHash: await hashClientSecret(gatewaySecret),
        scopes: ['mcp.access'],
        audiences: ['http://localhost:8080/mcp'],
      },
    ]),
  )
  const server = await startOAuth2({
    env: {
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
      OAUTH2_CLIENTS_FILE: clients,
      OAUTH2_REVOCATION_FILE: join(dir, 'revoked.jsonl'),
    },
  })
  try {
    const token = (await seedToken(server.url)).body.access_token as string
    const introspect = `${server.url}/oauth2/introspect`
    const gateway: [string, string] = ['mcp-gateway', gatewaySecret]
    // The attack of the issue: wrong secrets for the gateway's client id from 127.0.0.2.
    const attack: number[] = []
    for (let i = 0; i < 20; i++)
      attack.push(
        (await postFrom('127.0.0.2', introspect, `token=${token}`, ['mcp-gateway', `g${i}`]))
          .status,
      )
    assert.equal(attack.slice(-5), [429, 429, 429, 429, 429], attack.join(','))
    // The gateway, from 127.0.0.1, is served (before: 429 for 60 s).
    const served = await postFrom('127.0.0.1', introspect, `token=${token}`, gateway)
    assert.is(served.status, 200, served.text)
    assert.is(JSON.parse(served.text).active, true)
    const revoke = await postFrom('127.0.0.1', `${server.url}/oauth2/revoke`, `token=${token}`, [
      'mcp-client',
      'secret',
    ])
    assert.is(revoke.status, 200)
    const after = await postFrom('127.0.0.1', introspect, `token=${token}`, gateway)
    assert.equal(JSON.parse(after.text), { active: false }, 'the revocation is seen at once')
    const guesser = await postFrom('127.0.0.2', introspect, `token=${token}`, gateway)
    assert.is(guesser.status, 429, 'the guessing address stays slowed, right secret or not')
  } finally {
    assert.is(await server.stop('SIGTERM'), 0, server.stderr())
  }
  const lines = readFileSync(join(dir, 'revoked.jsonl'), 'utf8').trim().split('\n')
  assert.is(lines.length, 1)
  assert.is(JSON.parse(lines[0]!).client_id, 'mcp-client')
})

test('production refuses to start without a key or clients file, one line per problem', async () => {
  const server = await startOAuth2({
    env: { MCP_DOCKER_ENV: 'production', TOKEN_TTL_SECONDS: 'soon' },
    waitForListen: false,
  })
  assert.is(await server.exited, 1)
  const lines = server.stderr().trim().split('\n')
  assert.match(lines[0]!, /cannot start, invalid configuration/)
  assert.ok(lines.some((l) => /TOKEN_TTL_SECONDS must be a whole number/.test(l)))
  assert.ok(lines.some((l) => /production needs a signing key/.test(l)))
  assert.ok(lines.some((l) => /production needs OAUTH2_CLIENTS_FILE/.test(l)))
  assert.not.match(server.stderr(), /\bat .*:\d+:\d+/, 'no stack trace')
})

test('production refuses the demo secret and a short key, and says why', async () => {
  const dir = tmp()
  const clients = join(dir, 'clients.json')
  writeFileSync(
    clients,
    serializeClientRegistry([
      {
        clientId: 'mcp-client',
        secretHash: await hashClientSecret('secret'),
        scopes: ['mcp.access'],
        audiences: [],
      },
    ]),
  )
  const demo = await startOAuth2({
    env: { MCP_DOCKER_ENV: 'production', JWT_SECRET: 'k'.repeat(40), OAUTH2_CLIENTS_FILE: clients },
    waitForListen: false,
  })
  assert.is(await demo.exited, 1)
  assert.match(
    demo.stderr(),
    /client "mcp-client" uses the development demo secret; production refuses it/,
  )
  const short = await startOAuth2({
    env: { MCP_DOCKER_ENV: 'production', JWT_SECRET: 'too-short', OAUTH2_CLIENTS_FILE: clients },
    waitForListen: false,
  })
  assert.is(await short.exited, 1)
  assert.match(short.stderr(), /JWT_SECRET must be at least 32 bytes/)
  assert.not.match(short.stderr(), /too-short/)
})

test('production with a registered client and JWT_SECRET_FILE serves tokens', async () => {
  const dir = tmp()
  const clients = join(dir, 'clients.json')
  const secretFile = join(dir, 'jwt')
  writeFileSync(secretFile, `${'p'.repeat(48)}\n`)
  writeFileSync(
    clients,
    serializeClientRegistry([
      {
        clientId: 'agent',
        secretHash: await hashClientSecret('agent-secret-0123456789abcdef0123456789'),
        scopes: ['mcp.access'],
        audiences: [],
      },
    ]),
  )
  const server = await startOAuth2({
    env: {
      MCP_DOCKER_ENV: 'production',
      HOST: '127.0.0.1',
      JWT_SECRET_FILE: secretFile,
      OAUTH2_CLIENTS_FILE: clients,
    },
  })
  try {
    assert.is((await seedToken(server.url)).status, 401, 'no demo client in production')
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: FORM,
      body: 'grant_type=client_credentials&client_id=agent&client_secret=agent-secret-0123456789abcdef0123456789',
    })
    assert.is(res.status, 200)
  } finally {
    await server.stop()
  }
})

test.run()
