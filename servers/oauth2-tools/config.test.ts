import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../../shared/config/errors.ts'
import { readOAuth2ToolsConfig, type Env } from './config.ts'

/** readSecret over an in-memory file system, like shared/node/env.ts. */
const files: Record<string, string> = { '/run/secrets/client': 'file-secret' }
function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name]
  const path = env[`${name}_FILE`]
  if (direct && path) throw new ConfigError([`set either ${name} or ${name}_FILE, not both`])
  if (path) {
    if (!(path in files)) throw new ConfigError([`${name}_FILE: cannot read ${path} (ENOENT)`])
    return files[path]
  }
  return direct || undefined
}
const read = (env: Env) => readOAuth2ToolsConfig(env, readSecret)
const problems = (env: Env) => {
  try {
    read(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  assert.unreachable('expected a ConfigError')
  return []
}

test('development defaults: localhost:8081, the demo client, 5 s timeout', () => {
  assert.equal(read({}), {
    url: 'http://localhost:8081',
    issuer: 'http://localhost:8081',
    clientId: 'mcp-client',
    clientSecret: 'secret',
    secretSource: { kind: 'demo' },
    timeoutMs: 5000,
    production: false,
  })
  assert.is(read({ MCP_DOCKER_ENV: 'development' }).clientSecret, 'secret')
  assert.is(read({ OAUTH2_CLIENT_ID: 'mcp-client' }).clientSecret, 'secret')
})

test('production: the demo client is never used', () => {
  const config = read({ MCP_DOCKER_ENV: 'production' })
  assert.is(config.clientId, undefined)
  assert.is(config.clientSecret, undefined)
  assert.is(config.production, true)
  const named = read({ MCP_DOCKER_ENV: 'production', OAUTH2_CLIENT_ID: 'mcp-client' })
  assert.is(named.clientId, 'mcp-client')
  assert.is(named.clientSecret, undefined)
})

test('configured credentials: env or file, source recorded without the value', () => {
  const env = read({ OAUTH2_CLIENT_ID: 'agent-1', OAUTH2_CLIENT_SECRET: 's3' })
  assert.equal(
    [env.clientId, env.clientSecret, env.secretSource],
    ['agent-1', 's3', { kind: 'env' }],
  )
  const file = read({
    MCP_DOCKER_ENV: 'production',
    OAUTH2_CLIENT_ID: 'mcp-gateway',
    OAUTH2_CLIENT_SECRET_FILE: '/run/secrets/client',
  })
  assert.equal(file.secretSource, { kind: 'file', path: '/run/secrets/client' })
  assert.is(file.clientSecret, 'file-secret')
  // Another client id without a secret gets no demo secret, also in development.
  assert.is(read({ OAUTH2_CLIENT_ID: 'agent-1' }).clientSecret, undefined)
})

test('URLs: trailing slash removed, issuer defaults to the URL, compose-style split', () => {
  const config = read({ OAUTH2_URL: 'http://oauth2:8081/', OAUTH2_ISSUER: 'http://localhost:8081' })
  assert.is(config.url, 'http://oauth2:8081')
  assert.is(config.issuer, 'http://localhost:8081')
  assert.is(read({ OAUTH2_URL: 'https://auth.example/base/' }).issuer, 'https://auth.example/base')
})

test('every problem at once, never a secret value', () => {
  const found = problems({
    MCP_DOCKER_ENV: 'prod',
    OAUTH2_URL: 'ftp://x',
    OAUTH2_ISSUER: 'http://h/?q=1',
    OAUTH2_TIMEOUT_MS: '50',
    OAUTH2_CLIENT_SECRET: 'hunter2',
  })
  assert.equal(found, [
    'MCP_DOCKER_ENV must be "development" or "production"',
    'OAUTH2_URL must be an http(s) URL such as http://localhost:8081',
    'OAUTH2_ISSUER must have no query or fragment (RFC 8414 §2)',
    'OAUTH2_TIMEOUT_MS must be a whole number of milliseconds between 100 and 60000',
    'OAUTH2_CLIENT_SECRET is set but OAUTH2_CLIENT_ID is not: set both',
  ])
  assert.not.ok(found.join('\n').includes('hunter2'))
  assert.equal(problems({ OAUTH2_URL: 'http://user:pw@host' }), [
    'OAUTH2_URL must not carry credentials (user:password@)',
  ])
  assert.equal(
    problems({ OAUTH2_CLIENT_ID: 'a', OAUTH2_CLIENT_SECRET: 'x', OAUTH2_CLIENT_SECRET_FILE: '/f' }),
    ['set either OAUTH2_CLIENT_SECRET or OAUTH2_CLIENT_SECRET_FILE, not both'],
  )
  assert.equal(problems({ OAUTH2_CLIENT_ID: 'a', OAUTH2_CLIENT_SECRET_FILE: '/missing' }), [
    'OAUTH2_CLIENT_SECRET_FILE: cannot read /missing (ENOENT)',
  ])
})

test('OAUTH2_TIMEOUT_MS within 100–60000', () => {
  assert.is(read({ OAUTH2_TIMEOUT_MS: '250' }).timeoutMs, 250)
  assert.equal(problems({ OAUTH2_TIMEOUT_MS: '60001' }).length, 1)
  assert.equal(problems({ OAUTH2_TIMEOUT_MS: '1.5' }).length, 1)
})

test.run()
