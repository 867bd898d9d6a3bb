import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { installFakeTimers } from '../../test/support/fake-timers.ts'
import { fetchOAuthJson, OAuthJsonError, type OAuthFetch } from './oauth-json.ts'

const URL_ = 'https://as.example/oauth2/token'

async function failure(promise: Promise<unknown>): Promise<OAuthJsonError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof OAuthJsonError) return error
    throw error
  }
  throw new Error('expected an OAuthJsonError')
}

test('JSON is parsed from a JSON media type only (RFC 8414 §3.2, RFC 6749 §5.1: application/json)', async () => {
  const answer = (body: string, type?: string) =>
    fetchOAuthJson(
      async () => new Response(body, type ? { headers: { 'Content-Type': type } } : {}),
      URL_,
      {},
      { timeoutMs: 5_000 },
    )
  assert.equal((await answer('{"a":1}', 'application/json; charset=utf-8')).json, { a: 1 })
  assert.equal((await answer('{"a":1}', 'application/problem+json')).json, { a: 1 })
  assert.is((await answer('{"a":1}', 'text/html')).json, undefined)
  assert.is((await answer('{"a":1}')).json, undefined) // text/plain, Response's default
  assert.is((await answer('{"a":', 'application/json')).json, undefined)
  assert.is((await answer('', 'application/json')).json, undefined)
})

test('redirects are not followed and any status is returned', async () => {
  let init: RequestInit | undefined
  const fetch: OAuthFetch = async (_url, given) => {
    init = given
    return new Response(null, { status: 302, headers: { Location: 'https://evil.example/' } })
  }
  const answer = await fetchOAuthJson(fetch, URL_, { method: 'POST' }, { timeoutMs: 5_000 })
  assert.is(answer.status, 302)
  assert.is(init?.redirect, 'manual')
  assert.is(init?.method, 'POST')
})

test('a body over maxBytes is ERR_OAUTH_TOO_LARGE, an endless one abandoned at the limit', async () => {
  let pulled = 0
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++
      controller.enqueue(new Uint8Array(1024))
    },
  })
  const error = await failure(
    fetchOAuthJson(
      async () => new Response(endless),
      URL_,
      {},
      { timeoutMs: 5_000, maxBytes: 4096 },
    ),
  )
  assert.is(error.code, 'ERR_OAUTH_TOO_LARGE')
  assert.ok(pulled < 10)
})

test('no connection is ERR_OAUTH_UNREACHABLE with the fetch error as its cause', async () => {
  const cause = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
  const error = await failure(
    fetchOAuthJson(
      async () => {
        throw cause
      },
      URL_,
      {},
      { timeoutMs: 5_000 },
    ),
  )
  assert.is(error.code, 'ERR_OAUTH_UNREACHABLE')
  assert.is(error.cause, cause)
})

test('the deadline covers headers and body (fake clock): ERR_OAUTH_TIMEOUT at timeoutMs', async () => {
  const clock = installFakeTimers()
  try {
    // As fetch does: the signal's abort errors a body that is still arriving.
    const fetch: OAuthFetch = async (_url, init) => {
      const stalled = new ReadableStream<Uint8Array>({
        start(controller) {
          init.signal?.addEventListener('abort', () => controller.error(init.signal?.reason))
        },
      })
      return new Response(stalled, { headers: { 'Content-Type': 'application/json' } })
    }
    let settled = false
    const failed = failure(fetchOAuthJson(fetch, URL_, {}, { timeoutMs: 3_000 })).finally(
      () => (settled = true),
    )
    await clock.scheduled(3_000)
    clock.advance(2_999)
    await new Promise((resolve) => setImmediate(resolve))
    assert.is(settled, false)
    clock.advance(1)
    assert.is((await failed).code, 'ERR_OAUTH_TIMEOUT')
  } finally {
    clock.restore()
  }
})

test("the caller's abort reaches the caller as the fetch's own error, not as a timeout", async () => {
  const caller = new AbortController()
  const fetch: OAuthFetch = (_url, init) =>
    new Promise((_resolve, reject) =>
      init.signal?.addEventListener('abort', () => reject(new DOMException('stop', 'AbortError'))),
    )
  const pending = fetchOAuthJson(fetch, URL_, {}, { timeoutMs: 5_000, signal: caller.signal })
  caller.abort()
  try {
    await pending
    assert.unreachable('should reject')
  } catch (error) {
    assert.not.instance(error, OAuthJsonError)
    assert.is((error as Error).name, 'AbortError')
  }
})

test.run()
