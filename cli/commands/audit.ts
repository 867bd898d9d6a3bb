// `mcp-docker audit verify`: check the hash chain of an audit log and its rotated files.
import { listAuditFiles, verifyAuditFiles } from '../../shared/node/audit-files.ts'
import { parseCommandArgs } from '../args.ts'
import { Exit, UsageError, type Command } from '../command.ts'

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'verify the hash chain of an audit log (with its rotated files)',
  usage: `Usage: mcp-docker audit verify <file> [--anchor HASH] [--no-rotated]

Checks that no record of <file> was edited, deleted, inserted or reordered. Rotated files
(<file>.1, <file>.2, …) are verified with it, oldest first, as one chain.
  --anchor HASH   the hash the oldest record must link to (e.g. kept from an earlier verify)
  --no-rotated    verify <file> alone
Prints the first broken line and exits 1 if the chain is broken.`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, {
      anchor: { type: 'string' },
      'no-rotated': { type: 'boolean', default: false },
    })
    if (rest.length !== 1) throw new UsageError('expected exactly one <file>')
    const file = rest[0]!
    if (values.anchor !== undefined && !/^[0-9a-f]{64}$/.test(values.anchor)) {
      throw new UsageError('--anchor must be a SHA-256 hash: 64 lowercase hex digits')
    }
    const files = values['no-rotated'] ? [file] : await listAuditFiles(file)
    if (files.length === 0) {
      io.stderr(`mcp-docker audit verify: ${file}: no such file\n`)
      return Exit.failed
    }
    const result = await verifyAuditFiles(files, values.anchor ? { anchor: values.anchor } : {})
    if (!result.ok) {
      io.stdout(`BROKEN ${result.path}:${result.line}: ${result.reason}: ${result.message}\n`)
      io.stdout(`${result.records} record(s) verified before the break\n`)
      return Exit.failed
    }
    io.stdout(`OK ${result.records} record(s) in ${result.files} file(s), chain intact\n`)
    io.stdout(`last hash ${result.lastHash} (seq ${result.lastSeq})\n`)
    if (result.truncated.length > 0) {
      const where = result.truncated.map((t) => `${t.path}:${t.line}`).join(', ')
      io.stdout(`note: crash-truncated line(s) skipped by the chain: ${where}\n`)
    }
    return Exit.ok
  },
}
