// runGuarded: the value of a guard start that works; a refusal with an error id when it throws.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { textOf } from './result.ts'
import { runGuarded } from './run-guarded.ts'

test('a guard start that resolves is passed through and nothing is logged', async () => {
  const logged: string[] = []
  const started = await runGuarded(
    async () => ({ tool: 'echo' }),
    (id) => logged.push(id),
  )
  assert.equal(started, { ok: true, value: { tool: 'echo' } })
  assert.equal(logged, [])
})

test('a guard start that throws is refused (fail closed) with the logged error id only', async () => {
  const logged: Array<[string, unknown]> = []
  const boom = new Error('detector failed to load: secret@example.test')
  const started = await runGuarded(
    () => Promise.reject(boom),
    (id, error) => logged.push([id, error]),
  )
  assert.is(started.ok, false)
  if (started.ok) return
  assert.is(logged.length, 1)
  const [id, error] = logged[0]!
  assert.is(error, boom)
  assert.match(id, /^[0-9a-f]{12}$/)
  assert.is(started.refusal.isError, true)
  const text = textOf(started.refusal)
  assert.is(text, `tool call refused: the security guard is not available (error id ${id})`)
  assert.not.match(text, /secret|detector/)
})

test('a synchronous throw from begin is refused the same way', async () => {
  const started = await runGuarded(
    () => {
      throw new TypeError('no guard')
    },
    () => undefined,
  )
  assert.is(started.ok, false)
})

test.run()
