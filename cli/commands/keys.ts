// `mcp-docker keys fernet|jwt`: print new keys for FERNET_KEY and JWT_SECRET (or an ES256 JWK).
import { generateFernetKey } from '../../shared/crypto/index.ts'
import { generateEs256Key, generateHs256Secret, jwksOf } from '../../shared/jwt/keys.ts'
import { parseCommandArgs, positionals } from '../args.ts'
import { Exit, UsageError, type Command } from '../command.ts'

export const keysFernet: Command = {
  name: 'keys fernet',
  summary: 'print a new Fernet key (for FERNET_KEY / FERNET_KEY_FILE)',
  usage: `Usage: mcp-docker keys fernet

Prints 32 random bytes as padded base64url (the format of Python's Fernet.generate_key()).
Rotate by putting the new key first: FERNET_KEY=<new>,<old>.`,
  async run(args, io) {
    positionals(parseCommandArgs(args, {}).positionals, [])
    io.stdout(`${generateFernetKey()}\n`)
    return Exit.ok
  },
}

export const keysJwt: Command = {
  name: 'keys jwt',
  summary: 'print a new JWT signing secret (HS256) or key pair (ES256)',
  usage: `Usage: mcp-docker keys jwt [--alg HS256|ES256] [--public]

  --alg HS256   (default) 32 random bytes as base64url, for JWT_SECRET / JWT_SECRET_FILE
  --alg ES256   a P-256 private key as JWK (JSON); keep it secret, give it to the OAuth2 server
  --public      with ES256: also print the public JWKS document on a second line`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, {
      alg: { type: 'string', default: 'HS256' },
      public: { type: 'boolean', default: false },
    })
    positionals(rest, [])
    if (values.alg === 'HS256') {
      if (values.public) throw new UsageError('--public goes with --alg ES256')
      io.stdout(`${generateHs256Secret()}\n`)
      return Exit.ok
    }
    if (values.alg !== 'ES256')
      throw new UsageError(`--alg must be HS256 or ES256, got ${values.alg}`)
    const { key, privateJwk } = await generateEs256Key()
    io.stdout(`${JSON.stringify(privateJwk)}\n`)
    if (values.public) io.stdout(`${JSON.stringify(jwksOf(key))}\n`)
    return Exit.ok
  },
}
