import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../../shared/config/errors.ts'
import { readSecret } from '../../shared/node/env.ts'
import { readOAuth2Config } from './config.ts'

const SECRET = 's'.repeat(40)
const read = (env: Record<string, string>) => readOAuth2Config(env, readSecret)

function problems(env: Record<string, string>): readonly string[] {
  try {
    read(env)
  } catch (error) {
    assert.instance(error, ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

test('defaults: production, port 8081, issuer localhost:8081, TTL 1800, gateway default resource', () => {
  const config = read({ JWT_SECRET: SECRET, OAUTH2_CLIENTS_FILE: '/c.json' })
  assert.equal(config, {
    mode: 'production',
    port: 8081,
    host: '0.0.0.0',
    issuer: 'http://localhost:8081',
    tokenTtlSeconds: 1800,
    defaultResource: 'http://localhost:8080/mcp',
    alg: 'HS256',
    jwtSecret: SECRET,
    privateJwk: undefined,
    clientsFile: '/c.json',
    auditLogFile: undefined,
    revocationFile: undefined,
    devDir: '.dev',
    trustProxy: false,
    publicScopes: ['mcp.access'],
  })
})

test('development needs no key or clients file and binds 127.0.0.1', () => {
  const config = read({ MCP_DOCKER_ENV: 'development' })
  assert.equal(
    [config.mode, config.jwtSecret, config.clientsFile, config.host],
    ['development', undefined, undefined, '127.0.0.1'],
  )
})

test('every variable is read; the issuer loses a trailing slash; PORT changes the default issuer', () => {
  const config = read({
    MCP_DOCKER_ENV: 'development',
    PORT: '9000',
    TOKEN_TTL_SECONDS: '60',
    OAUTH2_DEFAULT_RESOURCE: 'https://gw.example/mcp',
    AUDIT_LOG_FILE: '/tmp/audit.jsonl',
    OAUTH2_TRUST_PROXY: 'true',
    MCP_DOCKER_DEV_DIR: '/tmp/dev',
    HOST: '::1',
  })
  assert.is(config.port, 9000)
  assert.is(config.issuer, 'http://localhost:9000')
  assert.is(config.tokenTtlSeconds, 60)
  assert.is(config.defaultResource, 'https://gw.example/mcp')
  assert.is(config.auditLogFile, '/tmp/audit.jsonl')
  assert.ok(config.trustProxy)
  assert.is(config.devDir, '/tmp/dev')
  assert.is(config.host, '::1')
  assert.is(
    read({ MCP_DOCKER_ENV: 'development', OAUTH2_ISSUER: 'https://as.example/' }).issuer,
    'https://as.example',
  )
})

test('JWT_SECRET_FILE is read (Docker secrets)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth2-config-'))
  writeFileSync(join(dir, 'jwt'), `${SECRET}\n`)
  assert.is(
    read({ JWT_SECRET_FILE: join(dir, 'jwt'), OAUTH2_CLIENTS_FILE: '/c' }).jwtSecret,
    SECRET,
  )
})

test('invalid values: one clear line per problem, all at once, no secret values', () => {
  const list = problems({
    MCP_DOCKER_ENV: 'staging',
    PORT: 'eighty',
    TOKEN_TTL_SECONDS: '0',
    OAUTH2_ISSUER: 'ftp://x',
    OAUTH2_DEFAULT_RESOURCE: '/relative',
    OAUTH2_TRUST_PROXY: 'maybe',
    JWT_SECRET: 'short-secret-value',
  })
  assert.is(list.length, 7, list.join('\n'))
  const text = list.join('\n')
  for (const name of [
    'MCP_DOCKER_ENV',
    'PORT',
    'TOKEN_TTL_SECONDS',
    'OAUTH2_ISSUER',
    'OAUTH2_DEFAULT_RESOURCE',
    'OAUTH2_TRUST_PROXY',
    'JWT_SECRET',
  ]) {
    assert.match(text, name)
  }
  assert.not.match(text, /short-secret-value/)
})

test('production refuses no key and no clients file, and says why', () => {
  const list = problems({})
  assert.equal(list.length, 2)
  assert.match(list[0]!, /production needs a signing key: set JWT_SECRET or JWT_SECRET_FILE/)
  assert.match(list[1]!, /production needs OAUTH2_CLIENTS_FILE/)
  assert.match(problems({ JWT_ALG: 'ES256', OAUTH2_CLIENTS_FILE: '/c' })[0]!, /JWT_PRIVATE_KEY/)
})

test('JW-7: a short key is refused in every mode', () => {
  assert.match(
    problems({ MCP_DOCKER_ENV: 'development', JWT_SECRET: 'x'.repeat(31) })[0]!,
    /at least 32 bytes/,
  )
})

test('issue 9 §6: OAUTH2_PUBLIC_SCOPES lists what the metadata may publish; empty publishes none', () => {
  const dev = { MCP_DOCKER_ENV: 'development' }
  const scopes = (value: string) => read({ ...dev, OAUTH2_PUBLIC_SCOPES: value }).publicScopes
  assert.equal(scopes('mcp.access, tools  other'), ['mcp.access', 'tools', 'other'])
  assert.equal(scopes(''), [])
  const bad = problems({ ...dev, OAUTH2_PUBLIC_SCOPES: 'ok "quoted"' })
  assert.equal(bad, [
    'OAUTH2_PUBLIC_SCOPES must list scope tokens (RFC 6749 §3.3) separated by spaces or commas',
  ])
})

test('the issuer must have no query or fragment (RFC 8414 §2)', () => {
  assert.match(
    problems({ MCP_DOCKER_ENV: 'development', OAUTH2_ISSUER: 'https://x/?a=1' })[0]!,
    /no query or fragment/,
  )
})

test.run()
