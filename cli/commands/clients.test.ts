import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseClientRegistry } from '../../shared/clients/registry.ts'
import { createClientStore } from '../../shared/clients/store.ts'
import type { CliIo } from '../command.ts'
import { runCli } from '../run.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-cli-clients-'))

function io(env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const value: CliIo = {
    env,
    readStdin: async () => new Uint8Array(),
    stdout: (d) => out.push(typeof d === 'string' ? d : new TextDecoder().decode(d)),
    stderr: (t) => err.push(t),
  }
  return { value, out: () => out.join(''), err: () => err.join('') }
}

test('clients add prints the secret once and stores only its hash (file via env)', async () => {
  const file = join(dir, 'a.json')
  const t = io({ OAUTH2_CLIENTS_FILE: file })
  const code = await runCli(
    [
      'clients',
      'add',
      'agent-1',
      '--scopes',
      'mcp.access,tools',
      '--audience',
      'https://r.example/mcp',
    ],
    t.value,
  )
  assert.is(code, 0)
  const secret = /client_secret=([A-Za-z0-9_-]{43})\n/.exec(t.out())?.[1]
  assert.ok(secret, t.out())
  const text = readFileSync(file, 'utf8')
  assert.not.ok(text.includes(secret!), 'the secret itself is never written')
  assert.is(statSync(file).mode & 0o777, 0o600)
  const clients = parseClientRegistry(text)
  assert.equal(clients[0]!.scopes, ['mcp.access', 'tools'])
  assert.equal(clients[0]!.audiences, ['https://r.example/mcp'])
  const store = createClientStore(clients)
  assert.is((await store.authenticate('agent-1', secret!))?.clientId, 'agent-1')
})

test('clients add refuses an existing id, bad scopes and bad audiences', async () => {
  const file = join(dir, 'b.json')
  assert.is(await runCli(['clients', 'add', 'x', '--scopes', 'a', '--file', file], io().value), 0)
  const dup = io()
  assert.is(await runCli(['clients', 'add', 'x', '--scopes', 'a', '--file', file], dup.value), 1)
  assert.match(dup.err(), /already registered/)
  assert.is(await runCli(['clients', 'add', 'y', '--scopes', 'a"b', '--file', file], io().value), 2)
  assert.is(
    await runCli(
      ['clients', 'add', 'y', '--scopes', 'a', '--audience', '/rel', '--file', file],
      io().value,
    ),
    2,
  )
  assert.is(
    await runCli(['clients', 'add', 'y', '--file', file], io().value),
    2,
    '--scopes required',
  )
  assert.is(await runCli(['clients', 'add', 'y', '--scopes', 'a'], io().value), 2, 'no file')
})

test('clients list shows ids, scopes and audiences but no hashes; remove deletes', async () => {
  const file = join(dir, 'c.json')
  await runCli(['clients', 'add', 'one', '--scopes', 's1', '--file', file], io().value)
  await runCli(['clients', 'add', 'two', '--scopes', 's2', '--file', file], io().value)
  const list = io()
  assert.is(await runCli(['clients', 'list', '--file', file], list.value), 0)
  assert.match(list.out(), /one\s+s1\s+\(default resource\)/)
  assert.match(list.out(), /two\s+s2/)
  assert.not.match(list.out(), /sha256/)
  assert.is(await runCli(['clients', 'remove', 'one', '--file', file], io().value), 0)
  const gone = io()
  assert.is(await runCli(['clients', 'remove', 'one', '--file', file], gone.value), 1)
  assert.match(gone.err(), /not registered/)
  assert.equal(
    parseClientRegistry(readFileSync(file, 'utf8')).map((c) => c.clientId),
    ['two'],
  )
})

test('an unreadable or invalid registry is a configuration error (exit 3)', async () => {
  const t = io()
  assert.is(await runCli(['clients', 'list', '--file', join(dir, 'none.json')], t.value), 3)
  assert.match(t.err(), /cannot read \(ENOENT\)/)
})

test.run()
