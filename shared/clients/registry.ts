// The client registry file format (JSON): ids, allowed scopes and audiences, secret hashes only.
//
// ```json
// {
//   "version": 1,
//   "clients": [
//     {
//       "client_id": "agent-1",
//       "secret_hash": "sha256:<64 hex>",
//       "scopes": ["mcp.access"],
//       "audiences": ["https://mcp.example.com/mcp"]
//     }
//   ]
// }
// ```
// `audiences` may be empty or absent: the client may then get tokens for the server's default
// resource only. The OAuth2 server and the `mcp-docker clients` CLI both read and write this.
import * as v from 'valibot'
import { ConfigError } from '../config/errors.ts'
import { SCOPE_TOKEN_PATTERN } from '../jwt/claims.ts'
import { SECRET_HASH_PATTERN } from './secret.ts'

/** RFC 6749 §2.2/App. A.1 client_id is VSCHAR; we also exclude space and cap the length. */
export const CLIENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/
/** RFC 6749 §3.3 scope-token (one definition, in shared/jwt/claims.ts). */
export { SCOPE_TOKEN_PATTERN }

/** OA-21 (RFC 8707 §2): an absolute URI without a fragment. */
export function isResourceIndicator(value: string): boolean {
  if (value.includes('#') || !URL.canParse(value)) return false
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)
}

/** One registered client, as the server and CLI use it. */
export interface RegisteredClient {
  /** The client identifier (also `sub` of its tokens, RFC 9068 §2.2). */
  clientId: string
  /** `sha256:<hex>` of the secret; the secret itself is never stored. */
  secretHash: string
  /** Scopes the client may request; also what it gets when it requests none. */
  scopes: string[]
  /** Resource indicators the client may request tokens for; empty = the default resource only. */
  audiences: string[]
}

const ClientSchema = v.strictObject({
  client_id: v.pipe(
    v.string(),
    v.regex(CLIENT_ID_PATTERN, 'must be 1–128 visible ASCII characters without spaces'),
  ),
  secret_hash: v.pipe(
    v.string(),
    v.regex(SECRET_HASH_PATTERN, 'must be sha256:<64 lowercase hex>'),
  ),
  scopes: v.pipe(
    v.array(v.pipe(v.string(), v.regex(SCOPE_TOKEN_PATTERN, 'must be an RFC 6749 scope token'))),
    v.minLength(1, 'must list at least one scope'),
  ),
  audiences: v.optional(
    v.array(
      v.pipe(
        v.string(),
        v.check(isResourceIndicator, 'must be an absolute URI without a fragment'),
      ),
    ),
    [],
  ),
})

const RegistrySchema = v.strictObject({
  version: v.optional(v.literal(1, 'must be 1')),
  clients: v.array(ClientSchema),
})

/**
 * Parses a registry file's text. Every problem is reported at once (ConfigError, one line each,
 * naming the JSON path); duplicate client ids are a problem. Values of `secret_hash` never appear
 * in messages.
 */
export function parseClientRegistry(text: string): RegisteredClient[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ConfigError(['clients file is not valid JSON'])
  }
  const result = v.safeParse(RegistrySchema, json)
  if (!result.success) {
    throw new ConfigError(
      result.issues.map(
        (issue) => `clients file: ${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`,
      ),
    )
  }
  const seen = new Set<string>()
  const problems: string[] = []
  const clients = result.output.clients.map((c) => {
    if (seen.has(c.client_id))
      problems.push(`clients file: client "${c.client_id}" is listed twice`)
    seen.add(c.client_id)
    return {
      clientId: c.client_id,
      secretHash: c.secret_hash,
      scopes: [...new Set(c.scopes)],
      audiences: [...new Set(c.audiences)],
    }
  })
  if (problems.length > 0) throw new ConfigError(problems)
  return clients
}

/** The file text for `clients` (version 1, two-space indented, trailing newline). */
export function serializeClientRegistry(clients: readonly RegisteredClient[]): string {
  const file = {
    version: 1,
    clients: clients.map((c) => ({
      client_id: c.clientId,
      secret_hash: c.secretHash,
      scopes: c.scopes,
      audiences: c.audiences,
    })),
  }
  return `${JSON.stringify(file, null, 2)}\n`
}
