// spawnBoundChild with real processes: a parent binds a child that ignores end of input and has
// started a grandchild in its group; however the parent ends (SIGKILL included), both are gone.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { allGone, isRunning } from '../../test/support/processes.ts'

const dir = mkdtempSync(join(tmpdir(), 'mcp-child-lifetime-'))
const lifetime = fileURLToPath(new URL('./child-lifetime.ts', import.meta.url))

/** A child that ignores end of input and SIGTERM, with a grandchild in its process group. */
const child = join(dir, 'child.mjs')
writeFileSync(
  child,
  `import { spawn } from 'node:child_process'
process.on('SIGTERM', () => {})
process.stdin.on('end', () => {}).resume()
const g = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' })
process.stdout.write('pids ' + process.pid + ' ' + g.pid + '\\n')
setInterval(() => {}, 1000)
`,
)

/** The parent: binds the child, relays its pids, then waits, or exits when told to. */
const parent = join(dir, 'parent.mjs')
writeFileSync(
  parent,
  `const { spawnBoundChild } = await import(${JSON.stringify(lifetime)})
const { child } = spawnBoundChild(process.execPath, [${JSON.stringify(child)}], {
  watchdog: process.env.WATCHDOG !== 'off',
})
child.stdout.on('data', (chunk) => process.stdout.write(chunk))
process.stdin.on('data', () => process.exit(0)) // any input: a normal exit
setInterval(() => {}, 1000)
`,
)

/** Starts the parent (under tsx, for the .ts import) and waits for the pids of its descendants. */
async function start(env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, ['--import', 'tsx', parent], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  let out = ''
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const deadline = performance.now() + 20_000
  for (;;) {
    const match = /pids (\d+) (\d+)/.exec(out)
    if (match) return { proc, child: Number(match[1]), grandchild: Number(match[2]) }
    if (performance.now() > deadline) throw new Error('the parent reported no pids')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Pids of watchdogs of process group `group` (`node -e … <group>`), found through /proc. */
function watchdogs(group: number): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean)
      if (argv[1] === '-e' && argv[3] === String(group) && isRunning(Number(name)))
        found.push(+name)
    } catch {
      // gone meanwhile
    }
  }
  return found
}

test('the parent is SIGKILLed: the watchdog kills the child (it ignores end of input) and its grandchild', async () => {
  const { proc, child, grandchild } = await start()
  assert.ok(isRunning(child) && isRunning(grandchild))
  const watchdog = watchdogs(child)
  assert.is(watchdog.length, 1, 'one watchdog per child')
  proc.kill('SIGKILL')
  assert.ok(await allGone([child, grandchild]), 'child and grandchild gone within 5 s')
  assert.ok(await allGone(watchdog), 'the watchdog ends with its work done')
})

test('the parent exits normally: its exit kills the group, the watchdog ends too', async () => {
  const { proc, child, grandchild } = await start()
  const watchdog = watchdogs(child)
  proc.stdin.write('exit\n')
  assert.ok(await allGone([child, grandchild]), 'child and grandchild gone within 5 s')
  assert.ok(await allGone(watchdog), 'no watchdog left behind')
})

test('without the watchdog a SIGKILLed parent leaves the group running (what the watchdog is for)', async () => {
  const { proc, child, grandchild } = await start({ WATCHDOG: 'off' })
  proc.kill('SIGKILL')
  try {
    assert.not.ok(await allGone([child, grandchild], 500), 'the group outlived its parent')
  } finally {
    process.kill(-child, 'SIGKILL')
  }
  assert.ok(await allGone([child, grandchild]))
})

test.run()
