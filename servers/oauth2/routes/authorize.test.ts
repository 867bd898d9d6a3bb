import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeTestApp } from '../testing.ts'

test('MD-4: the authorization endpoint refuses every request without redirecting', async () => {
  const t = await makeTestApp()
  const code = await t.app.request(
    '/oauth2/authorize?response_type=code&client_id=mcp-client&redirect_uri=https://evil.example/cb',
  )
  assert.is(code.status, 400)
  assert.is(code.headers.get('location'), null)
  assert.is(((await code.json()) as { error: string }).error, 'unsupported_response_type')
  const none = await t.app.request('/oauth2/authorize?response_type=none&client_id=mcp-client')
  assert.is(none.status, 400)
  assert.is(((await none.json()) as { error: string }).error, 'unsupported_response_type')
})

test.run()
