// Architecture rules of DESIGN.md §3/§4, checked on the sources: the core is Web-standard,
// node:* / process / Buffer appear only in entry points, shared/node/, cli/ and scripts.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = fileURLToPath(new URL('..', import.meta.url))

function sources(dir: string, out: string[] = []): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of names) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sources(path, out)
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(relative(root, path))
  }
  return out
}

/** Files allowed to touch the runtime: entries, the node adapters, the CLI. */
const runtimeAllowed = (file: string) =>
  file.startsWith('shared/node/') || file.includes('/entry/') || file.startsWith('cli/')

const coreFiles = () =>
  [...sources(join(root, 'shared')), ...sources(join(root, 'servers'))].filter(
    (f) => !runtimeAllowed(f),
  )

const forbidden: Array<[RegExp, string]> = [
  [/from\s+['"]node:/, "imports 'node:*'"],
  [/import\(\s*['"]node:/, "imports 'node:*'"],
  [/\bprocess\.(env|argv|exit|stdout|stderr|stdin|on|cwd|hrtime)\b/, 'uses process'],
  [/\bBuffer\.(from|alloc|concat|isBuffer|byteLength)\b/, 'uses Buffer'],
  [/\brequire\(/, 'uses require()'],
]

test('core sources are Web-standard (no node:*, process, Buffer)', () => {
  const files = coreFiles()
  assert.ok(files.length > 0, 'expected core sources under shared/ and servers/')
  const problems: string[] = []
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const [pattern, what] of forbidden)
      if (pattern.test(text)) problems.push(`${file} ${what}`)
  }
  assert.equal(problems, [])
})

test('relative imports carry the .ts extension (Deno runs the sources unchanged)', () => {
  const problems: string[] = []
  for (const file of [...coreFiles(), ...sources(join(root, 'shared/node'))]) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const m of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const spec = m[1]!
      if (!/\.(ts|json)$/.test(spec)) problems.push(`${file}: ${spec}`)
    }
  }
  assert.equal(problems, [])
})

test('shared/ never imports servers/', () => {
  const problems = sources(join(root, 'shared')).filter((file) =>
    /from\s+['"][^'"]*\/servers\//.test(readFileSync(join(root, file), 'utf8')),
  )
  assert.equal(problems, [])
})

test.run()
