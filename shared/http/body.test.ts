import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  decodeUtf8,
  parseMediaType,
  readBodyBytes,
  RequestBodyError,
  requireMediaType,
} from './body.ts'

const post = (body: RequestInit['body'], headers: Record<string, string> = {}) =>
  new Request('http://x/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

const streamOf = (chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })

async function refused(promise: Promise<unknown>): Promise<RequestBodyError> {
  try {
    await promise
  } catch (error) {
    assert.instance(error, RequestBodyError)
    return error as RequestBodyError
  }
  throw new Error('expected a RequestBodyError')
}

test('reads small bodies with and without Content-Length', async () => {
  const a = await readBodyBytes(post('a=1', { 'content-length': '3' }))
  assert.is(new TextDecoder().decode(a), 'a=1')
  const b = await readBodyBytes(post(streamOf([new Uint8Array([1, 2]), new Uint8Array([3])])))
  assert.equal([...b], [1, 2, 3])
  assert.is((await readBodyBytes(new Request('http://x/'))).byteLength, 0)
})

test('413 when Content-Length declares more than the limit (nothing read)', async () => {
  const error = await refused(readBodyBytes(post('x', { 'content-length': '20000' }), 16384))
  assert.is(error.status, 413)
  assert.is(error.code, 'ERR_BODY_TOO_LARGE')
})

test('413 when a chunked body grows past the limit', async () => {
  const chunks = Array.from({ length: 20 }, () => new Uint8Array(1024))
  const error = await refused(readBodyBytes(post(streamOf(chunks)), 16384))
  assert.is(error.status, 413)
})

test('413 when the real body is larger than a lying Content-Length', async () => {
  const error = await refused(readBodyBytes(post('x'.repeat(100), { 'content-length': '5' }), 10))
  assert.is(error.status, 413)
})

test('exactly the limit is accepted', async () => {
  const bytes = await readBodyBytes(post(streamOf([new Uint8Array(16)])), 16)
  assert.is(bytes.byteLength, 16)
})

test('a non-numeric Content-Length is a 400', async () => {
  const error = await refused(readBodyBytes(post('x', { 'content-length': '1e3' })))
  assert.is(error.status, 400)
})

test('decodeUtf8 refuses invalid UTF-8 with a 400', async () => {
  assert.is(decodeUtf8(new TextEncoder().encode('é')), 'é')
  const error = await refused(
    Promise.resolve().then(() => decodeUtf8(new Uint8Array([0xff, 0xfe]))),
  )
  assert.is(error.status, 400)
})

test('parseMediaType lower-cases type and parameter names, unquotes values', () => {
  assert.equal(parseMediaType('Application/X-WWW-Form-Urlencoded; Charset="UTF-8"'), {
    type: 'application/x-www-form-urlencoded',
    params: { charset: 'UTF-8' },
  })
  assert.is(parseMediaType(null), undefined)
  assert.is(parseMediaType('garbage'), undefined)
  assert.is(parseMediaType('/json'), undefined)
  assert.is(parseMediaType('a b/c'), undefined)
})

test('requireMediaType: 415 for missing, wrong type or non-UTF-8 charset', async () => {
  const form = 'application/x-www-form-urlencoded'
  requireMediaType(post('', { 'content-type': form }), form)
  requireMediaType(post('', { 'content-type': `${form}; charset=utf-8` }), form)
  for (const type of [undefined, 'application/json', 'text/plain', `${form}; charset=latin1`]) {
    const headers: Record<string, string> = type ? { 'content-type': type } : {}
    const error = await refused(
      Promise.resolve().then(() => requireMediaType(post('a', headers), form)),
    )
    assert.is(error.status, 415, String(type))
  }
})

test.run()
