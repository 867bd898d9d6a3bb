// OAUTH2_REVOCATION_FILE: revoked token ids kept across restarts, one JSON line {"jti","exp"} each.
// At start-up the unexpired lines are loaded and the file is rewritten without the expired ones
// (atomically: temp file, then rename); each new revocation is appended and synced to disk
// before the revocation is answered.
import { open, readFile, rename, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import type { DenylistStore } from '../denylist.ts'

export interface RevocationFile {
  /** Unexpired revocations found in the file. */
  entries: Array<[string, number]>
  /** Lines that were not a revocation (skipped, counted for a start-up notice). */
  invalidLines: number
  store: DenylistStore
  close(): Promise<void>
}

function parseLine(line: string): [string, number] | undefined {
  try {
    const value = JSON.parse(line) as { jti?: unknown; exp?: unknown }
    if (typeof value.jti === 'string' && value.jti !== '' && Number.isSafeInteger(value.exp)) {
      return [value.jti, value.exp as number]
    }
  } catch {
    // not JSON: counted below
  }
  return undefined
}

const lineOf = (jti: string, exp: number) => `${JSON.stringify({ jti, exp })}\n`

/** Opens (creating, mode 0600) the file at `path`; `nowSeconds` decides what has expired. */
export async function openRevocationFile(
  path: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<RevocationFile> {
  let text = ''
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const entries: Array<[string, number]> = []
  let invalidLines = 0
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const entry = parseLine(line)
    if (entry === undefined) invalidLines++
    else if (entry[1] > nowSeconds) entries.push(entry)
  }
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, entries.map(([jti, exp]) => lineOf(jti, exp)).join(''), { mode: 0o600 })
  await rename(temp, path)
  const handle: FileHandle = await open(path, 'a', 0o600)
  // Appends are serialised so lines never interleave; each is on disk before add() resolves.
  let queue: Promise<void> = Promise.resolve()
  return {
    entries,
    invalidLines,
    store: {
      append(jti, exp) {
        const write = queue.then(async () => {
          await handle.write(lineOf(jti, exp))
          await handle.datasync()
        })
        queue = write.catch(() => undefined)
        return write
      },
    },
    async close() {
      await queue
      await handle.close()
    },
  }
}
