import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { secretDigest } from '../clients/secret.ts'
import { tokenDigest } from '../http/verified-token-cache.ts'
import { sha256Bytes, sha256Hex } from './sha256.ts'

test('node:crypto SHA-256 equals the Web Crypto digests it replaces (ASCII and UTF-8)', async () => {
  for (const text of ['', 'abc', 'eyJhbGciOiJIUzI1NiJ9.e30.sig', '안녕 é']) {
    assert.is(sha256Hex(text), await tokenDigest(text))
    assert.equal([...sha256Bytes(text)], [...(await secretDigest(text))])
  }
  assert.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})

test.run()
