// Test runner: typecheck, build the bundles, run every *.test.ts with uvu under tsx,
// and end with the line "N passed, N failed" that CI counts.
// Usage: npm test [-- <substring filter>…]   (a filter skips typecheck and build unless --full)
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const full = args.includes('--full')
const filters = args.filter((a) => !a.startsWith('--'))
const skipDirs = new Set(['node_modules', 'dist', '.git', '.dev'])

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) findTests(path, out)
    else if (name.endsWith('.test.ts')) out.push(relative(root, path))
  }
  return out
}

function finish(passed, failed) {
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed > 0 ? 1 : 0)
}

function step(title, command, commandArgs) {
  console.log(`\n▶ ${title}`)
  const { status } = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' })
  return status === 0
}

if (filters.length === 0 || full) {
  if (
    !step('typecheck (tsc)', process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.json',
    ])
  )
    finish(0, 1)
  if (!step('build (esbuild)', process.execPath, [join(root, 'scripts/build.mjs')])) finish(0, 1)
}

const files = findTests(root)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
if (files.length === 0) {
  console.error('no test files matched')
  finish(0, 1)
}

console.log(`\n▶ ${files.length} test files`)
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts/uvu-child.mjs'), ...files],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } },
)
let out = ''
child.stdout.on('data', (chunk) => {
  out += chunk
  process.stdout.write(chunk)
})
child.on('close', (code) => {
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN)
  const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN)
  const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0)
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    console.error(`\ntest process ended (code ${code}) before uvu reported totals`)
    finish(Number.isNaN(passed) ? 0 : passed, 1)
  }
  const failed = total - passed - skipped
  finish(passed, failed > 0 ? failed : code === 0 ? 0 : 1)
})
