// Tool `get_oauth2_flow_guide`: the client credentials flow step by step, with curl commands
// for this deployment's URLs and client. The secret appears only as `$OAUTH2_CLIENT_SECRET`.
import * as v from 'valibot'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { endpointsOf } from '../client.ts'
import type { OAuth2ToolsConfig } from '../config.ts'
import type { OAuth2ToolsContext } from '../context.ts'

const Step = v.object({
  title: v.string(),
  why: v.pipe(v.string(), v.description('What the step does, with the specification it follows.')),
  command: v.pipe(v.string(), v.description('A shell command (curl) for this deployment.')),
  expect: v.pipe(v.string(), v.description('What a working server answers.')),
})

const Output = v.object({
  url: v.pipe(
    v.string(),
    v.description("The server's public URL used in the commands (OAUTH2_ISSUER, else OAUTH2_URL)."),
  ),
  internal_url: v.optional(
    v.pipe(v.string(), v.description('OAUTH2_URL when it differs (a container network address).')),
  ),
  client_id: v.string(),
  steps: v.array(Step),
  notes: v.array(v.string()),
})

type Guide = v.InferOutput<typeof Output>

/** Placeholder of the client id when none is configured. */
const CLIENT_PLACEHOLDER = '$OAUTH2_CLIENT_ID'

export function flowGuideTool({ config }: OAuth2ToolsContext): Tool {
  return defineTool({
    name: 'get_oauth2_flow_guide',
    title: 'OAuth2 flow guide',
    description:
      "Explains the OAuth2 client credentials flow of this deployment step by step (health, discovery, token, protected resource, introspection, revocation), each with the exact curl command for this server's URLs and client. The client secret is shown only as the placeholder $OAUTH2_CLIENT_SECRET.",
    input: v.strictObject({}),
    output: Output,
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      openWorldHint: false,
      idempotentHint: true,
    },
    text: render,
    handler: () => flowGuide(config),
  })
}

/** The guide for `config` (pure: no request is made). */
export function flowGuide(config: OAuth2ToolsConfig): Guide {
  const url = config.issuer
  const e = endpointsOf(url)
  const id = config.clientId ?? CLIENT_PLACEHOLDER
  const idArg = config.clientId !== undefined ? shellQuote(`client_id=${id}`) : `"client_id=${id}"`
  const auth = `--data-urlencode ${idArg} --data-urlencode "client_secret=$OAUTH2_CLIENT_SECRET"`
  const steps: Guide['steps'] = [
    {
      title: 'Put the client secret in a shell variable',
      why: secretHint(config),
      command: secretCommand(config),
      expect: 'nothing: the secret stays in your shell, never on the screen',
    },
    {
      title: 'Check that the server is up',
      why: 'GET /health answers without credentials.',
      command: `curl -s ${shellQuote(e.health)}`,
      expect: '{"status":"ok"}',
    },
    {
      title: 'Discover the endpoints',
      why: 'Authorization server metadata (RFC 8414): the issuer, the token, introspection and revocation endpoints, the supported grant types and client authentication methods.',
      command: `curl -s ${shellQuote(e.metadata)}`,
      expect: `a JSON document with "issuer": "${url}" and "grant_types_supported": ["client_credentials"]`,
    },
    {
      title: 'Get an access token',
      why: 'The client credentials grant (RFC 6749 §4.4): the client authenticates with its id and secret (client_secret_post here; HTTP Basic works too) and receives a short-lived Bearer token (a JWT, RFC 9068). Add -d resource=<URL> to get a token for another audience (RFC 8707).',
      command: `TOKEN=$(curl -s -X POST ${shellQuote(e.token)} -d grant_type=client_credentials -d scope=mcp.access ${auth} | jq -r .access_token); echo "\${TOKEN:0:12}…"`,
      expect:
        '"eyJ…": the token is in $TOKEN (without jq: run the curl alone and copy access_token from the JSON)',
    },
    {
      title: 'Call the protected resource',
      why: 'The token goes in the Authorization header (RFC 6750 §2.1), never in the URL.',
      command: `curl -s -H "Authorization: Bearer $TOKEN" ${shellQuote(e.hello)}`,
      expect: `{"message":"Hello from MCP OAuth2 Demo!","authenticated_client":"${id}",…}; 401 without a valid token, 403 without scope mcp.access`,
    },
    {
      title: 'Introspect the token',
      why: 'Token introspection (RFC 7662): the server says whether the token is active and what it carries; the caller must authenticate.',
      command: `curl -s -X POST ${shellQuote(e.introspect)} ${auth} --data-urlencode "token=$TOKEN"`,
      expect: `{"active":true,"client_id":"${id}","scope":"mcp.access",…}`,
    },
    {
      title: 'Revoke the token when done',
      why: 'Token revocation (RFC 7009): the token stops working at once (introspection then says {"active":false}).',
      command: `curl -s -o /dev/null -w '%{http_code}\\n' -X POST ${shellQuote(e.revoke)} ${auth} --data-urlencode "token=$TOKEN"`,
      expect: '200',
    },
  ]
  const notes = [
    'The commands are for bash (read -s, ${TOKEN:0:12}) and use jq to pick access_token from the JSON.',
    'Tokens expire (expires_in, 1800 s by default): request a new one rather than storing it.',
    "The same token, requested for the gateway's resource (the server's default), is what a remote MCP client sends to the gateway's /mcp as Authorization: Bearer.",
    'Never paste a token or secret into a chat or a log; the MCP guard masks them in tool results.',
  ]
  if (config.clientId === undefined) {
    notes.unshift(
      'No client is configured for these tools: set OAUTH2_CLIENT_ID in your shell too (create a client with: mcp-docker clients add <id> --scopes mcp.access).',
    )
  }
  return {
    url,
    ...(config.url !== url ? { internal_url: config.url } : {}),
    client_id: id,
    steps,
    notes,
  }
}

function secretHint(config: OAuth2ToolsConfig): string {
  const id = config.clientId ?? 'your client'
  switch (config.secretSource?.kind) {
    case 'file':
      return `The secret of ${id} is in the file named by OAUTH2_CLIENT_SECRET_FILE (a Docker secret). Reading it into a variable keeps it off the command lines below.`
    case 'env':
      return `The secret of ${id} is the value of OAUTH2_CLIENT_SECRET in this server's environment.`
    case 'demo':
      return `${id} is the development demo client; its secret is documented in docs/oauth2.md (development only: production refuses it).`
    default:
      return `Use the secret printed when ${id} was created (mcp-docker clients add); the server stores only its hash.`
  }
}

function secretCommand(config: OAuth2ToolsConfig): string {
  if (config.secretSource?.kind === 'file') {
    return `OAUTH2_CLIENT_SECRET="$(cat ${shellQuote(config.secretSource.path)})"`
  }
  return 'read -rs -p "client secret: " OAUTH2_CLIENT_SECRET; echo'
}

/** `value` as one shell word: unchanged when it holds only safe characters, else single-quoted. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

function render(guide: Guide): string {
  const lines = [`OAuth2 client credentials flow for ${guide.url} (client ${guide.client_id})`]
  if (guide.internal_url) {
    lines.push(`(this server reaches it as ${guide.internal_url}; the commands use the public URL)`)
  }
  guide.steps.forEach((step, i) => {
    lines.push(
      '',
      `${i + 1}. ${step.title}`,
      `   ${step.why}`,
      '',
      `   ${step.command}`,
      '',
      `   → ${step.expect}`,
    )
  })
  lines.push('', 'Notes:', ...guide.notes.map((note) => `- ${note}`))
  return lines.join('\n')
}
