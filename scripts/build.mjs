// Build: one minified, self-contained ESM bundle per entry point into dist/ (esbuild).
// Output is deterministic: same sources and lockfile give byte-identical bundles and maps.
// Files are replaced atomically (write, then rename), so a test or server reading dist/ while
// another build runs never sees a missing or half-written bundle; stale outputs are pruned after.
import { build } from 'esbuild'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { embedPackageVersions, thirdPartyEntries } from './third-party.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** dist/<name>.mjs ← source entry. Later servers add their entries here. */
export const entries = {
  cli: 'cli/main.ts',
  oauth2: 'servers/oauth2/entry/node.ts',
  gateway: 'servers/gateway/entry/node.ts',
  example: 'servers/example/entry/stdio.ts',
  'oauth2-tools': 'servers/oauth2-tools/entry/stdio.ts',
  guard: 'servers/guard/entry/stdio.ts',
  'security-tools': 'servers/security-tools/entry/stdio.ts',
  healthcheck: 'scripts/healthcheck.ts',
  hold: 'scripts/hold.ts',
  connect: 'servers/connect/entry/stdio.ts',
  'conformance-fixture': 'test/fixtures/conformance/entry.ts',
  ...thirdPartyEntries,
}

// Some bundled CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
const banner = [
  "import { createRequire as __mcpCreateRequire } from 'node:module';",
  'const require = __mcpCreateRequire(import.meta.url);',
].join('\n')

export async function buildAll({ quiet = false } = {}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.entries(entries).map(([out, input]) => ({ out, in: input })),
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    banner: { js: banner },
    plugins: [embedPackageVersions],
    metafile: true,
    write: false,
    logLevel: quiet ? 'error' : 'warning',
  })
  const dist = join(root, 'dist')
  await mkdir(dist, { recursive: true })
  const written = new Set()
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`
    await writeFile(temp, file.contents)
    await rename(temp, file.path)
    written.add(relative(dist, file.path))
  }
  for (const name of await readdir(dist)) {
    if (!written.has(name) && !name.endsWith('.tmp')) await rm(join(dist, name), { force: true })
  }
  return result
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { metafile } = await buildAll()
  for (const [file, { bytes }] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.mjs')) console.log(`${file}  ${(bytes / 1024).toFixed(1)} KiB`)
  }
}
