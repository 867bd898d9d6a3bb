import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../config/errors.ts'
import { isResourceIndicator, parseClientRegistry, serializeClientRegistry } from './registry.ts'

const HASH = `sha256:${'ab'.repeat(32)}`

function problems(text: string): readonly string[] {
  try {
    parseClientRegistry(text)
  } catch (error) {
    assert.instance(error, ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

test('parses a registry; audiences default to [] and duplicates inside lists are dropped', () => {
  const clients = parseClientRegistry(
    JSON.stringify({
      version: 1,
      clients: [
        { client_id: 'a', secret_hash: HASH, scopes: ['mcp.access', 'mcp.access'] },
        { client_id: 'b', secret_hash: HASH, scopes: ['x'], audiences: ['https://r.example/mcp'] },
      ],
    }),
  )
  assert.equal(clients, [
    { clientId: 'a', secretHash: HASH, scopes: ['mcp.access'], audiences: [] },
    { clientId: 'b', secretHash: HASH, scopes: ['x'], audiences: ['https://r.example/mcp'] },
  ])
})

test('serialize → parse round-trips', () => {
  const clients = [{ clientId: 'c', secretHash: HASH, scopes: ['a', 'b'], audiences: ['urn:x:y'] }]
  const text = serializeClientRegistry(clients)
  assert.ok(text.endsWith('\n'))
  assert.equal(parseClientRegistry(text), clients)
})

test('every problem is reported at once, with its JSON path, never the hash value', () => {
  const bad = JSON.stringify({
    clients: [
      { client_id: 'has space', secret_hash: 'sha256:BAD', scopes: [] },
      {
        client_id: 'ok',
        secret_hash: HASH,
        scopes: ['a"b'],
        audiences: ['relative/path', 'https://x#f'],
      },
      { client_id: 'ok', secret_hash: HASH, scopes: ['a'], extra: 1 },
    ],
  })
  const list = problems(bad)
  const text = list.join('\n')
  assert.match(text, /clients\.0\.client_id/)
  assert.match(text, /clients\.0\.secret_hash/)
  assert.match(text, /clients\.0\.scopes: must list at least one scope/)
  assert.match(text, /clients\.1\.scopes\.0/)
  assert.match(text, /clients\.1\.audiences\.0/)
  assert.match(text, /clients\.1\.audiences\.1/)
  assert.match(text, /extra/)
  assert.not.match(text, /BAD/)
  assert.ok(list.length >= 7)
})

test('duplicate client ids are refused', () => {
  const dup = JSON.stringify({
    clients: [
      { client_id: 'x', secret_hash: HASH, scopes: ['a'] },
      { client_id: 'x', secret_hash: HASH, scopes: ['a'] },
    ],
  })
  assert.equal(problems(dup), ['clients file: client "x" is listed twice'])
})

test('invalid JSON and wrong version are clear problems', () => {
  assert.equal(problems('{'), ['clients file is not valid JSON'])
  assert.match(problems('{"version":2,"clients":[]}').join(), /version: must be 1/)
})

test('OA-21: resource indicators are absolute URIs without fragments', () => {
  assert.ok(isResourceIndicator('http://localhost:8080/mcp'))
  assert.ok(isResourceIndicator('urn:example:resource'))
  assert.not.ok(isResourceIndicator('/mcp'))
  assert.not.ok(isResourceIndicator('https://x/mcp#frag'))
  assert.not.ok(isResourceIndicator(''))
})

test.run()
