import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readForm, StrictForm } from './form.ts'
import { OAuthError } from './oauth-error.ts'

const FORM = 'application/x-www-form-urlencoded'
const post = (body: string, type: string | null = FORM) =>
  new Request('http://x/token', {
    method: 'POST',
    body: new TextEncoder().encode(body), // bytes: no implicit text/plain Content-Type
    headers: type ? { 'content-type': type } : {},
  })

async function oauthError(run: () => Promise<unknown> | unknown): Promise<OAuthError> {
  try {
    await run()
  } catch (error) {
    assert.instance(error, OAuthError)
    return error as OAuthError
  }
  throw new Error('expected an OAuthError')
}

test('OA-3: empty values count as omitted; unknown parameters are ignored', async () => {
  const form = await readForm(post('grant_type=client_credentials&scope=&foo=bar&foo=baz'))
  assert.is(form.get('grant_type'), 'client_credentials')
  assert.is(form.get('scope'), undefined)
  assert.is(form.has('scope'), false)
  assert.is(form.get('missing'), undefined)
})

test('OA-3: a repeated parameter is invalid_request when read', async () => {
  const form = await readForm(post('grant_type=client_credentials&grant_type=client_credentials'))
  const error = await oauthError(() => form.get('grant_type'))
  assert.is(error.code, 'invalid_request')
  assert.is(error.status, 400)
})

test('OA-3: an empty repeat does not count as a repeat', () => {
  const form = new StrictForm(new URLSearchParams('scope=&scope=a'))
  assert.is(form.get('scope'), 'a')
})

test('getAll keeps multi-valued parameters (RFC 8707 resource)', () => {
  const form = new StrictForm(new URLSearchParams('resource=a&resource=&resource=b'))
  assert.equal(form.getAll('resource'), ['a', 'b'])
})

test('form decoding: + is space, percent escapes are UTF-8 (RFC 6749 App. B)', async () => {
  const form = await readForm(post('scope=a+b%20c&x=%C3%A9'))
  assert.is(form.get('scope'), 'a b c')
  assert.is(form.get('x'), 'é')
})

test('OA-1: a non-form content type is 415 invalid_request', async () => {
  for (const type of ['application/json', null, 'multipart/form-data']) {
    const error = await oauthError(() => readForm(post('{}', type)))
    assert.is(error.status, 415)
    assert.is(error.code, 'invalid_request')
  }
})

test('bodies over the limit are 413 invalid_request', async () => {
  const error = await oauthError(() => readForm(post(`a=${'x'.repeat(100)}`), { maxBytes: 50 }))
  assert.is(error.status, 413)
  assert.is(error.code, 'invalid_request')
})

test('invalid UTF-8 bodies are 400 invalid_request', async () => {
  const request = new Request('http://x/', {
    method: 'POST',
    body: new Uint8Array([0x61, 0x3d, 0xc3]),
    headers: { 'content-type': FORM },
  })
  const error = await oauthError(() => readForm(request))
  assert.is(error.status, 400)
})

test.run()
