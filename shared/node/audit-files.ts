// Verifies a set of rotated audit log files as one chain, oldest first (tamper evidence across rotation).
import { readFile, stat } from 'node:fs/promises'
import {
  verifyAuditChain,
  type ChainFailureReason,
  type ChainVerifyOptions,
} from '../audit/verify.ts'
import { GENESIS_PREV } from '../audit/record.ts'

/** Every file verified and each links to the one before it. */
export interface FilesVerified {
  ok: true
  /** Files verified. */
  files: number
  /** Records in all files. */
  records: number
  /** Hash of the last record of the set (anchor it elsewhere to detect a dropped tail). */
  lastHash: string
  lastSeq: number
  /** What the oldest file's first record links to (`GENESIS_PREV` if the set starts the chain). */
  anchor: string
  /** Crash-truncated lines the chain continues over, by file. */
  truncated: Array<{ path: string; line: number }>
}

/** The first broken line of the set, or a file that could not be read. */
export interface FilesBroken {
  ok: false
  path: string
  /** 1-based line in `path` (0 for `unreadable_file`). */
  line: number
  reason: ChainFailureReason | 'unreadable_file'
  message: string
  /** Records verified before the break, all files counted. */
  records: number
}

export type FilesVerification = FilesVerified | FilesBroken

/**
 * The rotation set of `path` that exists on disk, oldest first: `path.N` … `path.1`, `path`
 * (numbers counted up from 1 until one is missing). `path` is included only if it exists.
 */
export async function listAuditFiles(path: string): Promise<string[]> {
  const exists = (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    )
  const rotated: string[] = []
  for (let i = 1; await exists(`${path}.${i}`); i++) rotated.push(`${path}.${i}`)
  const files = rotated.reverse()
  if (await exists(path)) files.push(path)
  return files
}

/**
 * Verifies `paths` (oldest first) as one chain: each file with `verifyAuditChain`, each file's
 * first record anchored to the last record of the file before it (hash and seq). The oldest
 * file's anchor is `options.anchor` when given, else whatever it links to (older files may have
 * been rotated away). Stops at the first broken line.
 */
export async function verifyAuditFiles(
  paths: string[],
  options: ChainVerifyOptions = {},
): Promise<FilesVerification> {
  let anchor = options.anchor
  let anchorSeq = options.anchorSeq
  let firstAnchor: string | undefined
  let records = 0
  const truncated: FilesVerified['truncated'] = []
  for (const path of paths) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      return {
        ok: false,
        path,
        line: 0,
        reason: 'unreadable_file',
        message: `cannot read file (${code})`,
        records,
      }
    }
    const result = await verifyAuditChain(text, { anchor, anchorSeq })
    if (!result.ok) return { ...result, path, records: records + result.records }
    records += result.records
    for (const line of result.truncated) truncated.push({ path, line })
    if (result.records > 0) {
      firstAnchor ??= result.anchor
      anchor = result.lastHash
      anchorSeq = result.lastSeq
    }
  }
  return {
    ok: true,
    files: paths.length,
    records,
    lastHash: anchor ?? GENESIS_PREV,
    lastSeq: anchorSeq ?? 0,
    anchor: firstAnchor ?? options.anchor ?? GENESIS_PREV,
    truncated,
  }
}
