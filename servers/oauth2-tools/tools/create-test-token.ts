// Tool `create_oauth2_test_token`: runs the client credentials grant as the configured client and
// shows what the server issued (claims decoded WITHOUT verification, expiry, scope). The raw
// token never leaves through MCP: the guard masks secrets in every result (docs/mcp-servers.md).
import * as v from 'valibot'
import { isScopeToken, parseScope } from '../../../shared/jwt/claims.ts'
import { ToolError } from '../../../shared/mcp/errors.ts'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { maskJwt } from '../../../shared/pii/mask-rules.ts'
import type { OAuth2ToolsContext } from '../context.ts'
import { OAuth2ToolsError } from '../errors.ts'
import { decodeJwtUnverified } from '../jwt-decode.ts'

/** Why the token itself is not in the result. */
export const TOKEN_WITHHELD =
  'The raw access token is never returned through MCP: tool results pass the security guard, which always masks secrets (JWTs included). To use a token, run the curl commands of get_oauth2_flow_guide in a terminal.'

const Output = v.object({
  client_id: v.string(),
  token_endpoint: v.string(),
  token_type: v.string(),
  access_token: v.pipe(v.string(), v.description('Masked: only the "eyJ" every JWT starts with.')),
  access_token_note: v.string(),
  expires_in: v.optional(v.pipe(v.number(), v.description('Lifetime in seconds (RFC 6749 §5.1).'))),
  expires_at: v.optional(
    v.pipe(v.string(), v.description('exp claim (or now + expires_in), ISO 8601.')),
  ),
  scope: v.optional(v.string()),
  claims: v.object({
    verified: v.pipe(v.literal(false), v.description('The signature was NOT checked.')),
    note: v.string(),
    header: v.optional(v.record(v.string(), v.unknown())),
    payload: v.optional(v.record(v.string(), v.unknown())),
  }),
  latency_ms: v.number(),
})

type Issued = v.InferOutput<typeof Output>

export function createTestTokenTool({ config, client, clock }: OAuth2ToolsContext): Tool {
  return defineTool({
    name: 'create_oauth2_test_token',
    title: 'Create an OAuth2 test token',
    description:
      "Requests an access token from the OAuth2 server with the client credentials grant, as this deployment's configured client, and shows the token response with its claims (header and payload decoded without verifying the signature), scope and expiry. The token itself is masked: secrets never leave through MCP.",
    input: v.strictObject({
      scope: v.optional(
        v.pipe(
          v.string(),
          v.check(
            (s) => parseScope(s).length > 0 && parseScope(s).every(isScopeToken),
            'expected space-separated scope tokens (RFC 6749 §3.3), e.g. mcp.access',
          ),
          v.description(
            'Scopes to request, space-separated. Default: every scope the client may have.',
          ),
        ),
      ),
      resource: v.optional(
        v.pipe(
          v.string(),
          v.check(
            (s) => URL.canParse(s) && !s.includes('#'),
            'expected an absolute URI without a fragment (RFC 8707 §2)',
          ),
          v.description(
            "Resource indicator (RFC 8707): the token's audience, e.g. http://localhost:8080/mcp. Default: the server's default resource.",
          ),
        ),
      ),
    }),
    output: Output,
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
      idempotentHint: false,
    },
    text: render,
    handler: async ({ scope, resource }, ctx): Promise<Issued> => {
      let exchange
      try {
        exchange = await client.token(
          {
            ...(scope !== undefined ? { scope } : {}),
            ...(resource !== undefined ? { resource } : {}),
          },
          ctx.signal,
        )
      } catch (error) {
        if (error instanceof OAuth2ToolsError) throw new ToolError(error.message)
        throw error
      }
      const token = exchange.json
      const decoded = decodeJwtUnverified(token.access_token)
      const expiresIn =
        typeof token.expires_in === 'number' && Number.isFinite(token.expires_in)
          ? token.expires_in
          : undefined
      const exp = decoded?.payload.exp
      const expiresAt =
        typeof exp === 'number' && Number.isFinite(exp)
          ? exp * 1000
          : expiresIn !== undefined
            ? clock() + expiresIn * 1000
            : undefined
      return {
        client_id: config.clientId ?? '',
        token_endpoint: client.endpoints.token,
        token_type: token.token_type,
        access_token: maskJwt(token.access_token),
        access_token_note: TOKEN_WITHHELD,
        ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}),
        ...(expiresAt !== undefined ? { expires_at: isoOrUndefined(expiresAt) } : {}),
        ...(typeof token.scope === 'string' ? { scope: token.scope } : {}),
        claims: decoded
          ? {
              verified: false,
              note: 'Decoded without verifying the signature: shown for inspection, not proof of anything.',
              header: decoded.header,
              payload: decoded.payload,
            }
          : {
              verified: false,
              note: 'The token is not a JWT (opaque): there are no claims to show.',
            },
        latency_ms: exchange.ms,
      }
    },
  })
}

function isoOrUndefined(ms: number): string | undefined {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

function render(issued: Issued): string {
  const lines = [
    `${issued.token_type} token issued to ${issued.client_id} by ${issued.token_endpoint} in ${issued.latency_ms} ms`,
    `access_token: ${issued.access_token} (withheld)`,
  ]
  if (issued.scope !== undefined) lines.push(`scope: ${issued.scope}`)
  if (issued.expires_in !== undefined) {
    lines.push(
      `expires in ${issued.expires_in} s${issued.expires_at ? ` (at ${issued.expires_at})` : ''}`,
    )
  }
  lines.push(`claims (${issued.claims.note})`)
  if (issued.claims.header) lines.push(`  header:  ${JSON.stringify(issued.claims.header)}`)
  if (issued.claims.payload) lines.push(`  payload: ${JSON.stringify(issued.claims.payload)}`)
  lines.push(issued.access_token_note)
  return lines.join('\n')
}
