import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeJwtUnverified } from './jwt-decode.ts'

const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

test('header and payload of a JWS compact token, signature not checked', () => {
  const token = `${b64url({ alg: 'HS256', typ: 'at+jwt' })}.${b64url({ sub: 'mcp-client', exp: 1 })}.forged`
  assert.equal(decodeJwtUnverified(token), {
    header: { alg: 'HS256', typ: 'at+jwt' },
    payload: { sub: 'mcp-client', exp: 1 },
  })
})

test('anything else is undefined: opaque tokens, two parts, non-objects, bad base64url, bad UTF-8', () => {
  const header = b64url({ alg: 'HS256' })
  for (const token of [
    'opaque-token',
    `${header}.${b64url({})}`,
    `${header}.${b64url([1])}.s`,
    `${header}.${b64url('text')}.s`,
    `${header}.e+y.s`,
    `.${b64url({})}.s`,
    `${header}.${btoa('\xff\xfe').replace(/=+$/, '')}.s`,
  ]) {
    assert.is(decodeJwtUnverified(token), undefined, token)
  }
})

test.run()
