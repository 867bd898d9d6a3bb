// Tool `validate_oauth2_setup`: walks the whole flow against the live server (metadata → token →
// protected /hello → introspection → revocation of the test token), each step pass/fail with
// the reason and its duration, later steps skipped when they lack what an earlier one gave.
import * as v from 'valibot'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { isObject, oauthErrorOf, type OAuth2Client } from '../client.ts'
import type { OAuth2ToolsConfig } from '../config.ts'
import type { OAuth2ToolsContext } from '../context.ts'
import { OAuth2ToolsError } from '../errors.ts'
import { decodeJwtUnverified } from '../jwt-decode.ts'

const STEP_NAMES = ['metadata', 'token', 'hello', 'introspection', 'revocation'] as const
type StepName = (typeof STEP_NAMES)[number]

const Step = v.object({
  step: v.picklist(STEP_NAMES),
  status: v.picklist(['pass', 'fail', 'skipped']),
  reason: v.string(),
  duration_ms: v.number(),
})

const Output = v.object({
  ok: v.pipe(v.boolean(), v.description('Every step passed.')),
  url: v.string(),
  client_id: v.optional(v.string()),
  steps: v.array(Step),
  summary: v.string(),
})

type Report = v.InferOutput<typeof Output>
type StepReport = v.InferOutput<typeof Step>

/** A step's outcome: pass/fail with its reason (thrown OAuth2ToolsErrors become failures). */
interface Outcome {
  pass: boolean
  reason: string
  ms: number
}

export function validateSetupTool({ config, client }: OAuth2ToolsContext): Tool {
  return defineTool({
    name: 'validate_oauth2_setup',
    title: 'Validate the OAuth2 setup',
    description:
      "Runs the whole OAuth2 flow against the server with this deployment's client: metadata (RFC 8414) → client credentials token → the protected /hello → introspection (RFC 7662) → revocation of the test token (RFC 7009). Reports each step as pass, fail or skipped with the reason and its duration.",
    input: v.strictObject({}),
    output: Output,
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
      idempotentHint: false,
    },
    text: render,
    handler: (_args, ctx) => validateSetup(config, client, ctx.signal),
  })
}

/** Runs the steps in order; never throws for the server's failures (cancellation propagates). */
export async function validateSetup(
  config: OAuth2ToolsConfig,
  client: OAuth2Client,
  signal?: AbortSignal,
): Promise<Report> {
  const steps: StepReport[] = []
  const record = (step: StepName, outcome: Outcome) =>
    steps.push({
      step,
      status: outcome.pass ? 'pass' : 'fail',
      reason: outcome.reason,
      duration_ms: outcome.ms,
    })
  const skip = (step: StepName, reason: string) =>
    steps.push({ step, status: 'skipped', reason, duration_ms: 0 })

  record('metadata', await attempt(() => checkMetadata(client, config.issuer, signal)))

  let token: string | undefined
  const tokenStep = await attempt(async () => {
    const { json, ms } = await client.token({}, signal)
    token = json.access_token
    const claims = decodeJwtUnverified(json.access_token)
    const facts = [
      `${json.token_type} token for ${config.clientId}`,
      ...(typeof json.expires_in === 'number' ? [`expires in ${json.expires_in} s`] : []),
      ...(typeof json.scope === 'string' ? [`scope ${json.scope}`] : []),
      ...(claims
        ? [`typ ${String(claims.header.typ)}, aud ${JSON.stringify(claims.payload.aud)}`]
        : []),
    ]
    if (!/^bearer$/i.test(json.token_type)) {
      return { pass: false, reason: `token_type is ${json.token_type}, expected Bearer`, ms }
    }
    return { pass: true, reason: facts.join(', '), ms }
  })
  record('token', tokenStep)

  if (token === undefined) {
    const why = 'needs a token (the token step failed)'
    for (const step of ['hello', 'introspection', 'revocation'] as const) skip(step, why)
  } else {
    const issued = token
    record('hello', await attempt(() => checkHello(client, issued, signal)))
    record('introspection', await attempt(() => checkIntrospection(client, config, issued, signal)))
    record(
      'revocation',
      await attempt(async () => {
        const { ms } = await client.revoke(issued, signal)
        return { pass: true, reason: 'the test token was revoked (HTTP 200)', ms }
      }),
    )
  }

  const failed = steps.filter((s) => s.status !== 'pass')
  const ok = failed.length === 0
  return {
    ok,
    url: config.url,
    ...(config.clientId !== undefined ? { client_id: config.clientId } : {}),
    steps,
    summary: ok
      ? `all ${steps.length} steps passed`
      : `${steps.length - failed.length} of ${steps.length} steps passed; ${failed.map((s) => `${s.step} ${s.status === 'fail' ? 'failed' : 'skipped'}`).join(', ')}`,
  }
}

async function attempt(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof OAuth2ToolsError) {
      return { pass: false, reason: error.message, ms: error.ms }
    }
    throw error
  }
}

async function checkMetadata(
  client: OAuth2Client,
  issuer: string,
  signal?: AbortSignal,
): Promise<Outcome> {
  const { json, ms } = await client.metadata(signal)
  const problems: string[] = []
  // MD-2 / RFC 8414 §3.3: a document whose issuer differs must not be used.
  if (json.issuer !== issuer) {
    problems.push(
      `issuer is ${JSON.stringify(json.issuer)}, expected ${issuer} (RFC 8414 §3.3; set OAUTH2_ISSUER to the server's public URL)`,
    )
  }
  if (typeof json.token_endpoint !== 'string') problems.push('no token_endpoint')
  const grants = json.grant_types_supported
  if (!Array.isArray(grants) || !grants.includes('client_credentials')) {
    problems.push('grant_types_supported does not list client_credentials')
  }
  if (problems.length > 0) return { pass: false, reason: problems.join('; '), ms }
  return {
    pass: true,
    reason: `issuer ${issuer}, token endpoint ${String(json.token_endpoint)}`,
    ms,
  }
}

async function checkHello(
  client: OAuth2Client,
  token: string,
  signal?: AbortSignal,
): Promise<Outcome> {
  const { status, json, headers, ms } = await client.hello(token, signal)
  if (status === 200) {
    const who = isObject(json) ? json.authenticated_client : undefined
    return {
      pass: true,
      reason: `HTTP 200${typeof who === 'string' ? `, authenticated as ${who}` : ''}`,
      ms,
    }
  }
  // RFC 6750 §3: the challenge says why (invalid_token, insufficient_scope).
  const challenge = headers.get('www-authenticate')
  const error = /error="([^"]{1,100})"/.exec(challenge ?? '')?.[1] ?? oauthErrorOf(json)
  const hint =
    status === 403
      ? ': the token lacks the scope /hello needs (mcp.access)'
      : status === 401
        ? ': the server did not accept the token (audience, issuer or key mismatch?)'
        : ''
  return { pass: false, reason: `HTTP ${status}${error ? ` (${error})` : ''}${hint}`, ms }
}

async function checkIntrospection(
  client: OAuth2Client,
  config: OAuth2ToolsConfig,
  token: string,
  signal?: AbortSignal,
): Promise<Outcome> {
  const { json, ms } = await client.introspect(token, signal)
  const body = json as Record<string, unknown>
  if (!body.active) {
    return { pass: false, reason: 'the server reports the new token as inactive', ms }
  }
  if (body.client_id !== config.clientId) {
    return {
      pass: false,
      reason: `active, but client_id is ${JSON.stringify(body.client_id)}, expected ${config.clientId}`,
      ms,
    }
  }
  const scope = typeof body.scope === 'string' ? `, scope ${body.scope}` : ''
  return { pass: true, reason: `active, client_id ${config.clientId}${scope}`, ms }
}

function render(report: Report): string {
  const mark = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' } as const
  const lines = [
    `OAuth2 setup at ${report.url}${report.client_id ? ` (client ${report.client_id})` : ''}: ${report.summary}`,
  ]
  report.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${mark[s.status]} ${s.step} (${s.duration_ms} ms): ${s.reason}`)
  })
  return lines.join('\n')
}
