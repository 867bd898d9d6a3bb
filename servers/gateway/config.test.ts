// Gateway configuration: defaults, production refusals, all problems at once, the config file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../../shared/config/errors.ts'
import { readGatewayConfig, type ConfigSources, type Env } from './config.ts'

const SECRET = 'gateway-test-secret-0123456789-abcdef'
const files: Record<string, string> = {}
const sources: ConfigSources = {
  readSecret: (env, name) => {
    const path = env[`${name}_FILE`]
    if (path)
      return (
        files[path] ??
        (() => {
          throw new ConfigError([`${name}_FILE: cannot read ${path} (ENOENT)`])
        })()
      )
    return env[name] || undefined
  },
  readTextFile: (path) => {
    if (!(path in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' })
    return files[path]!
  },
  builtins: {
    inProcess: ['security', 'oauth2', 'example'],
    children: {
      'sequential-thinking': { command: '/node', args: ['/app/sequential-thinking.mjs'] },
      context7: {
        command: '/node',
        args: ['/app/context7.mjs'],
        env: { OTEL_SDK_DISABLED: 'true' },
        envFrom: ['CONTEXT7_API_KEY'],
      },
    },
  },
}
const read = (env: Env) => readGatewayConfig(env, sources)
const problemsOf = (env: Env): string[] => {
  try {
    read(env)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  assert.unreachable('expected a ConfigError')
  return []
}
const dev = { MCP_DOCKER_ENV: 'development' }

test('development defaults: dev key file, demo client introspection, every built-in server', () => {
  const config = read(dev)
  assert.is(config.port, 8080)
  assert.is(config.host, '127.0.0.1')
  assert.is(config.publicUrl, 'http://localhost:8080')
  assert.is(config.resource, 'http://localhost:8080/mcp')
  assert.is(config.issuer, 'http://localhost:8081')
  assert.is(config.oauth2Url, 'http://localhost:8081')
  assert.equal(config.verification, { alg: 'HS256', secret: undefined })
  assert.equal(config.introspection, {
    url: 'http://localhost:8081/oauth2/introspect',
    clientId: 'mcp-client',
    clientSecret: 'secret',
    cacheMs: 30_000,
  })
  assert.equal(config.requiredScopes, ['mcp.access'])
  assert.equal(
    config.servers.map((s) => [s.name, s.kind]),
    [
      ['security', 'in-process'],
      ['oauth2', 'in-process'],
      ['example', 'in-process'],
      ['sequential-thinking', 'child'],
      ['context7', 'child'],
    ],
  )
  const context7 = config.servers.find((s) => s.name === 'context7')!
  assert.equal(context7.env, { OTEL_SDK_DISABLED: 'true' })
  assert.is(context7.callTimeoutMs, 60_000)
  assert.is(config.limits.maxBodyBytes, 4 * 1024 * 1024)
})

test('MCP-T2 defaults: the public origin and its loopback forms, on the public and listening ports', () => {
  const config = read({ ...dev, PORT: '9000', GATEWAY_PUBLIC_URL: 'http://localhost:8080/' })
  assert.is(config.publicUrl, 'http://localhost:8080')
  for (const origin of [
    'http://localhost:8080',
    'http://127.0.0.1:8080',
    'http://[::1]:8080',
    'http://127.0.0.1:9000',
  ])
    assert.ok(config.allowedOrigins.includes(origin), origin)
  for (const host of ['localhost:8080', '127.0.0.1:8080', 'localhost:9000'])
    assert.ok(config.allowedHosts.includes(host), host)
  assert.not.ok(config.allowedOrigins.includes('http://evil.example'))
  const pub = read({
    ...dev,
    GATEWAY_PUBLIC_URL: 'https://mcp.example.com',
    GATEWAY_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000',
    GATEWAY_ALLOWED_HOSTS: 'gateway:8080',
  })
  assert.ok(pub.allowedOrigins.includes('https://mcp.example.com'))
  assert.ok(pub.allowedOrigins.includes('https://app.example.com'))
  assert.ok(pub.allowedHosts.includes('mcp.example.com'))
  assert.ok(pub.allowedHosts.includes('gateway:8080'))
  assert.is(pub.resource, 'https://mcp.example.com/mcp')
})

test('production refuses a missing key and missing introspection credentials, all at once', () => {
  const problems = problemsOf({})
  assert.is(problems.length, 2, problems.join('\n'))
  assert.match(problems[0]!, /production needs the token key: set JWT_SECRET/)
  assert.match(problems[1]!, /set GATEWAY_CLIENT_ID and GATEWAY_CLIENT_SECRET/)
})

test('an unreadable JWT_SECRET_FILE is its own problem, not also "production needs the token key"', () => {
  const problems = problemsOf({
    JWT_SECRET_FILE: '/run/secrets/missing',
    GATEWAY_REVOCATION_CHECK: 'off',
    OAUTH2_ISSUER: 'https://auth.example',
    GATEWAY_PUBLIC_URL: 'https://mcp.example',
  })
  assert.equal(problems, ['JWT_SECRET_FILE: cannot read /run/secrets/missing (ENOENT)'])
})

test('production with a secret, client credentials and https works; HOST defaults to 0.0.0.0', () => {
  files['/run/secrets/gw'] = 'gateway-client-secret'
  const config = read({
    JWT_SECRET: SECRET,
    GATEWAY_CLIENT_ID: 'mcp-gateway',
    GATEWAY_CLIENT_SECRET_FILE: '/run/secrets/gw',
    OAUTH2_ISSUER: 'https://auth.example.com',
  })
  assert.is(config.mode, 'production')
  assert.is(config.host, '0.0.0.0')
  assert.equal(config.verification, { alg: 'HS256', secret: SECRET })
  assert.equal(config.introspection?.clientId, 'mcp-gateway')
  assert.equal(config.introspection?.clientSecret, 'gateway-client-secret')
  assert.is(config.introspection?.url, 'https://auth.example.com/oauth2/introspect')
})

test('OAUTH2_CLIENT_* (what compose sets) serve when GATEWAY_CLIENT_* are absent', () => {
  const config = read({
    JWT_SECRET: SECRET,
    OAUTH2_URL: 'http://oauth2:8081',
    OAUTH2_ALLOW_HTTP: 'true',
    OAUTH2_CLIENT_ID: 'mcp-gateway',
    OAUTH2_CLIENT_SECRET: 's3cret',
  })
  assert.equal(config.introspection, {
    url: 'http://oauth2:8081/oauth2/introspect',
    clientId: 'mcp-gateway',
    clientSecret: 's3cret',
    cacheMs: 30_000,
  })
})

test('http AS URLs off loopback are refused in production unless OAUTH2_ALLOW_HTTP=true', () => {
  const problems = problemsOf({
    JWT_SECRET: SECRET,
    OAUTH2_URL: 'http://oauth2:8081',
    GATEWAY_CLIENT_ID: 'gw',
    GATEWAY_CLIENT_SECRET: 'x',
  })
  assert.equal(problems.length, 1)
  assert.match(problems[0]!, /uses http: off loopback/)
  assert.match(problems[0]!, /OAUTH2_ALLOW_HTTP=true/)
})

test('GATEWAY_REVOCATION_CHECK=off needs no client; ES256 takes the JWKS URL and no secret', () => {
  const config = read({
    GATEWAY_REVOCATION_CHECK: 'off',
    OAUTH2_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
  })
  assert.is(config.introspection, undefined)
  assert.equal(config.verification, {
    alg: 'ES256',
    jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
  })
  const derived = read({ ...dev, JWT_ALG: 'ES256', OAUTH2_URL: 'http://localhost:8081' })
  assert.equal(derived.verification, {
    alg: 'ES256',
    jwksUrl: 'http://localhost:8081/.well-known/jwks.json',
  })
  assert.match(
    problemsOf({ ...dev, JWT_ALG: 'ES256', JWT_SECRET: SECRET })[0]!,
    /JWT_SECRET is for HS256/,
  )
})

test('bad values: one line per problem, never a secret value', () => {
  const problems = problemsOf({
    MCP_DOCKER_ENV: 'staging',
    PORT: 'eighty',
    GATEWAY_PUBLIC_URL: 'http://localhost:8080/base',
    OAUTH2_ISSUER: 'ftp://x',
    JWT_SECRET: 'short-secret-value',
    GATEWAY_ALLOWED_ORIGINS: 'https://ok.example,not an origin',
    GATEWAY_CLIENT_SECRET: 'lonely-secret',
  })
  assert.equal(problems, [
    'MCP_DOCKER_ENV must be "development" or "production"',
    'PORT must be a whole number',
    'GATEWAY_PUBLIC_URL must be an origin without a path (the endpoint is <GATEWAY_PUBLIC_URL>/mcp)',
    'OAUTH2_ISSUER must be an http(s) URL',
    "JWT_SECRET must be at least 32 bytes (RFC 7518 §3.2): use the OAuth2 server's signing secret",
    'GATEWAY_CLIENT_SECRET is set but GATEWAY_CLIENT_ID is not',
    'GATEWAY_ALLOWED_ORIGINS: "not an origin" is not a valid entry',
  ])
  assert.not.ok(problems.join('\n').includes('short-secret-value'))
  assert.not.ok(problems.join('\n').includes('lonely-secret'))
})

test('the config file: built-ins off, a child added, allow-lists, scopes, limits, envFrom', () => {
  files['/etc/gw.json'] = JSON.stringify({
    defaultServers: false,
    requiredScopes: ['mcp.access', 'gateway'],
    servers: {
      example: { enabled: true, tools: ['echo'], toolScopes: { echo: ['echo.use'] } },
      fixture: {
        command: 'node',
        args: ['test/fixtures/gateway-child.mjs'],
        env: { FIXTURE_NAME: 'f' },
        envFrom: ['FIXTURE_KEY', 'ABSENT_KEY'],
        scopes: ['fixture'],
        callTimeoutSeconds: 5,
      },
    },
    limits: { sessionIdleSeconds: 60, requestsPerMinute: 0, revocationCacheSeconds: 5 },
  })
  const config = read({ ...dev, GATEWAY_CONFIG_FILE: '/etc/gw.json', FIXTURE_KEY: 'k-1' })
  assert.equal(config.requiredScopes, ['mcp.access', 'gateway'])
  assert.equal(config.servers, [
    {
      name: 'example',
      kind: 'in-process',
      args: [],
      env: {},
      tools: ['echo'],
      scopes: [],
      toolScopes: { echo: ['echo.use'] },
      callTimeoutMs: 60_000,
    },
    {
      name: 'fixture',
      kind: 'child',
      command: 'node',
      args: ['test/fixtures/gateway-child.mjs'],
      env: { FIXTURE_NAME: 'f', FIXTURE_KEY: 'k-1' },
      scopes: ['fixture'],
      toolScopes: {},
      callTimeoutMs: 5000,
    },
  ])
  assert.is(config.limits.sessionIdleSeconds, 60)
  assert.is(config.limits.requestsPerMinute, 0)
  assert.is(config.introspection?.cacheMs, 5000)
  assert.is(config.limits.maxSessions, 1000)
})

test('config file problems are reported with their paths, together with env problems', () => {
  files['/etc/bad.json'] = JSON.stringify({
    servers: {
      example: { command: 'node' },
      mystery: { tools: ['a'], toolScopes: { b: ['x'] } },
      'bad name': {},
      fixture: { command: 'node', scopes: ['has space'], extra: 1 },
    },
    limits: { maxSessions: 0 },
  })
  const problems = problemsOf({ ...dev, PORT: '-1', GATEWAY_CONFIG_FILE: '/etc/bad.json' })
  assert.ok(problems.includes('PORT must be a whole number'), problems.join('\n'))
  const fileProblems = problems.filter((p) => p.startsWith('GATEWAY_CONFIG_FILE'))
  assert.ok(
    fileProblems.some((p) => /servers\.bad name: server names are/.test(p)),
    fileProblems.join('\n'),
  )
  assert.ok(fileProblems.some((p) => /servers\.fixture\.scopes\.0: must be a scope token/.test(p)))
  assert.ok(fileProblems.some((p) => /servers\.fixture\.extra: unknown field/.test(p)))
  assert.ok(fileProblems.some((p) => /limits\.maxSessions: must be between 1 and 100000/.test(p)))
  files['/etc/semantic.json'] = JSON.stringify({
    servers: { example: { command: 'node' }, mystery: { tools: ['a'], toolScopes: { b: ['x'] } } },
  })
  assert.equal(problemsOf({ ...dev, GATEWAY_CONFIG_FILE: '/etc/semantic.json' }), [
    'GATEWAY_CONFIG_FILE: servers.example.command: example runs inside the gateway (no command, args or environment)',
    'GATEWAY_CONFIG_FILE: servers.mystery.command is required (mystery is not a built-in server)',
    'GATEWAY_CONFIG_FILE: servers.mystery.toolScopes.b: the tools allow-list leaves this tool out',
  ])
  assert.match(
    problemsOf({ ...dev, GATEWAY_CONFIG_FILE: '/nope.json' })[0]!,
    /cannot read \/nope.json \(ENOENT\)/,
  )
  files['/etc/notjson'] = '{'
  assert.match(problemsOf({ ...dev, GATEWAY_CONFIG_FILE: '/etc/notjson' })[0]!, /is not valid JSON/)
  files['/etc/array.json'] = '[]'
  assert.match(
    problemsOf({ ...dev, GATEWAY_CONFIG_FILE: '/etc/array.json' })[0]!,
    /must be a JSON object/,
  )
})

test("session limits: the per-client cap stays at most the global one; built-ins' default tool scopes", () => {
  files['/etc/caps.json'] = JSON.stringify({ limits: { maxSessions: 10 } })
  const small = read({ ...dev, GATEWAY_CONFIG_FILE: '/etc/caps.json' })
  assert.equal(
    [
      small.limits.maxSessions,
      small.limits.maxSessionsPerClient,
      small.limits.maxCallsInFlightPerClient,
    ],
    [10, 10, 16],
    'the default per-client cap follows a smaller global cap',
  )
  files['/etc/over.json'] = JSON.stringify({
    limits: { maxSessions: 10, maxSessionsPerClient: 11, maxCallsInFlightPerClient: 0 },
  })
  const problems = problemsOf({ ...dev, GATEWAY_CONFIG_FILE: '/etc/over.json' })
  assert.ok(
    problems.some((p) => /limits\.maxCallsInFlightPerClient: must be between 1 and 10000/.test(p)),
    problems.join('\n'),
  )
  files['/etc/over2.json'] = JSON.stringify({
    limits: { maxSessions: 10, maxSessionsPerClient: 11 },
  })
  assert.equal(problemsOf({ ...dev, GATEWAY_CONFIG_FILE: '/etc/over2.json' }), [
    'GATEWAY_CONFIG_FILE: limits.maxSessionsPerClient must be at most limits.maxSessions (keep it well below, so one client cannot take every session)',
  ])
  const scoped = readGatewayConfig(dev, {
    ...sources,
    builtins: {
      ...sources.builtins,
      toolScopes: { security: { get_security_audit_log: ['audit.read'], other: ['x'] } },
    },
  })
  const security = scoped.servers.find((s) => s.name === 'security')!
  assert.equal(security.toolScopes, { get_security_audit_log: ['audit.read'], other: ['x'] })
  files['/etc/lift.json'] = JSON.stringify({
    servers: {
      security: { tools: ['get_security_audit_log'], toolScopes: { get_security_audit_log: [] } },
    },
  })
  const lifted = readGatewayConfig(
    { ...dev, GATEWAY_CONFIG_FILE: '/etc/lift.json' },
    {
      ...sources,
      builtins: {
        ...sources.builtins,
        toolScopes: { security: { get_security_audit_log: ['audit.read'], other: ['x'] } },
      },
    },
  )
  assert.equal(
    lifted.servers.find((s) => s.name === 'security')!.toolScopes,
    { get_security_audit_log: [] },
    'the file replaces a default; defaults of tools the allow-list leaves out are dropped',
  )
})

test.run()
