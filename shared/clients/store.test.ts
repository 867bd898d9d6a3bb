import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashClientSecret } from './secret.ts'
import { createClientStore } from './store.ts'

async function store() {
  return createClientStore([
    { clientId: 'a', secretHash: await hashClientSecret('s-a'), scopes: ['x'], audiences: [] },
    { clientId: 'b', secretHash: await hashClientSecret('s-b'), scopes: ['y'], audiences: [] },
  ])
}

test('OA-11: authenticate returns the client only for its own secret', async () => {
  const s = await store()
  assert.is((await s.authenticate('a', 's-a'))?.clientId, 'a')
  assert.is(await s.authenticate('a', 's-b'), undefined)
  assert.is(await s.authenticate('a', ''), undefined)
  assert.is(await s.authenticate('nobody', 's-a'), undefined)
})

test('get and all reflect the registry; duplicates are refused', async () => {
  const s = await store()
  assert.is(s.get('b')?.scopes[0], 'y')
  assert.is(s.get('zzz'), undefined)
  assert.equal(
    s.all().map((c) => c.clientId),
    ['a', 'b'],
  )
  const c = s.get('a')!
  assert.throws(() => createClientStore([c, c]), TypeError)
})

test.run()
