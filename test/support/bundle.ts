// Test support: make sure a dist/ bundle exists (a filtered `npm test` run skips the build).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/** Absolute path of dist/<name>.mjs, building the bundles first if it is missing. */
export async function bundlePath(name: string): Promise<string> {
  const path = `${root}dist/${name}.mjs`
  if (!existsSync(path)) {
    // @ts-expect-error: plain ESM build script without type declarations
    const { buildAll } = await import('../../scripts/build.mjs')
    await buildAll({ quiet: true })
  }
  if (!existsSync(path)) throw new Error(`dist/${name}.mjs was not built`)
  return path
}
