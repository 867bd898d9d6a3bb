// Runs the given test files in one uvu queue (loaded with tsx) and exits when uvu is done,
// even if a test left a handle open.
import { resolve } from 'node:path'
import { run } from 'uvu/run'

const files = process.argv.slice(2)
await run(files.map((file) => ({ name: file, file: resolve(file) })))
process.exit(process.exitCode ?? 0)
