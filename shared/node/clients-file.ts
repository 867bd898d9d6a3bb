// Reads and writes the client registry file (OAUTH2_CLIENTS_FILE) for the server and the CLI.
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, basename } from 'node:path'
import { ConfigError } from '../config/errors.ts'
import {
  parseClientRegistry,
  serializeClientRegistry,
  type RegisteredClient,
} from '../clients/registry.ts'

/** Reads and validates the registry at `path`; every problem is prefixed with the path. */
export function readClientRegistryFile(path: string): RegisteredClient[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new ConfigError([`clients file ${path}: cannot read (${reason})`])
  }
  try {
    return parseClientRegistry(text)
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(
        error.problems.map((p) => p.replace(/^clients file/, `clients file ${path}`)),
      )
    }
    throw error
  }
}

/** The registry at `path`, or an empty one when the file does not exist yet (CLI `add`). */
export function readClientRegistryFileOrEmpty(path: string): RegisteredClient[] {
  return existsSync(path) ? readClientRegistryFile(path) : []
}

/**
 * Writes the registry atomically (temporary file + rename in the same folder), keeping the
 * permissions of an existing file; a new file is created 0600.
 */
export function writeClientRegistryFile(path: string, clients: readonly RegisteredClient[]): void {
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : 0o600
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    writeFileSync(temp, serializeClientRegistry(clients), { mode, flag: 'wx' })
    chmodSync(temp, mode)
    renameSync(temp, path)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unwritable'
    throw new ConfigError([`clients file ${path}: cannot write (${reason})`])
  }
}
