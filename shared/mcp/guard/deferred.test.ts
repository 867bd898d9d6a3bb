import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFakeDetector } from '../../pii/policy-fake-detector.ts'
import { createGuard, type Guard } from './guard.ts'
import { createDeferredGuard, SCRUB_UNAVAILABLE } from './deferred.ts'
import { ANONYMOUS } from '../identity.ts'
import { DEFAULT_SECURITY_POLICY } from '../policy-config.ts'
import { createTestAudit } from '../testing.ts'

test('the first call loads the real guard and waits; scrub withholds everything until then', async () => {
  let resolve!: (guard: Guard) => void
  const loading = new Promise<Guard>((r) => (resolve = r))
  let loads = 0
  const deferred = createDeferredGuard(DEFAULT_SECURITY_POLICY, () => (loads++, loading))
  assert.is(deferred.scrub('kim@example.com'), SCRUB_UNAVAILABLE)
  assert.throws(() => deferred.scrubValue({ a: 'kim@example.com' }), /not ready/)
  let started = false
  const call = deferred
    .begin({ tool: 'echo', arguments: { t: 'x' }, identity: ANONYMOUS })
    .then((c) => {
      started = true
      return c
    })
  await new Promise((r) => setTimeout(r, 5))
  assert.is(started, false)
  const audit = createTestAudit()
  resolve(createGuard({ detector: createFakeDetector(), audit: audit.log }))
  const guarded = await call
  assert.equal(guarded.arguments, { t: 'x' })
  assert.is(deferred.scrub('mail kim@example.com'), 'mail [EMAIL]')
  await deferred.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
  assert.is(loads, 1, 'loaded once')
})

test('a guard that fails to load fails the calls instead of running them unguarded', async () => {
  const deferred = createDeferredGuard(DEFAULT_SECURITY_POLICY, () =>
    Promise.reject(new Error('bad policy')),
  )
  try {
    await deferred.begin({ tool: 'echo', arguments: {}, identity: ANONYMOUS })
    assert.unreachable('expected a rejection')
  } catch (error) {
    assert.match((error as Error).message, /bad policy/)
  }
})

test('guardMessage: server messages wait for the real guard; client messages under allow-all do not', async () => {
  let resolve!: (guard: Guard) => void
  const loading = new Promise<Guard>((r) => (resolve = r))
  const deferred = createDeferredGuard(DEFAULT_SECURITY_POLICY, () => loading)
  const message = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { who: 'kim@example.com' },
  }
  assert.equal(await deferred.guardMessage('arguments', message), {
    kind: 'ok',
    message,
    findings: {},
  })
  let answered: unknown
  const out = deferred.guardMessage('results', message).then((g) => (answered = g))
  await new Promise((r) => setTimeout(r, 5))
  assert.is(answered, undefined, 'nothing from the server passes before the scanner is ready')
  resolve(createGuard({ detector: createFakeDetector(), audit: createTestAudit().log }))
  await out
  assert.not.ok(JSON.stringify(answered).includes('kim@example.com'))
})

test.run()
