// Benchmark runner: runs every bench/*.bench.ts in its own process (tsx) so no run
// disturbs another's JIT or heap. Each prints "label: ours vs baseline = R×" lines.
// Usage: npm run bench [-- <substring filter>…]
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const filters = process.argv.slice(2)
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()

const failures = []
for (const file of files) {
  console.log(`\n▶ bench/${file}`)
  const { status, signal, error } = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', file)],
    { cwd: root, stdio: 'inherit' },
  )
  if (status !== 0) {
    const how = error ? error.message : signal ? `killed by ${signal}` : `exit code ${status}`
    console.error(`bench/${file} failed (${how})`)
    failures.push(`bench/${file} (${how})`)
  }
}
if (failures.length > 0) {
  console.error(`\n${failures.length} benchmark(s) failed: ${failures.join(', ')}`)
  process.exit(1)
}
