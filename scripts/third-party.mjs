// Third-party MCP servers bundled at build time (pinned in package.json), and the source
// patches that make them run as single files: each reads its own package.json at run time
// for its version, which a bundle doesn't have next to it. A patch that no longer applies
// fails the build loudly, so upgrading a pin can't silently ship a broken bundle.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** dist/<name>.mjs ← the package's stdio entry point. */
export const thirdPartyEntries = {
  'sequential-thinking':
    'node_modules/@modelcontextprotocol/server-sequential-thinking/dist/index.js',
  context7: 'node_modules/@upstash/context7-mcp/dist/index.js',
}

function versionOf(pkg) {
  return require(`${pkg}/package.json`).version
}

const patches = [
  {
    pkg: '@modelcontextprotocol/server-sequential-thinking',
    file: /server-sequential-thinking[\\/]dist[\\/]version\.js$/,
    find: /export function resolvePackageVersion\(\) \{[\s\S]*?\n\}\n/,
    replace: (version) =>
      `export function resolvePackageVersion() { return ${JSON.stringify(version)} }\n`,
  },
  {
    pkg: '@upstash/context7-mcp',
    file: /context7-mcp[\\/]dist[\\/]lib[\\/]constants\.js$/,
    find: /JSON\.parse\(readFileSync\(join\(__dirname, "\.\.\/\.\.\/package\.json"\), "utf-8"\)\)/,
    replace: (version) => JSON.stringify({ version }),
  },
]

/** esbuild plugin applying `patches`; throws when a pattern is not found. */
export const embedPackageVersions = {
  name: 'embed-package-versions',
  setup(build) {
    for (const patch of patches) {
      build.onLoad({ filter: patch.file }, ({ path }) => {
        const source = readFileSync(path, 'utf8')
        if (!patch.find.test(source)) {
          throw new Error(
            `${patch.pkg}: version patch no longer applies to ${path}; update scripts/third-party.mjs`,
          )
        }
        return {
          contents: source.replace(patch.find, patch.replace(versionOf(patch.pkg))),
          loader: 'js',
        }
      })
    }
  },
}
