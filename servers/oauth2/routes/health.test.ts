import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeTestApp, TEST_JWT_SECRET } from '../testing.ts'

test('/health is 200 {"status":"ok"} and reveals no key or client data', async () => {
  const t = await makeTestApp()
  const res = await t.app.request('/health')
  assert.is(res.status, 200)
  const text = await res.text()
  assert.equal(JSON.parse(text), { status: 'ok' })
  assert.not.ok(text.includes(TEST_JWT_SECRET))
})

test.run()
