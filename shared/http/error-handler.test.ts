import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RequestBodyError } from './body.ts'
import { jsonErrorHandler, jsonNotFound, methodNotAllowed } from './error-handler.ts'
import { OAuthError } from './oauth-error.ts'

function app() {
  const seen: unknown[] = []
  const a = new Hono()
  a.onError(jsonErrorHandler({ onUnexpected: (e) => seen.push(e) }))
  a.notFound(jsonNotFound)
  a.get('/oauth', () => {
    throw new OAuthError('invalid_scope', 'nope')
  })
  a.get('/body', () => {
    throw new RequestBodyError('ERR_BODY_TOO_LARGE', 'too big')
  })
  a.get('/crash', () => {
    throw new Error('secret detail at /srv/app.ts:12')
  })
  a.get('/hono', () => {
    throw new HTTPException(400, { message: 'x' })
  })
  return { a, seen }
}

test('OAuthError and RequestBodyError map to their RFC 6749 §5.2 form', async () => {
  const { a } = app()
  const oauth = await a.request('/oauth')
  assert.is(oauth.status, 400)
  assert.equal(await oauth.json(), { error: 'invalid_scope', error_description: 'nope' })
  const body = await a.request('/body')
  assert.is(body.status, 413)
  assert.is(((await body.json()) as { error: string }).error, 'invalid_request')
})

test('unexpected errors are a bare 500 with no message or stack, reported to onUnexpected', async () => {
  const { a, seen } = app()
  const res = await a.request('/crash')
  assert.is(res.status, 500)
  const text = await res.text()
  assert.not.match(text, /secret|app\.ts|at /)
  assert.equal(JSON.parse(text), {
    error: 'server_error',
    error_description: 'internal server error',
  })
  assert.is(seen.length, 1)
})

test('Hono HTTPExceptions below 500 keep their status with a generic body', async () => {
  const { a } = app()
  const res = await a.request('/hono')
  assert.is(res.status, 400)
  assert.equal(await res.json(), { error: 'invalid_request' })
})

test('unknown paths are JSON 404s; methodNotAllowed sets Allow', async () => {
  const { a } = app()
  const res = await a.request('/nowhere')
  assert.is(res.status, 404)
  assert.equal(await res.json(), { error: 'not_found' })
  const nope = methodNotAllowed(['POST'])
  assert.is(nope.status, 405)
  assert.is(nope.headers.get('allow'), 'POST')
})

test.run()
