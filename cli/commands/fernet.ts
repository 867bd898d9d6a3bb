// `mcp-docker fernet encrypt|decrypt`: Fernet tokens from stdin to stdout, keys from FERNET_KEY(_FILE).
import { ConfigError } from '../../shared/config/errors.ts'
import {
  FernetInvalidTokenError,
  FernetKeyError,
  FernetKeyRing,
  parseFernetKeys,
} from '../../shared/crypto/index.ts'
import { readSecret } from '../../shared/node/env.ts'
import { parseCommandArgs, positionals } from '../args.ts'
import { Exit, UsageError, type CliIo, type Command } from '../command.ts'

const KEY_HELP = `The key ring comes from FERNET_KEY (comma-separated, first key encrypts) or the file
named by FERNET_KEY_FILE.`

/** The configured key ring, or a ConfigError saying what is missing or wrong. */
export async function keyRingFromEnv(io: CliIo): Promise<FernetKeyRing> {
  const text = readSecret(io.env, 'FERNET_KEY')
  if (text === undefined) {
    throw new ConfigError([
      'no Fernet key: set FERNET_KEY or FERNET_KEY_FILE (mcp-docker keys fernet)',
    ])
  }
  try {
    return await FernetKeyRing.create(parseFernetKeys(text))
  } catch (error) {
    if (error instanceof FernetKeyError) throw new ConfigError([`FERNET_KEY: ${error.message}`])
    throw error
  }
}

export const fernetEncrypt: Command = {
  name: 'fernet encrypt',
  summary: 'encrypt standard input into a Fernet token',
  usage: `Usage: mcp-docker fernet encrypt < plaintext > token

Reads all of standard input (bytes, as they are) and prints one Fernet token.
${KEY_HELP}`,
  async run(args, io) {
    positionals(parseCommandArgs(args, {}).positionals, [])
    const ring = await keyRingFromEnv(io)
    io.stdout(`${await ring.encrypt(await io.readStdin())}\n`)
    return Exit.ok
  },
}

export const fernetDecrypt: Command = {
  name: 'fernet decrypt',
  summary: 'decrypt a Fernet token from standard input',
  usage: `Usage: mcp-docker fernet decrypt [--ttl SECONDS] < token > plaintext

Reads one token (surrounding whitespace ignored) and writes the plaintext bytes.
  --ttl SECONDS   reject tokens older than this (and more than 60 s in the future)
Exit 1 when the token is invalid, expired or made with another key.
${KEY_HELP}`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, { ttl: { type: 'string' } })
    positionals(rest, [])
    let ttlSeconds: number | undefined
    if (values.ttl !== undefined) {
      if (!/^\d+$/.test(values.ttl))
        throw new UsageError(`--ttl must be whole seconds, got ${values.ttl}`)
      ttlSeconds = Number(values.ttl)
    }
    const ring = await keyRingFromEnv(io)
    const token = new TextDecoder().decode(await io.readStdin()).trim()
    try {
      io.stdout(await ring.decrypt(token, ttlSeconds === undefined ? {} : { ttlSeconds }))
      return Exit.ok
    } catch (error) {
      if (!(error instanceof FernetInvalidTokenError)) throw error
      io.stderr(`mcp-docker fernet decrypt: ${error.message}\n`)
      return Exit.failed
    }
  },
}
