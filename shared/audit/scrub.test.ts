import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REDACTED, capLength, scrubSecrets } from './scrub.ts'

const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJjbGllbnQtMSIsImp0aSI6IjEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'

test('LOG-1: a JWT is redacted wherever it appears', () => {
  const out = scrubSecrets(`token was ${jwt}, rejected`)
  assert.is(out, `token was ${REDACTED}, rejected`)
  assert.is(scrubSecrets(jwt, 'identifier'), REDACTED)
})

test('LOG-1: Bearer, Basic and DPoP credentials are redacted, the scheme kept', () => {
  assert.is(scrubSecrets('got Bearer abc.def-123_x~'), `got Bearer ${REDACTED}`)
  assert.is(scrubSecrets('Basic dXNlcjpwYXNzd29yZA=='), `Basic ${REDACTED}`)
  assert.is(scrubSecrets('dpop  abcDEF123'), `dpop  ${REDACTED}`)
  assert.is(scrubSecrets('Basic dXNlcjpw', 'identifier'), `Basic ${REDACTED}`)
})

test('LOG-1: Authorization header values and secret-named pairs are redacted', () => {
  assert.is(scrubSecrets('Authorization: Token s3cr3t, next'), `Authorization: ${REDACTED}, next`)
  assert.is(scrubSecrets('{"authorization":"Bearer x"}'), `{"authorization":${REDACTED}}`)
  assert.is(scrubSecrets('client_secret=hunter2&x=1'), `client_secret=${REDACTED}&x=1`)
  assert.is(scrubSecrets('password: "pw1"'), `password: "${REDACTED}"`)
  assert.is(
    scrubSecrets('api-key=k1 access_token=t1'),
    `api-key=${REDACTED} access_token=${REDACTED}`,
  )
})

test('free text: long hex and mixed base64 runs are redacted', () => {
  const hex = 'a3f9'.repeat(8)
  assert.is(scrubSecrets(`key ${hex} end`), `key ${REDACTED} end`)
  const b64 = 'Q2xpZW50U2VjcmV0VmFsdWUxMjM0NTY3ODkw'
  assert.is(scrubSecrets(`k=${b64}`), `k=${REDACTED}`)
  assert.is(scrubSecrets(`short ${'a3f9'.repeat(7)}`), `short ${'a3f9'.repeat(7)}`)
})

test('harmless text and long plain words are kept', () => {
  const text = 'tool simulate_data_breach_detection_for_everyone failed: invalid_token (expired)'
  assert.is(scrubSecrets(text), text)
  assert.is(scrubSecrets('invalid_client'), 'invalid_client')
})

test('identifiers keep long random ids (a jti, a client id); free text does not', () => {
  const jti = 'Zk3J9qL2xV7mN4pR8sT1uW6yA0bC5dE3fG9hI2jK4lM'
  assert.is(scrubSecrets(jti, 'identifier'), jti)
  assert.is(scrubSecrets(jti, 'text'), REDACTED)
  const uuid = '6f1c2b9e-3d4a-4b8c-9e7f-0a1b2c3d4e5f'
  assert.is(scrubSecrets(uuid), uuid)
})

test('capLength cuts with … and never splits a surrogate pair', () => {
  assert.is(capLength('abc', 3), 'abc')
  assert.is(capLength('abcdef', 4), 'abc…')
  assert.is(capLength('ab😀cd', 4), 'ab…')
  assert.is(capLength('x'.repeat(1000), 256).length, 256)
})

test.run()
