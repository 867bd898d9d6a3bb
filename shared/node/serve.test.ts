import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { serveNode } from './serve.ts'

/** A promise and the function that resolves it. */
function signal() {
  let fire!: () => void
  const fired = new Promise<void>((resolve) => (fire = resolve))
  return { fire, fired }
}

test('close() lets an in-flight request finish, then runs hooks in order, then refuses', async () => {
  const events: string[] = []
  const started = signal()
  const finish = signal()
  const running = await serveNode({
    port: 0,
    signals: [],
    log: () => {},
    fetch: async () => {
      started.fire()
      await finish.fired // answers only after close() was called
      events.push('handled')
      return new Response('done')
    },
    onClose: [() => void events.push('hook1'), async () => void events.push('hook2')],
  })
  assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const inFlight = fetch(running.url).then((r) => r.text())
  await started.fired
  const closed = running.close()
  assert.equal(events, [], 'no hook before the in-flight request is answered')
  finish.fire()
  assert.is(await inFlight, 'done')
  await closed
  assert.equal(events, ['handled', 'hook1', 'hook2'])
  await fetch(running.url).then(
    () => assert.unreachable('server still accepting'),
    (error) => assert.ok(error),
  )
  assert.is(running.close(), running.close(), 'idempotent')
})

test('listen errors reject (port in use)', async () => {
  const a = await serveNode({ port: 0, signals: [], log: () => {}, fetch: () => new Response('') })
  try {
    await serveNode({ port: a.port, signals: [], log: () => {}, fetch: () => new Response('') })
    assert.unreachable()
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'EADDRINUSE')
  } finally {
    await a.close()
  }
})

test('SIGTERM: finishes the in-flight request, runs the close hook, exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-serve-'))
  const script = join(dir, 'child.mts')
  const serveModule = fileURLToPath(new URL('./serve.ts', import.meta.url))
  // The handler says when it has started, and answers only once SIGTERM has arrived.
  writeFileSync(
    script,
    `import { serveNode } from ${JSON.stringify(serveModule)}
const term = new Promise((r) => process.once('SIGTERM', r))
const s = await serveNode({ port: 0, log: () => {}, onClose: [() => console.log('hook ran')],
  fetch: async () => { console.log('request started'); await term; return new Response('slow ok') } })
console.log('port ' + s.port)
`,
  )
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  /** Resolves when the child has printed a line matching `pattern`; rejects if it exits first. */
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return
        child.stdout.off('data', check)
        resolve()
      }
      child.stdout.on('data', check)
      void exited.then(() => reject(new Error(`child exited before ${pattern}: ${out}`)))
      check()
    })
  await printed(/port \d+/)
  const port = /port (\d+)/.exec(out)![1]
  const inFlight = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())
  await printed(/request started/)
  child.kill('SIGTERM')
  assert.is(await inFlight, 'slow ok')
  assert.is(await exited, 0)
  assert.match(out, /hook ran/)
})

test.run()
