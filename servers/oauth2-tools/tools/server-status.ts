// Tool `get_oauth2_server_status`: is the OAuth2 server up, and what does its RFC 8414 metadata
// say (issuer, endpoints, grant types, client authentication methods), with the latency of each.
import * as v from 'valibot'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import type { Exchange } from '../client.ts'
import type { OAuth2ToolsContext } from '../context.ts'
import { OAuth2ToolsError } from '../errors.ts'

const Probe = v.object({
  url: v.pipe(v.string(), v.description('The URL requested.')),
  ok: v.boolean(),
  http_status: v.optional(v.pipe(v.number(), v.description('Absent when there was no answer.'))),
  latency_ms: v.pipe(v.number(), v.description('Request sent → body read, or → failure.')),
  error: v.optional(v.pipe(v.string(), v.description('Why the probe failed.'))),
})

const Output = v.object({
  url: v.pipe(
    v.string(),
    v.description('OAUTH2_URL: where this server reaches the OAuth2 server.'),
  ),
  reachable: v.pipe(v.boolean(), v.description('The server answered at least one probe.')),
  healthy: v.pipe(v.boolean(), v.description('GET /health answered 200 {"status":"ok"}.')),
  health: Probe,
  metadata: Probe,
  issuer: v.optional(v.string()),
  expected_issuer: v.pipe(v.string(), v.description('OAUTH2_ISSUER, or OAUTH2_URL when unset.')),
  issuer_matches: v.optional(v.boolean()),
  endpoints: v.optional(v.record(v.string(), v.string())),
  grant_types: v.optional(v.array(v.string())),
  auth_methods: v.optional(v.array(v.string())),
  scopes: v.optional(v.array(v.string())),
  problems: v.array(v.string()),
})

type Status = v.InferOutput<typeof Output>
type ProbeResult = v.InferOutput<typeof Probe>

/** RFC 8414 §2 members naming endpoints, by the label shown. */
const ENDPOINT_MEMBERS: ReadonlyArray<[label: string, member: string]> = [
  ['token', 'token_endpoint'],
  ['introspection', 'introspection_endpoint'],
  ['revocation', 'revocation_endpoint'],
  ['authorization', 'authorization_endpoint'],
  ['jwks', 'jwks_uri'],
]

export function serverStatusTool({ config, client }: OAuth2ToolsContext): Tool {
  return defineTool({
    name: 'get_oauth2_server_status',
    title: 'OAuth2 server status',
    description:
      'Checks the OAuth2 server this deployment uses: reaches its health check and its RFC 8414 metadata, and reports the issuer, endpoints, grant types, client authentication methods and the latency of each request, or why it cannot be reached.',
    input: v.strictObject({}),
    output: Output,
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      openWorldHint: true,
      idempotentHint: true,
    },
    text: render,
    handler: async (_args, ctx): Promise<Status> => {
      const [health, metadata] = await Promise.all([
        probe(client.endpoints.health, () => client.health(ctx.signal)),
        probe(client.endpoints.metadata, () => client.metadata(ctx.signal)),
      ])
      const status: Status = {
        url: config.url,
        reachable:
          health.probe.http_status !== undefined || metadata.probe.http_status !== undefined,
        healthy: health.probe.ok,
        health: health.probe,
        metadata: metadata.probe,
        expected_issuer: config.issuer,
        problems: [],
      }
      if (!health.probe.ok) status.problems.push(`health check: ${health.probe.error}`)
      if (!metadata.probe.ok) status.problems.push(`metadata: ${metadata.probe.error}`)
      const doc = metadata.exchange?.json as Record<string, unknown> | undefined
      if (doc) describeMetadata(doc, config.issuer, status)
      return status
    },
  })
}

/** Runs one request; its failure is reported in the probe, not thrown (cancellation is). */
async function probe(
  url: string,
  run: () => Promise<Exchange>,
): Promise<{ probe: ProbeResult; exchange?: Exchange }> {
  try {
    const exchange = await run()
    return {
      probe: { url, ok: true, http_status: exchange.status, latency_ms: exchange.ms },
      exchange,
    }
  } catch (error) {
    if (!(error instanceof OAuth2ToolsError)) throw error
    return {
      probe: {
        url,
        ok: false,
        ...(error.status !== undefined ? { http_status: error.status } : {}),
        latency_ms: error.ms,
        error: error.message,
      },
    }
  }
}

/** Fills issuer, endpoints, grant types, methods and scopes from the document, noting problems. */
function describeMetadata(doc: Record<string, unknown>, expected: string, status: Status): void {
  const strings = (value: unknown) =>
    Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string')
      : undefined
  if (typeof doc.issuer === 'string') {
    status.issuer = doc.issuer
    status.issuer_matches = doc.issuer === expected
    if (!status.issuer_matches) {
      status.problems.push(
        `the metadata's issuer ${doc.issuer} is not ${expected}: clients must not use a document whose issuer differs (RFC 8414 §3.3); set OAUTH2_ISSUER to the server's public URL`,
      )
    }
  } else {
    status.problems.push('the metadata has no issuer (RFC 8414 §2 requires one)')
  }
  const endpoints: Record<string, string> = {}
  for (const [label, member] of ENDPOINT_MEMBERS) {
    if (typeof doc[member] === 'string') endpoints[label] = doc[member]
  }
  status.endpoints = endpoints
  if (endpoints.token === undefined) status.problems.push('the metadata has no token_endpoint')
  const grants = strings(doc.grant_types_supported)
  if (grants) status.grant_types = grants
  // RFC 8414 §2: omitted means ["authorization_code", "implicit"], which excludes ours.
  if (!grants?.includes('client_credentials')) {
    status.problems.push('grant_types_supported does not list client_credentials')
  }
  const methods = strings(doc.token_endpoint_auth_methods_supported)
  if (methods) status.auth_methods = methods
  const scopes = strings(doc.scopes_supported)
  if (scopes) status.scopes = scopes
}

function render(status: Status): string {
  const state = status.healthy
    ? 'healthy'
    : status.reachable
      ? 'reachable but not healthy'
      : 'unreachable'
  const line = (name: string, p: ProbeResult) =>
    `  ${name.padEnd(9)} ${p.ok ? `HTTP ${p.http_status}` : 'FAILED'} in ${p.latency_ms} ms`
  const lines = [
    `OAuth2 server at ${status.url}: ${state}`,
    line('health', status.health),
    line('metadata', status.metadata),
  ]
  if (status.issuer !== undefined) lines.push(`issuer: ${status.issuer}`)
  for (const [label, url] of Object.entries(status.endpoints ?? {})) {
    lines.push(`${label} endpoint: ${url}`)
  }
  if (status.grant_types) lines.push(`grant types: ${status.grant_types.join(', ')}`)
  if (status.auth_methods) lines.push(`client authentication: ${status.auth_methods.join(', ')}`)
  if (status.scopes) lines.push(`scopes: ${status.scopes.join(', ')}`)
  if (status.problems.length > 0) {
    lines.push('problems:', ...status.problems.map((problem) => `  - ${problem}`))
  }
  return lines.join('\n')
}
