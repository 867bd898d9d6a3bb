// Verifies a set of rotated audit log files as one chain, oldest first (tamper evidence across rotation).
import { readFile, stat } from 'node:fs/promises'
import type { CheckpointState } from '../../audit/checkpoint.ts'
import {
  verifyAuditChain,
  type ChainFailureReason,
  type ChainVerifyOptions,
  type RotatedOut,
} from '../../audit/verify.ts'
import { GENESIS_PREV } from '../../audit/record.ts'

/** Problems only a whole file set shows. */
export type FilesFailureReason =
  | ChainFailureReason
  | 'unreadable_file'
  /** No record at all: a started writer always writes some, and the keyed writer checkpoints. */
  | 'empty'
  /** The oldest record links to a record no `audit.rotated_out` record accounts for. */
  | 'head_truncated'
  /** Records the published checkpoint covers are missing or differ. */
  | 'tail_truncated'

export interface FilesVerifyOptions extends Omit<ChainVerifyOptions, 'keyedBefore'> {
  /**
   * The last checkpoint published outside the log (the state file beside it, a health
   * endpoint): the set must still hold the record it covers, with that hash. With
   * `checkpoints`, its signature is checked too.
   */
  state?: CheckpointState
}

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
  /** Keyed records (macs checked exactly when a key was given). */
  keyed: number
  /** Checkpoint records (signatures checked exactly when a public key was given). */
  checkpoints: number
  /** The last checkpoint in the chain. */
  lastCheckpoint?: { seq: number; hash: string }
  /**
   * Records missing before the oldest file (seq 1 to the oldest file's anchor) that the chain
   * says rotation deleted: `file`, `recordedAt` and `lastHash` are those of the latest deletion.
   */
  gaps: RotatedOut[]
}

/** The first broken line of the set, or a file that could not be read. */
export interface FilesBroken {
  ok: false
  path: string
  /** 1-based line in `path` (0 for `unreadable_file`). */
  line: number
  reason: FilesFailureReason
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
 * file's first record must link to `options.anchor` when given, else to genesis or to the last
 * record of a file an `audit.rotated_out` record says was deleted (reported in `gaps`); anything
 * else is `head_truncated`. No record at all is `empty`. With `state`, the record it covers
 * must be present with its hash (`tail_truncated`). Stops at the first problem.
 */
export async function verifyAuditFiles(
  paths: string[],
  options: FilesVerifyOptions = {},
): Promise<FilesVerification> {
  const { state, ...chainOptions } = options
  let anchor = options.anchor
  let anchorSeq = options.anchorSeq
  let firstAnchor: string | undefined
  let firstAnchorSeq: number | undefined
  let firstPath = paths[0] ?? ''
  let records = 0
  let keyed = 0
  let checkpoints = 0
  let lastCheckpoint: FilesVerified['lastCheckpoint']
  const rotatedOut: RotatedOut[] = []
  let stateHash: string | undefined
  const truncated: FilesVerified['truncated'] = []
  const fail = (path: string, reason: FilesFailureReason, message: string): FilesBroken => ({
    ok: false,
    path,
    line: 0,
    reason,
    message,
    records,
  })
  if (state && options.checkpoints) {
    if (!(await options.checkpoints.verify(state.seq, state.hash, state.sig))) {
      return fail(
        '',
        'bad_checkpoint',
        'the published checkpoint does not verify under the public key',
      )
    }
  }
  for (const path of paths) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      return fail(path, 'unreadable_file', `cannot read file (${code})`)
    }
    const result = await verifyAuditChain(text, {
      ...chainOptions,
      anchor,
      anchorSeq,
      keyedBefore: keyed > 0,
    })
    if (!result.ok) return { ...result, path, records: records + result.records }
    records += result.records
    keyed += result.keyed
    checkpoints += result.checkpoints
    lastCheckpoint = result.lastCheckpoint ?? lastCheckpoint
    rotatedOut.push(...result.rotatedOut)
    if (state) stateHash ??= result.hashes.get(state.seq)
    for (const line of result.truncated) truncated.push({ path, line })
    if (result.records > 0) {
      if (firstAnchor === undefined) {
        firstAnchor = result.anchor
        firstAnchorSeq = result.hashes.keys().next().value! - 1
        firstPath = path
      }
      anchor = result.lastHash
      anchorSeq = result.lastSeq
    }
  }
  if (records === 0 && paths.length > 0) {
    return fail(
      paths.at(-1) ?? '',
      'empty',
      'no records: a running writer always leaves some (file emptied?)',
    )
  }
  const gaps: RotatedOut[] = []
  if (options.anchor === undefined && firstAnchor !== undefined && firstAnchor !== GENESIS_PREV) {
    const known = rotatedOut.find((r) => r.lastHash === firstAnchor && r.lastSeq === firstAnchorSeq)
    if (!known) {
      return fail(
        firstPath,
        'head_truncated',
        `the oldest record (seq ${firstAnchorSeq! + 1}) links to a record that is missing and no rotation record accounts for it (records cut from the head)`,
      )
    }
    // Everything before the oldest file is gone; the latest deletion record says it was rotation.
    gaps.push({ ...known, firstSeq: 1 })
  }
  if (state) {
    if (firstAnchorSeq !== undefined && state.seq <= firstAnchorSeq) {
      // covered by records rotated out before the oldest file: nothing left to compare
    } else if (anchorSeq! < state.seq || stateHash === undefined) {
      return fail(
        paths.at(-1)!,
        'tail_truncated',
        `the published checkpoint covers seq ${state.seq}, the log ends at seq ${anchorSeq} (records cut from the tail)`,
      )
    }
    if (stateHash !== state.hash) {
      return fail(
        paths.at(-1)!,
        'tail_truncated',
        `the record at seq ${state.seq} is not the one the published checkpoint covers (rewritten)`,
      )
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
    keyed,
    checkpoints,
    ...(lastCheckpoint ? { lastCheckpoint } : {}),
    gaps,
  }
}
