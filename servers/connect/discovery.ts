// Finds the gateway's authorization server and its token endpoint: the RFC 9728 protected
// resource metadata (from the `resource_metadata` of the 401 challenge to a real request, else the
// well-known URIs), then the RFC 8414 authorization server metadata (or OpenID discovery), checked
// as the RFCs say, and only for an authorization server connect trusts (issuer-policy.ts).
import { buildDiscoveryUrls } from '@modelcontextprotocol/sdk/client/auth.js'
import { ConnectError } from './errors.ts'
import { isLoopback } from '../../shared/http/loopback.ts'
import { fetchJson, type Fetch } from './http.ts'
import { checkTokenEndpoint, chooseIssuer, shown, type IssuerPolicy } from './issuer-policy.ts'
import { bearerChallengeParams } from './www-authenticate.ts'

/** Client authentication at the token endpoint (RFC 6749 §2.3.1; OA-9). */
export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post'

/** What discovery found. */
export interface Discovery {
  /** The protected resource identifier: the MCP endpoint URL (RFC 9728 §2 `resource`). */
  resource: string
  /** Where the resource metadata was read. */
  resourceMetadataUrl: string
  /** The authorization server's issuer identifier (first of `authorization_servers`). */
  issuer: string
  /** Where the AS metadata was read. */
  authorizationServerMetadataUrl: string
  tokenEndpoint: string
  /** Basic when the AS offers it (RFC 8414 default), else post. */
  authMethod: TokenAuthMethod
  /** `scopes_supported` of the resource metadata, when given. */
  scopesSupported?: string[]
}

export interface DiscoveryOptions {
  fetch: Fetch
  /** Deadline of each HTTP exchange, ms. */
  timeoutMs: number
  /** Allow http:// off loopback (the secret and the token would travel in clear). Default false. */
  allowHttp?: boolean
  /** Which authorization server may get the secret. Default: one on the gateway's origin only. */
  issuerPolicy?: IssuerPolicy
}

/** RFC 9728 §3: the well-known suffix of protected resource metadata. */
const PRM_SUFFIX = '/.well-known/oauth-protected-resource'

/** The URL in the canonical form `new URL()` gives (lower-case scheme and host, default port dropped). */
export function canonicalUrl(url: string): string {
  return new URL(url).href
}

/**
 * Refuses URLs connect must not send a secret or token to: not http(s), with credentials or a
 * fragment, or http:// off loopback without `allowHttp` (MCP-A15; RFC 6749 §3.2 OA-4).
 */
export function checkEndpointUrl(url: string, what: string, allowHttp = false): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConnectError('ERR_DISCOVERY', `${what} ${JSON.stringify(shown(url))} is not a URL`)
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new ConnectError('ERR_DISCOVERY', `${what} ${shown(url)} is not an http(s) URL`)
  if (parsed.username || parsed.password || parsed.hash)
    throw new ConnectError(
      'ERR_DISCOVERY',
      `${what} ${shown(`${parsed.protocol}//${parsed.host}${parsed.pathname}`)} must have no credentials or fragment`,
    )
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname) && !allowHttp)
    throw new ConnectError(
      'ERR_DISCOVERY',
      `${what} ${shown(url)} uses http: off loopback; use https, or set OAUTH2_ALLOW_HTTP=true on a private network`,
    )
  return parsed
}

/** RFC 9728 §3.1 / RFC 8414 §3.1: the suffix goes between the host and the path. */
function wellKnown(identifier: string, suffix: string): string {
  const url = new URL(identifier)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '')
  return `${url.origin}${suffix}${path}`
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')

/** What a metadata lookup is called in errors, and which code a server failure gets. */
interface MetadataLookup {
  peer: 'gateway' | 'authorization server'
  what: string
  serverError: 'ERR_GATEWAY_REFUSED' | 'ERR_TOKEN_REFUSED'
}

/**
 * The first of `urls` that answers 200 with a JSON object; a 5xx stops the search (the server is
 * there but failing); undefined when none has the document (`tried` lists what was asked).
 */
async function firstMetadataDocument(
  urls: string[],
  lookup: MetadataLookup,
  options: DiscoveryOptions,
  tried: string[],
): Promise<{ url: string; document: Record<string, unknown> } | undefined> {
  for (const url of urls) {
    const answer = await fetchJson(
      options.fetch,
      url,
      { headers: { Accept: 'application/json' } },
      { peer: lookup.peer, timeoutMs: options.timeoutMs, what: lookup.what },
    )
    if (answer.status === 200 && isObject(answer.json)) return { url, document: answer.json }
    tried.push(`${url} (${answer.status})`)
    if (answer.status >= 500)
      throw new ConnectError(
        lookup.serverError,
        `${lookup.what}: ${url} answered ${answer.status}`,
        answer.status,
      )
  }
  return undefined
}

/** Where connect may read the resource metadata, and the `resource` that document must name. */
interface ResourceMetadataCandidate {
  url: string
  /** RFC 9728 §3.3: the identifier the document must name, identical after URL parsing. */
  resource: string
  /** How the URL was found, for the message when `resource` differs. */
  from: 'challenge' | 'path' | 'root'
}

/**
 * MCP 2025-11-25 "Protected Resource Metadata Discovery": the `resource_metadata` URL of the
 * gateway's 401 challenge when it gave one (RFC 9728 §5.1), else the well-known URIs, the one with
 * the path inserted first, then the root one (RFC 9728 §3.1). Each with the `resource` RFC 9728
 * §3.3 demands: the URL of the request the challenge answered (here always `mcpUrl`), or the
 * identifier into which the well-known suffix was inserted (`mcpUrl`, or its origin at the root).
 */
function resourceMetadataCandidates(
  mcpUrl: string,
  challenge: string | null | undefined,
): ResourceMetadataCandidate[] {
  const named = bearerChallengeParams(challenge ?? null)?.resource_metadata
  // RFC 9728 §7.7: the URL is the gateway's to name; only http(s) is read, and nothing secret is sent.
  if (named !== undefined)
    return [
      {
        url: checkEndpointUrl(named, 'resource_metadata', true).href,
        resource: mcpUrl,
        from: 'challenge',
      },
    ]
  const url = new URL(mcpUrl)
  const root: ResourceMetadataCandidate = {
    url: `${url.origin}${PRM_SUFFIX}`,
    resource: url.origin,
    from: 'root',
  }
  if (url.pathname === '/' && url.search === '') return [root]
  return [
    { url: `${wellKnown(mcpUrl, PRM_SUFFIX)}${url.search}`, resource: mcpUrl, from: 'path' },
    root,
  ]
}

/** RFC 9728 §3.3: a document whose `resource` is not the expected one "MUST NOT be used". */
function checkResource(document: Record<string, unknown>, candidate: ResourceMetadataCandidate) {
  const resource = document.resource
  if (typeof resource !== 'string' || !URL.canParse(resource))
    throw new ConnectError('ERR_DISCOVERY', `${candidate.url}: "resource" is missing or not a URL`)
  if (canonicalUrl(resource) === canonicalUrl(candidate.resource)) return resource
  const why =
    candidate.from === 'root'
      ? `a document at the root well-known URI must name the origin ${candidate.resource}`
      : candidate.from === 'path'
        ? `it must name ${candidate.resource}, the URL its well-known URI was built from`
        : `a document named by the gateway's WWW-Authenticate challenge must name the URL that was requested, ${candidate.resource}`
  const hint =
    candidate.from === 'root'
      ? ''
      : `: run connect with --url ${shown(resource)}, or set the gateway's GATEWAY_PUBLIC_URL to match`
  throw new ConnectError(
    'ERR_DISCOVERY',
    `${candidate.url} names the resource ${shown(resource)}; ${why} (RFC 9728 §3.3)${hint}`,
  )
}

async function readResourceMetadata(
  candidates: ResourceMetadataCandidate[],
  mcpUrl: string,
  options: DiscoveryOptions,
): Promise<{ url: string; document: Record<string, unknown>; resource: string }> {
  const tried: string[] = []
  const found = await firstMetadataDocument(
    candidates.map((c) => c.url),
    { peer: 'gateway', what: 'protected resource metadata', serverError: 'ERR_GATEWAY_REFUSED' },
    options,
    tried,
  )
  if (found) {
    const candidate = candidates.find((c) => c.url === found.url)!
    return { ...found, resource: checkResource(found.document, candidate) }
  }
  throw new ConnectError(
    'ERR_DISCOVERY',
    `no protected resource metadata (RFC 9728) for ${mcpUrl}: tried ${tried.join(', ')}; is --url the gateway's MCP endpoint?`,
  )
}

async function readAuthorizationServerMetadata(
  issuer: string,
  options: DiscoveryOptions,
): Promise<{ url: string; document: Record<string, unknown> }> {
  // MCP 2025-11-25 "Authorization Server Metadata Discovery": RFC 8414 first, then the OpenID
  // forms; the SDK's list is that order (the checks on what it finds stay ours).
  const urls = buildDiscoveryUrls(issuer).map(({ url }) => url.href)
  const tried: string[] = []
  const found = await firstMetadataDocument(
    urls,
    {
      peer: 'authorization server',
      what: 'authorization server metadata',
      serverError: 'ERR_TOKEN_REFUSED',
    },
    options,
    tried,
  )
  if (found) return found
  throw new ConnectError(
    'ERR_DISCOVERY',
    `no authorization server metadata (RFC 8414) for issuer ${issuer}: tried ${tried.join(', ')}`,
  )
}

/**
 * Discovers the token endpoint for the MCP endpoint `mcpUrl`. `challenge` is the
 * `WWW-Authenticate` header of the gateway's 401 to a real request (MCP 2025-11-25: the first
 * unauthenticated request, usually the POST of `initialize`), when there was one.
 * Checks: the resource metadata's `resource` is the one RFC 9728 §3.3 requires for where it was
 * read (MCP-A3) and names an authorization server (MCP-A1); that server is one connect trusts
 * (`issuerPolicy`), checked before anything is sent to it; its metadata's `issuer` is identical to
 * the identifier its URL was built from (RFC 8414 §3.3); it offers `client_credentials` and a
 * client secret method connect speaks; the token endpoint is one the policy allows.
 * @throws ConnectError
 */
export async function discover(
  mcpUrl: string,
  options: DiscoveryOptions,
  challenge?: string | null,
): Promise<Discovery> {
  const candidates = resourceMetadataCandidates(mcpUrl, challenge)
  const prm = await readResourceMetadata(candidates, mcpUrl, options)
  const resource = prm.resource
  const servers = prm.document.authorization_servers
  if (!isStringArray(servers) || servers.length === 0)
    throw new ConnectError('ERR_DISCOVERY', `${prm.url}: "authorization_servers" is empty`)
  const policy = options.issuerPolicy ?? {}
  const issuer = chooseIssuer(servers, mcpUrl, policy)
  checkEndpointUrl(issuer, 'the authorization server', options.allowHttp)

  const asm = await readAuthorizationServerMetadata(issuer, options)
  if (asm.document.issuer !== issuer)
    throw new ConnectError(
      'ERR_DISCOVERY',
      `${asm.url}: "issuer" is ${typeof asm.document.issuer === 'string' ? JSON.stringify(shown(asm.document.issuer)) : 'missing'}, not ${issuer} (RFC 8414 §3.3)`,
    )
  const tokenEndpoint = asm.document.token_endpoint
  if (typeof tokenEndpoint !== 'string')
    throw new ConnectError('ERR_DISCOVERY', `${asm.url}: no "token_endpoint"`)
  checkEndpointUrl(tokenEndpoint, 'the token endpoint', options.allowHttp)
  checkTokenEndpoint(tokenEndpoint, mcpUrl, policy)
  const grants = asm.document.grant_types_supported
  if (isStringArray(grants) && !grants.includes('client_credentials'))
    throw new ConnectError(
      'ERR_DISCOVERY',
      `${asm.url}: the authorization server does not offer the client_credentials grant`,
    )
  // RFC 8414 §2: absent means client_secret_basic.
  const methods = asm.document.token_endpoint_auth_methods_supported
  const offered = isStringArray(methods) ? methods : ['client_secret_basic']
  const authMethod: TokenAuthMethod | undefined = offered.includes('client_secret_basic')
    ? 'client_secret_basic'
    : offered.includes('client_secret_post')
      ? 'client_secret_post'
      : undefined
  if (!authMethod)
    throw new ConnectError(
      'ERR_DISCOVERY',
      `${asm.url}: the authorization server accepts neither client_secret_basic nor client_secret_post`,
    )
  const scopes = prm.document.scopes_supported
  return {
    resource,
    resourceMetadataUrl: prm.url,
    issuer,
    authorizationServerMetadataUrl: asm.url,
    tokenEndpoint,
    authMethod,
    ...(isStringArray(scopes) ? { scopesSupported: scopes } : {}),
  }
}
