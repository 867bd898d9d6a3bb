import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { noStoreJson, OAuthError, oauthErrorResponse, safeDescription } from './oauth-error.ts'

test('OA-16: error response is 400 JSON {error, error_description} by default', async () => {
  const res = oauthErrorResponse(new OAuthError('invalid_scope', 'scope x is not allowed'))
  assert.is(res.status, 400)
  assert.is(res.headers.get('content-type'), 'application/json')
  assert.equal(await res.json(), {
    error: 'invalid_scope',
    error_description: 'scope x is not allowed',
  })
})

test('OA-14: error responses carry Cache-Control: no-store and Pragma: no-cache', () => {
  const res = oauthErrorResponse(new OAuthError('invalid_request', 'x'))
  assert.is(res.headers.get('cache-control'), 'no-store')
  assert.is(res.headers.get('pragma'), 'no-cache')
  const ok = noStoreJson({ a: 1 })
  assert.is(ok.headers.get('cache-control'), 'no-store')
  assert.is(ok.headers.get('pragma'), 'no-cache')
})

test('OA-17: invalid_client defaults to 401 and keeps extra headers', () => {
  const err = new OAuthError('invalid_client', 'bad', {
    headers: { 'WWW-Authenticate': 'Basic realm="r"' },
  })
  const res = oauthErrorResponse(err)
  assert.is(res.status, 401)
  assert.is(res.headers.get('www-authenticate'), 'Basic realm="r"')
  assert.is(new OAuthError('server_error', 'x').status, 500)
  assert.is(new OAuthError('invalid_target', 'x', { status: 413 }).status, 413)
})

test('OA-16: error_description never carries quote, backslash or non-ASCII', async () => {
  assert.is(safeDescription('a"b\\c\u00e9\nd'), 'a?b?c??d')
  const res = oauthErrorResponse(new OAuthError('invalid_request', 'bad "value" \u2028'))
  const body = (await res.json()) as { error_description: string }
  assert.ok(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(body.error_description))
})

test('an empty description is omitted', async () => {
  assert.equal(await oauthErrorResponse(new OAuthError('invalid_grant', '')).json(), {
    error: 'invalid_grant',
  })
})

test.run()
