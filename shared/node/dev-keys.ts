// Development keys: created once into a private file under the git-ignored `.dev/` folder, reused after.
import { chmodSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConfigError } from '../config/errors.ts'

/** The default folder for development keys, relative to the working directory (git-ignored). */
export const DEV_DIR = '.dev'

/** Options of `loadOrCreateDevSecret`. */
export interface DevSecretOptions {
  /** Folder of the file; created 0700 when missing. Default `.dev` in the working directory. */
  dir?: string
  /** File name inside `dir`, e.g. `oauth2-jwt-secret`. */
  name: string
  /** Makes the file's content when it does not exist yet (called at most once). */
  create: () => string | Promise<string>
}

export interface DevSecret {
  /** The file's content without a trailing newline. */
  value: string
  /** Absolute path of the file. */
  path: string
  /** True when this call created the file. */
  created: boolean
}

function readPrivate(path: string): string {
  const stat = lstatSync(path)
  if (!stat.isFile()) throw new ConfigError([`${path} must be a regular file`])
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8)
    throw new ConfigError([`${path} is readable by others (mode ${mode}); run: chmod 600 ${path}`])
  }
  const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  if (value.trim() === '') throw new ConfigError([`${path} is empty; delete it to make a new one`])
  return value
}

/**
 * The development secret in `dir/name`: read when the file exists (it must be a regular file
 * readable by its owner only, 0600 or stricter), otherwise created with mode 0600 in a 0700
 * folder. Production never calls this: it refuses to start without configured keys.
 */
export async function loadOrCreateDevSecret(options: DevSecretOptions): Promise<DevSecret> {
  const dir = resolve(options.dir ?? DEV_DIR)
  const path = join(dir, options.name)
  try {
    return { value: readPrivate(path), path, created: false }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const value = await options.create()
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(path, 0o600) // the umask may have narrowed it further, never widened: set exactly
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // Another process created it first: use theirs.
    if (code === 'EEXIST') return { value: readPrivate(path), path, created: false }
    throw new ConfigError([`cannot create development key ${path} (${code ?? 'unwritable'})`])
  }
  return { value, path, created: true }
}
