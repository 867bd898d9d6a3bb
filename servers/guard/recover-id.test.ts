import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { recoverId } from './recover-id.ts'

test('the id at the start (JSON-RPC order) or at the end (the SDK writes it last)', () => {
  assert.is(recoverId('{"jsonrpc":"2.0","id":5,"result":{"content":[', ''), 5)
  assert.is(recoverId('{"id":"call-9","jsonrpc":', ''), 'call-9')
  assert.is(recoverId('{"result":{"content":[{"type":"text"', '"}]},"jsonrpc":"2.0","id":12}'), 12)
  assert.is(recoverId('{"result":', ',"id":"a b"}\n'), 'a b')
})

test('ids that are not top-level members are not taken', () => {
  assert.is(recoverId('{"result":{"id":3,', '"x":{"id":4}}}'), undefined)
  assert.is(recoverId('{"result":"', '\\"id\\":5}"}'), undefined)
  assert.is(recoverId('{"method":"x","params":{"id":1', 'x'), undefined)
  assert.is(recoverId('', ',"id":123456789012345678901}'), undefined, 'not a safe integer')
})

test.run()
