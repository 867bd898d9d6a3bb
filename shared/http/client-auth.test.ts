import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  basicChallenge,
  decodeBasicCredentials,
  encodeBasicCredentials,
  readClientCredentials,
} from './client-auth.ts'
import { StrictForm } from './form.ts'
import { OAuthError } from './oauth-error.ts'

const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))
const form = (body: string) => new StrictForm(new URLSearchParams(body))
const req = (authorization?: string) =>
  new Request('http://x/token', { method: 'POST', headers: authorization ? { authorization } : {} })

function refusal(run: () => unknown): OAuthError {
  try {
    run()
  } catch (error) {
    assert.instance(error, OAuthError)
    return error as OAuthError
  }
  throw new Error('expected an OAuthError')
}

test('OA-7: Basic credentials are form-decoded after base64, split on the first colon', () => {
  assert.equal(decodeBasicCredentials(b64('a%3Ab:s%3Ac+d')), {
    clientId: 'a:b',
    clientSecret: 's:c d',
  })
  assert.equal(decodeBasicCredentials(b64('id:pa:ss')), { clientId: 'id', clientSecret: 'pa:ss' })
  assert.equal(decodeBasicCredentials(b64('%C3%A9:x')), { clientId: 'é', clientSecret: 'x' })
  assert.equal(decodeBasicCredentials(b64('mcp-client:secret')), {
    clientId: 'mcp-client',
    clientSecret: 'secret',
  })
})

test('OA-7: the Basic encoder form-urlencodes before base64 and round-trips through the decoder', () => {
  assert.is(encodeBasicCredentials('mcp-client', 'secret'), `Basic ${btoa('mcp-client:secret')}`)
  assert.is(encodeBasicCredentials('a:b', 'p +%'), `Basic ${btoa('a%3Ab:p+%2B%25')}`)
  for (const [id, secret] of [
    ['a:b c', 'x+y%z:'],
    ['한국', 'pässwörd ✓'],
    ['', ''],
  ] as const) {
    const header = encodeBasicCredentials(id, secret)
    assert.equal(decodeBasicCredentials(header.slice('Basic '.length)), {
      clientId: id,
      clientSecret: secret,
    })
  }
})

test('OA-7: malformed Basic credentials decode to undefined', () => {
  for (const bad of ['@@@', b64('nocolon'), b64('a:%zz'), 'YQ', btoa('\xff\xfe:x')]) {
    assert.is(decodeBasicCredentials(bad), undefined, bad)
  }
})

test('OA-7: client_secret_basic is read from the Authorization header', () => {
  const creds = readClientCredentials(req(`Basic ${b64('mcp-client:secret')}`), form(''), 'r')
  assert.equal(creds, {
    method: 'client_secret_basic',
    clientId: 'mcp-client',
    clientSecret: 'secret',
  })
  const lower = readClientCredentials(req(`basic ${b64('a:b')}`), form('client_id=a'), 'r')
  assert.is(lower.method, 'client_secret_basic')
})

test('OA-8: client_secret_post is read from the body', () => {
  const creds = readClientCredentials(req(), form('client_id=c&client_secret=s'), 'r')
  assert.equal(creds, { method: 'client_secret_post', clientId: 'c', clientSecret: 's' })
})

test('OA-6: Basic header and body client_secret together are invalid_request (400)', () => {
  const error = refusal(() =>
    readClientCredentials(req(`Basic ${b64('a:b')}`), form('client_id=a&client_secret=b'), 'r'),
  )
  assert.is(error.code, 'invalid_request')
  assert.is(error.status, 400)
})

test('a body client_id that differs from the Basic one is invalid_request', () => {
  const error = refusal(() =>
    readClientCredentials(req(`Basic ${b64('a:b')}`), form('client_id=z'), 'r'),
  )
  assert.is(error.code, 'invalid_request')
})

test('OA-17: malformed Basic or another scheme is 401 invalid_client with a Basic challenge', () => {
  for (const header of ['Basic !!!', `Bearer abc`, 'Basic', `Basic ${b64('nocolon')}`]) {
    const error = refusal(() => readClientCredentials(req(header), form(''), 'mcp'))
    assert.is(error.code, 'invalid_client', header)
    assert.is(error.status, 401)
    assert.is(error.headers['WWW-Authenticate'], 'Basic realm="mcp", charset="UTF-8"')
  }
})

test('OA-5: no secret yields method none with the body client_id, if any', () => {
  assert.equal(readClientCredentials(req(), form('client_id=pub'), 'r'), {
    method: 'none',
    clientId: 'pub',
  })
  assert.equal(readClientCredentials(req(), form(''), 'r'), { method: 'none', clientId: undefined })
  assert.is(
    refusal(() => readClientCredentials(req(), form('client_secret=s'), 'r')).code,
    'invalid_request',
  )
})

test('OA-3: repeated client_id is invalid_request', () => {
  const error = refusal(() =>
    readClientCredentials(req(), form('client_id=a&client_id=b&client_secret=s'), 'r'),
  )
  assert.is(error.code, 'invalid_request')
})

test('basicChallenge strips quotes from the realm', () => {
  assert.is(basicChallenge('a"b'), 'Basic realm="ab", charset="UTF-8"')
})

test.run()
