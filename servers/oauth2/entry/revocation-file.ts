// OAUTH2_REVOCATION_FILE: revoked token ids kept across restarts, one JSON line
// {"jti","exp","client_id"} each (lines without client_id, from before quotas, still load).
// At start-up the unexpired lines are loaded and the file is rewritten without the expired ones,
// and again whenever the denylist asks (it holds twice its live entries): atomically, temp file
// then rename. Each new revocation is appended and synced to disk before it is answered.
import { open, readFile, rename, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import type { DenylistEntry, DenylistStore } from '../denylist.ts'

export interface RevocationFile {
  /** Unexpired revocations found in the file. */
  entries: DenylistEntry[]
  /** Lines that were not a revocation (skipped, counted for a start-up notice). */
  invalidLines: number
  store: DenylistStore
  close(): Promise<void>
}

function parseLine(line: string): DenylistEntry | undefined {
  try {
    const value = JSON.parse(line) as { jti?: unknown; exp?: unknown; client_id?: unknown }
    const client = value.client_id ?? ''
    if (
      typeof value.jti === 'string' &&
      value.jti !== '' &&
      Number.isSafeInteger(value.exp) &&
      typeof client === 'string'
    ) {
      return { jti: value.jti, exp: value.exp as number, clientId: client }
    }
  } catch {
    // not JSON: counted below
  }
  return undefined
}

const lineOf = ({ jti, exp, clientId }: DenylistEntry) =>
  `${JSON.stringify({ jti, exp, client_id: clientId })}\n`
const textOf = (entries: DenylistEntry[]) => entries.map(lineOf).join('')

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
  const entries: DenylistEntry[] = []
  let invalidLines = 0
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const entry = parseLine(line)
    if (entry === undefined) invalidLines++
    else if (entry.exp > nowSeconds) entries.push(entry)
  }
  const temp = `${path}.${process.pid}.tmp`
  /** Writes `live` to a temp file, opens it for appending, then renames it over the file. */
  const rewrite = async (live: DenylistEntry[]): Promise<FileHandle> => {
    await writeFile(temp, textOf(live), { mode: 0o600, flush: true })
    const next = await open(temp, 'a', 0o600)
    try {
      await rename(temp, path)
    } catch (error) {
      await next.close()
      throw error
    }
    return next // the handle follows the renamed file: no append can land in an unlinked one
  }
  let handle: FileHandle = await rewrite(entries)
  // Appends are serialised so lines never interleave; each is on disk before add() resolves.
  let queue: Promise<void> = Promise.resolve()
  return {
    entries,
    invalidLines,
    store: {
      append(entry) {
        const write = queue.then(async () => {
          await handle.write(lineOf(entry))
          await handle.datasync()
        })
        queue = write.catch(() => undefined)
        return write
      },
      compact(live) {
        // Queued behind earlier appends; later appends go to the new file.
        const write = queue.then(async () => {
          const next = await rewrite(live)
          await handle.close().catch(() => undefined)
          handle = next
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
