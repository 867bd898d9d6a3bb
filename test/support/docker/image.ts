// The image's build context for tests and the bench: a snapshot of Dockerfile, .dockerignore and
// the dist/ bundles in a temp folder, so a concurrent `npm run build` (which empties dist/ first)
// cannot change the files under docker's feet. `npm run build` makes the bundles beforehand.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundlePath } from '../bundle.ts'
import { docker, root } from './engine.ts'

/** Bundles the stack and `.cursor/mcp.json` use; the snapshot must hold all of them. */
export const REQUIRED_BUNDLES = [
  'oauth2',
  'gateway',
  'connect',
  'example',
  'security-tools',
  'oauth2-tools',
  'sequential-thinking',
  'context7',
  'guard',
  'healthcheck',
  'hold',
  'cli',
] as const

/** Bundles of dist/ that .dockerignore keeps out of the image (test servers). */
export const EXCLUDED_BUNDLES = ['conformance-fixture'] as const

/** Bundles and licence notices: what the snapshot copies of dist/ (the rest is source maps). */
const isBundleFile = (name: string) => name.endsWith('.mjs') || name.endsWith('.LEGAL.txt')

/** Files of dist/ that .dockerignore lets into the image. */
export const isImageFile = (name: string) =>
  isBundleFile(name) && !EXCLUDED_BUNDLES.some((bundle) => name.startsWith(`${bundle}.`))

function copyOnce(target: string): void {
  const dist = join(target, 'dist')
  rmSync(dist, { recursive: true, force: true })
  mkdirSync(dist)
  copyFileSync(join(root, 'Dockerfile'), join(target, 'Dockerfile'))
  copyFileSync(join(root, '.dockerignore'), join(target, '.dockerignore'))
  for (const name of readdirSync(join(root, 'dist')).filter(isBundleFile)) {
    copyFileSync(join(root, 'dist', name), join(dist, name))
  }
}

/**
 * Copies the build context into a new temp folder and returns its path. Retries while a
 * concurrent build has dist/ half written (a required bundle missing or empty).
 */
export async function snapshotContext(): Promise<string> {
  for (const name of REQUIRED_BUNDLES) await bundlePath(name)
  const target = mkdtempSync(join(tmpdir(), 'mcp-docker-context-'))
  for (let attempt = 1; ; attempt++) {
    try {
      copyOnce(target)
      const missing = REQUIRED_BUNDLES.filter((name) => {
        const path = join(target, 'dist', `${name}.mjs`)
        return !existsSync(path) || statSync(path).size === 0
      })
      if (missing.length === 0) return target
      if (attempt >= 10) throw new Error(`dist/ lacks ${missing.join(', ')}: run npm run build`)
    } catch (error) {
      if (attempt >= 10) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}

/** Builds `tag` from a fresh snapshot of the context and removes the snapshot. */
export async function buildImage(tag: string): Promise<void> {
  const context = await snapshotContext()
  try {
    await docker(['build', '-q', '-t', tag, context], { timeoutMs: 600_000 })
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}
