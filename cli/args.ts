// Option parsing for CLI commands on top of node:util parseArgs, with errors as UsageError.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './command.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/** Parses `args` strictly; unknown options and missing values become UsageError. */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** Exactly `count` positionals, named in the error when missing or extra. */
export function positionals(values: string[], names: string[]): string[] {
  if (values.length !== names.length) {
    const want = names.map((n) => `<${n}>`).join(' ') || 'no arguments'
    throw new UsageError(`expected ${want}, got ${values.length} argument(s)`)
  }
  return values
}
