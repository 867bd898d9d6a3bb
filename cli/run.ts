// Dispatches `mcp-docker <words…> [options]` to a command, prints help and maps errors to exit codes.
import { ConfigError } from '../shared/config/errors.ts'
import { Exit, UsageError, type CliIo, type Command } from './command.ts'
import { commands } from './commands/index.ts'

const exitCodesHelp = `Exit codes:
  0  success
  1  the check failed (audit chain broken, PII rejected, token invalid)
  2  usage error
  3  configuration error (missing or invalid key, unreadable file)`

export function helpText(list: readonly Command[] = commands): string {
  const width = Math.max(...list.map((c) => c.name.length))
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return `mcp-docker: operator tools for mcp-docker

Usage: mcp-docker <command> [options]   (mcp-docker <command> --help for details)

Commands:
${lines.join('\n')}

${exitCodesHelp}
`
}

/** Longest command name that prefixes `argv`. */
function findCommand(argv: string[], list: readonly Command[]) {
  let best: { command: Command; rest: string[] } | undefined
  for (const command of list) {
    const words = command.name.split(' ')
    if (words.every((w, i) => argv[i] === w)) {
      if (!best || words.length > best.command.name.split(' ').length) {
        best = { command, rest: argv.slice(words.length) }
      }
    }
  }
  return best
}

export async function runCli(argv: string[], io: CliIo, list = commands): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(helpText(list))
    return argv.length === 0 ? Exit.usage : Exit.ok
  }
  const found = findCommand(argv, list)
  if (!found) {
    const group = list.filter((c) => c.name.startsWith(`${argv[0]} `))
    io.stderr(`mcp-docker: unknown command "${argv.slice(0, 2).join(' ')}"\n\n`)
    io.stderr(helpText(group.length > 0 ? group : list))
    return Exit.usage
  }
  const { command, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n\n${exitCodesHelp}\n`)
    return Exit.ok
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mcp-docker ${command.name}: ${error.message}\n\n${command.usage}\n`)
      return Exit.usage
    }
    if (error instanceof ConfigError) {
      io.stderr(`mcp-docker ${command.name}: ${error.message}\n`)
      return Exit.config
    }
    throw error
  }
}
