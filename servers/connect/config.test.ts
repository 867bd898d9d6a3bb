// connect's command line and environment: defaults, every problem at once, no secret in messages.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../../shared/config/errors.ts'
import { readConnectConfig, type Env } from './config.ts'

const secrets = (env: Env, name: string) => {
  if (env[`${name}_FILE`] === '/missing')
    throw new ConfigError([`${name}_FILE: cannot read /missing (ENOENT)`])
  return env[`${name}_FILE`] ? 'from-file' : env[name]
}
const ENV = { OAUTH2_CLIENT_ID: 'cursor', OAUTH2_CLIENT_SECRET: 's3cr3t-value' }

function problems(argv: string[], env: Env): string[] {
  try {
    readConnectConfig(argv, env, secrets)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  assert.unreachable('expected a ConfigError')
  return []
}

test('--url with the defaults: no scope, 30 s, https off loopback not required on localhost', () => {
  assert.equal(readConnectConfig(['--url', 'http://localhost:8080/mcp'], ENV, secrets), {
    url: 'http://localhost:8080/mcp',
    scope: undefined,
    timeoutSeconds: 30,
    clientId: 'cursor',
    clientSecret: 's3cr3t-value',
    allowHttp: false,
    issuer: undefined,
    allowCrossOriginIssuer: false,
  })
})

test('--opt=value forms, --scope normalised, the secret from OAUTH2_CLIENT_SECRET_FILE', () => {
  const config = readConnectConfig(
    ['--url=https://mcp.example/mcp', '--scope', ' mcp.access   audit.read ', '--timeout=5'],
    { OAUTH2_CLIENT_ID: 'cursor', OAUTH2_CLIENT_SECRET_FILE: '/run/secrets/s' },
    secrets,
  )
  assert.ok(!('help' in config))
  if ('help' in config) return
  assert.is(config.scope, 'mcp.access audit.read')
  assert.is(config.timeoutSeconds, 5)
  assert.is(config.clientSecret, 'from-file')
})

test('--help wins', () => {
  assert.equal(readConnectConfig(['--url', 'x', '--help'], {}, secrets), { help: true })
})

test('every problem at once, one line each, never the secret', () => {
  const found = problems(['--scope', 'a"b', '--timeout', '0', '--bogus'], {
    OAUTH2_CLIENT_SECRET: 's3cr3t-value',
    OAUTH2_ALLOW_HTTP: 'maybe',
  })
  assert.equal(found, [
    'unknown argument "--bogus" (see --help)',
    '--url is required (the gateway’s MCP endpoint, e.g. http://localhost:8080/mcp)',
    'OAUTH2_ALLOW_HTTP must be true or false',
    '--scope must be space-separated scope tokens (RFC 6749 §3.3: no quotes or backslashes)',
    '--timeout must be a whole number of seconds between 1 and 600',
    'OAUTH2_CLIENT_ID is required (the client registered with the OAuth2 server)',
  ])
  assert.not.ok(found.join('\n').includes('s3cr3t'))
})

test('credentials: missing secret, unreadable secret file; a value missing after a flag', () => {
  assert.equal(problems(['--url', 'http://localhost/mcp'], { OAUTH2_CLIENT_ID: 'c' }), [
    'OAUTH2_CLIENT_SECRET or OAUTH2_CLIENT_SECRET_FILE is required',
  ])
  assert.equal(
    problems(['--url', 'http://localhost/mcp'], {
      OAUTH2_CLIENT_ID: 'c',
      OAUTH2_CLIENT_SECRET_FILE: '/missing',
    }),
    ['OAUTH2_CLIENT_SECRET_FILE: cannot read /missing (ENOENT)'],
  )
  assert.equal(problems(['--url'], ENV), [
    '--url needs a value',
    '--url is required (the gateway’s MCP endpoint, e.g. http://localhost:8080/mcp)',
  ])
})

test('--url: http off loopback refused unless OAUTH2_ALLOW_HTTP (MCP-A15); no fragment or credentials', () => {
  assert.match(problems(['--url', 'http://gateway.lan/mcp'], ENV)[0]!, /uses http: off loopback/)
  const allowed = readConnectConfig(
    ['--url', 'http://gateway.lan/mcp'],
    { ...ENV, OAUTH2_ALLOW_HTTP: 'true' },
    secrets,
  )
  assert.ok('url' in allowed && allowed.allowHttp)
  assert.match(problems(['--url', 'https://u:p@gw/mcp'], ENV)[0]!, /no credentials or fragment/)
  assert.match(problems(['--url', 'https://gw/mcp#x'], ENV)[0]!, /no credentials or fragment/)
  assert.match(problems(['--url', 'ftp://gw/mcp'], ENV)[0]!, /not an http\(s\) URL/)
  assert.match(problems(['--url', 'mcp'], ENV)[0]!, /is not a URL/)
})

const URL_ARGS = ['--url', 'http://localhost:8080/mcp']
const read = (argv: string[], env: Env) => {
  const config = readConnectConfig(argv, env, secrets)
  if ('help' in config) throw new Error('unexpected --help')
  return config
}

test('--issuer or OAUTH2_ISSUER pins the authorization server (issue §4)', () => {
  assert.is(
    read([...URL_ARGS, '--issuer', 'http://localhost:8081'], ENV).issuer,
    'http://localhost:8081',
  )
  assert.is(
    read([...URL_ARGS, '--issuer=https://as.example/t1'], ENV).issuer,
    'https://as.example/t1',
  )
  assert.is(
    read(URL_ARGS, { ...ENV, OAUTH2_ISSUER: ' https://as.example ' }).issuer,
    'https://as.example',
  )
  // Both, the same value: fine; different values: a problem naming both.
  assert.is(
    read([...URL_ARGS, '--issuer', 'https://as.example'], {
      ...ENV,
      OAUTH2_ISSUER: 'https://as.example',
    }).issuer,
    'https://as.example',
  )
  assert.equal(
    problems([...URL_ARGS, '--issuer', 'https://a.example'], {
      ...ENV,
      OAUTH2_ISSUER: 'https://b.example',
    }),
    ['--issuer and OAUTH2_ISSUER differ (https://a.example and https://b.example); give one'],
  )
})

test('the issuer must be an RFC 8414 §2 issuer: https (http on loopback), no query or fragment', () => {
  assert.match(
    problems([...URL_ARGS, '--issuer', 'http://as.lan'], ENV)[0]!,
    /--issuer http:\/\/as\.lan uses http: off loopback/,
  )
  assert.equal(problems([...URL_ARGS, '--issuer', 'https://as.example/?t=1'], ENV), [
    '--issuer must have no query (RFC 8414 §2: an issuer is a URL without query or fragment)',
  ])
  assert.match(
    problems(URL_ARGS, { ...ENV, OAUTH2_ISSUER: 'https://as.example#x' })[0]!,
    /OAUTH2_ISSUER .* no credentials or fragment/,
  )
  assert.match(problems([...URL_ARGS, '--issuer', 'as'], ENV)[0]!, /--issuer "as" is not a URL/)
  assert.is(
    read([...URL_ARGS, '--issuer', 'http://as.lan'], { ...ENV, OAUTH2_ALLOW_HTTP: '1' }).issuer,
    'http://as.lan',
  )
})

test('--allow-cross-origin-issuer (a flag) or OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER=true', () => {
  assert.is(read([...URL_ARGS, '--allow-cross-origin-issuer'], ENV).allowCrossOriginIssuer, true)
  assert.is(
    read(URL_ARGS, { ...ENV, OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER: 'true' }).allowCrossOriginIssuer,
    true,
  )
  assert.is(
    read(URL_ARGS, { ...ENV, OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER: 'false' }).allowCrossOriginIssuer,
    false,
  )
  // The flag takes no value: the next argument stays an argument of its own.
  assert.is(
    read(['--allow-cross-origin-issuer', ...URL_ARGS], ENV).url,
    'http://localhost:8080/mcp',
  )
  assert.equal(
    problems([...URL_ARGS, '--allow-cross-origin-issuer=yes'], {
      ...ENV,
      OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER: 'sure',
    }),
    [
      '--allow-cross-origin-issuer takes no value',
      'OAUTH2_ALLOW_CROSS_ORIGIN_ISSUER must be true or false',
    ],
  )
})

test.run()
