// `mcp-docker clients add|list|remove`: manage the OAuth2 client registry (secret hashes only).
import {
  CLIENT_ID_PATTERN,
  isResourceIndicator,
  SCOPE_TOKEN_PATTERN,
} from '../../shared/clients/registry.ts'
import { generateClientSecret, hashClientSecret } from '../../shared/clients/secret.ts'
import {
  readClientRegistryFile,
  readClientRegistryFileOrEmpty,
  writeClientRegistryFile,
} from '../../shared/node/clients-file.ts'
import { parseCommandArgs, positionals } from '../args.ts'
import { Exit, UsageError, type CliIo, type Command } from '../command.ts'

const FILE_HELP = `  --file F          registry file (default: $OAUTH2_CLIENTS_FILE)`

/** `--file`, else OAUTH2_CLIENTS_FILE, else a usage error. */
function registryPath(file: string | undefined, io: CliIo): string {
  const path = file ?? io.env.OAUTH2_CLIENTS_FILE
  if (!path) throw new UsageError('no clients file: pass --file F or set OAUTH2_CLIENTS_FILE')
  return path
}

const addUsage = `Usage: mcp-docker clients add <client-id> --scopes a,b [--audience URL]... [--file F]

Registers a client for the client-credentials grant. A random 256-bit secret is generated and
printed ONCE; only its SHA-256 hash is written to the registry file.

  --scopes a,b      scopes the client may request (comma-separated, at least one)
  --audience URL    a resource indicator (RFC 8707) the client may request tokens for;
                    repeat for several. None: the server's default resource only.
${FILE_HELP}`

export const clientsAdd: Command = {
  name: 'clients add',
  summary: 'register an OAuth2 client and print its new secret once',
  usage: addUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, {
      scopes: { type: 'string' },
      audience: { type: 'string', multiple: true },
      file: { type: 'string' },
    })
    const [clientId] = positionals(rest, ['client-id']) as [string]
    if (!CLIENT_ID_PATTERN.test(clientId)) {
      throw new UsageError('client id must be 1–128 visible ASCII characters without spaces')
    }
    if (values.scopes === undefined) throw new UsageError('--scopes is required')
    const scopes = [
      ...new Set(
        values.scopes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ]
    if (scopes.length === 0) throw new UsageError('--scopes must name at least one scope')
    for (const scope of scopes) {
      if (!SCOPE_TOKEN_PATTERN.test(scope))
        throw new UsageError(`"${scope}" is not a valid scope token`)
    }
    const audiences = [...new Set(values.audience ?? [])]
    for (const audience of audiences) {
      if (!isResourceIndicator(audience)) {
        throw new UsageError(`--audience "${audience}" must be an absolute URI without a fragment`)
      }
    }
    const path = registryPath(values.file, io)
    const clients = readClientRegistryFileOrEmpty(path)
    if (clients.some((c) => c.clientId === clientId)) {
      io.stderr(`mcp-docker clients add: "${clientId}" is already registered (remove it first)\n`)
      return Exit.failed
    }
    const secret = generateClientSecret()
    clients.push({ clientId, secretHash: await hashClientSecret(secret), scopes, audiences })
    writeClientRegistryFile(path, clients)
    io.stdout(`client_id=${clientId}\nclient_secret=${secret}\n`)
    io.stderr(
      `Registered "${clientId}" in ${path} (hash only). The secret above is shown once: store it now.\n`,
    )
    return Exit.ok
  },
}

export const clientsList: Command = {
  name: 'clients list',
  summary: 'list registered OAuth2 clients (ids, scopes, audiences)',
  usage: `Usage: mcp-docker clients list [--file F]\n\n${FILE_HELP}`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, { file: { type: 'string' } })
    positionals(rest, [])
    const clients = readClientRegistryFile(registryPath(values.file, io))
    if (clients.length === 0) {
      io.stderr('no clients registered\n')
      return Exit.ok
    }
    const width = Math.max(9, ...clients.map((c) => c.clientId.length))
    const lines = [`${'CLIENT ID'.padEnd(width)}  SCOPES  AUDIENCES`]
    for (const c of clients) {
      const audiences = c.audiences.length > 0 ? c.audiences.join(',') : '(default resource)'
      lines.push(`${c.clientId.padEnd(width)}  ${c.scopes.join(',')}  ${audiences}`)
    }
    io.stdout(`${lines.join('\n')}\n`)
    return Exit.ok
  },
}

export const clientsRemove: Command = {
  name: 'clients remove',
  summary: 'remove an OAuth2 client from the registry',
  usage: `Usage: mcp-docker clients remove <client-id> [--file F]

Removes the client; the server refuses its credentials after its next start. Tokens already
issued stay valid until they expire (revoke them with POST /oauth2/revoke if needed).

${FILE_HELP}`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, { file: { type: 'string' } })
    const [clientId] = positionals(rest, ['client-id']) as [string]
    const path = registryPath(values.file, io)
    const clients = readClientRegistryFile(path)
    const kept = clients.filter((c) => c.clientId !== clientId)
    if (kept.length === clients.length) {
      io.stderr(`mcp-docker clients remove: "${clientId}" is not registered in ${path}\n`)
      return Exit.failed
    }
    writeClientRegistryFile(path, kept)
    io.stderr(`Removed "${clientId}" from ${path}.\n`)
    return Exit.ok
  },
}

/** The `clients` command group, in help order. File problems (ConfigError) reach run.ts: exit 3. */
export const clientsCommands: readonly Command[] = [clientsAdd, clientsList, clientsRemove]
