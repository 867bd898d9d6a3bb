// `mcp-docker audit verify`: check an audit log's chain, its keyed macs, signed checkpoints and gaps.
import { readFile } from 'node:fs/promises'
import { importCheckpointVerifier, type CheckpointState } from '../../shared/audit/checkpoint.ts'
import { AuditError } from '../../shared/audit/errors.ts'
import { importAuditKey } from '../../shared/audit/keyed.ts'
import { checkpointStatePath } from '../../shared/node/audit/file-log.ts'
import {
  listAuditFiles,
  verifyAuditFiles,
  type FilesVerifyOptions,
} from '../../shared/node/audit/files.ts'
import { parseCommandArgs } from '../args.ts'
import { Exit, UsageError, type Command } from '../command.ts'

export const auditVerify: Command = {
  name: 'audit verify',
  summary:
    'verify an audit log: hash chain, keyed macs, signed checkpoints, gaps (with rotated files)',
  usage: `Usage: mcp-docker audit verify <file> [--key FILE] [--public-key FILE] [--state FILE]
                                [--anchor HASH] [--no-rotated]

Checks that no record of <file> was edited, deleted, inserted or reordered, that no line is
junk, that no second writer forked the chain, and that records were not cut from the head
(unless a rotation record says the disk budget deleted them: reported as GAP) or from the tail
(back to the last checkpoint). Rotated files (<file>.1, <file>.2, …) are verified with it,
oldest first, as one chain.
  --key FILE         the audit key (AUDIT_KEY_FILE): check every record's mac; a chain
                     recomputed without the key, or rewritten as an unkeyed one, fails
  --public-key FILE  the checkpoint public key (JWK; a private JWK works too): check every
                     signed checkpoint and the published one
  --state FILE       the last published checkpoint (default: <file>.checkpoint.json if present)
  --anchor HASH      the hash the oldest record must link to (e.g. kept from an earlier verify)
  --no-rotated       verify <file> alone
Prints the first problem and exits 1 if there is one; exit 3 when a key file is unusable.`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, {
      anchor: { type: 'string' },
      key: { type: 'string' },
      'public-key': { type: 'string' },
      state: { type: 'string' },
      'no-rotated': { type: 'boolean', default: false },
    })
    if (rest.length !== 1) throw new UsageError('expected exactly one <file>')
    const file = rest[0]!
    if (values.anchor !== undefined && !/^[0-9a-f]{64}$/.test(values.anchor)) {
      throw new UsageError('--anchor must be a SHA-256 hash: 64 lowercase hex digits')
    }
    const options: FilesVerifyOptions = values.anchor ? { anchor: values.anchor } : {}
    try {
      if (values.key !== undefined) {
        options.key = await importAuditKey(await readFile(values.key, 'utf8'))
      }
      if (values['public-key'] !== undefined) {
        const jwk = JSON.parse(await readFile(values['public-key'], 'utf8'))
        options.checkpoints = await importCheckpointVerifier(jwk)
      }
    } catch (error) {
      // A system error's code (ENOENT…); our own AuditError says only that the key is unusable.
      const code = error instanceof AuditError ? undefined : (error as { code?: string }).code
      const why = code && /^[A-Z_]+$/.test(code) ? code : 'not a usable key'
      io.stderr(`mcp-docker audit verify: cannot use the key file (${why})\n`)
      return Exit.config
    }
    const statePath = values.state ?? checkpointStatePath(file)
    const stateText = await readFile(statePath, 'utf8').catch(() => undefined)
    if (stateText === undefined && values.state !== undefined) {
      io.stderr(`mcp-docker audit verify: ${values.state}: cannot read\n`)
      return Exit.config
    }
    if (stateText !== undefined) {
      const state = parseState(stateText)
      if (!state) {
        io.stdout(`BROKEN ${statePath}: invalid_state: not a checkpoint state file\n`)
        return Exit.failed
      }
      options.state = state
    }
    const files = values['no-rotated'] ? [file] : await listAuditFiles(file)
    if (files.length === 0) {
      io.stderr(`mcp-docker audit verify: ${file}: no such file\n`)
      return Exit.failed
    }
    const result = await verifyAuditFiles(files, options)
    if (!result.ok) {
      const where = result.line > 0 ? `${result.path}:${result.line}` : result.path || statePath
      io.stdout(`BROKEN ${where}: ${result.reason}: ${result.message}\n`)
      io.stdout(`${result.records} record(s) verified before the break\n`)
      return Exit.failed
    }
    if (options.key && result.keyed === 0) {
      io.stdout(
        `BROKEN ${file}: unkeyed_record: no record carries a mac although --key was given (rewritten as an unkeyed chain?)\n`,
      )
      return Exit.failed
    }
    for (const gap of result.gaps) {
      io.stdout(
        `GAP seq ${gap.firstSeq}-${gap.lastSeq}: ${gap.file} deleted by rotation (last deletion: recorded at seq ${gap.recordedAt}, its last hash ${gap.lastHash})\n`,
      )
    }
    const intact = result.gaps.length > 0 ? 'chain intact after the gap(s) above' : 'chain intact'
    io.stdout(`OK ${result.records} record(s) in ${result.files} file(s), ${intact}\n`)
    io.stdout(`last hash ${result.lastHash} (seq ${result.lastSeq})\n`)
    if (result.keyed === 0) {
      io.stdout(
        'note: unkeyed chain (plain SHA-256): edits by someone who recomputes it are not detected\n',
      )
    } else {
      const checked = options.key ? 'macs checked' : 'macs NOT checked (no --key)'
      io.stdout(`keyed: ${result.keyed} of ${result.records} record(s), ${checked}\n`)
      if (result.keyed < result.records) {
        io.stdout(
          `note: ${result.records - result.keyed} unkeyed record(s) written before the audit key was set\n`,
        )
      }
    }
    const signed = options.checkpoints
      ? 'signatures checked'
      : 'signatures NOT checked (no --public-key)'
    io.stdout(`checkpoints: ${result.checkpoints}, ${signed}`)
    if (result.lastCheckpoint) io.stdout(`; last covers seq ${result.lastCheckpoint.seq}`)
    io.stdout('\n')
    if (options.state) {
      io.stdout(
        `published checkpoint seq ${options.state.seq} (${statePath}): present and matching\n`,
      )
    }
    if (result.truncated.length > 0) {
      const where = result.truncated.map((t) => `${t.path}:${t.line}`).join(', ')
      io.stdout(`note: crash-truncated line(s) skipped by the chain: ${where}\n`)
    }
    return Exit.ok
  },
}

function parseState(text: string): CheckpointState | undefined {
  try {
    const s = JSON.parse(text) as CheckpointState
    if (
      Number.isSafeInteger(s.seq) &&
      s.seq >= 0 &&
      /^[0-9a-f]{64}$/.test(s.hash) &&
      typeof s.sig === 'string' &&
      (s.alg === 'Ed25519' || s.alg === 'ES256')
    ) {
      return s
    }
  } catch {
    // fall through
  }
  return undefined
}
