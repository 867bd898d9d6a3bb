import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { isLoopback, LOOPBACK_HOSTS } from './loopback.ts'

test('localhost, 127.0.0.1 and [::1] as URL.hostname spells them are loopback', () => {
  for (const url of [
    'http://localhost:1',
    'http://127.0.0.1',
    'http://[::1]:8080',
    'http://LOCALHOST',
  ])
    assert.ok(isLoopback(new URL(url).hostname), url)
  assert.equal([...LOOPBACK_HOSTS], ['localhost', '127.0.0.1', '[::1]'])
})

test('other hosts, look-alikes and the unbracketed IPv6 form are not', () => {
  for (const host of ['example.com', 'localhost.evil', '127.0.0.2', '::1', '0.0.0.0', ''])
    assert.not.ok(isLoopback(host), host)
})

test.run()
