// Test fixture for the OAuth2 app: known clients and secrets, a controllable clock, captured audit events.
import type { AuditEvent } from '../../shared/audit/index.ts'
import type { RegisteredClient } from '../../shared/clients/registry.ts'
import { hashClientSecret } from '../../shared/clients/secret.ts'
import { createClientStore } from '../../shared/clients/store.ts'
import { encodeBasicCredentials } from '../../shared/http/client-auth.ts'
import { hs256Key, type SigningKey } from '../../shared/jwt/keys.ts'
import { createApp } from './app.ts'
import type { AppConfig, AppDeps } from './context.ts'

export const ISSUER = 'http://localhost:8081'
export const DEFAULT_RESOURCE = 'http://localhost:8080/mcp'
export const OTHER_RESOURCE = 'https://api.example/mcp'
/** 40 bytes: above the HS256 minimum (JW-7). */
export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-abcdef'
export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }

/** id → [secret, scopes, audiences] */
export const TEST_CLIENTS: Record<string, [string, string[], string[]]> = {
  'mcp-client': ['secret', ['mcp.access'], []],
  narrow: ['narrow-secret', ['other'], []],
  multi: ['multi-secret', ['mcp.access', 'tools'], [DEFAULT_RESOURCE, OTHER_RESOURCE]],
  elsewhere: ['elsewhere-secret', ['mcp.access'], [OTHER_RESOURCE]],
}

export interface TestAppOptions {
  config?: Partial<AppConfig>
  key?: SigningKey
  /** Source address reported for every request. Default 203.0.113.7. */
  address?: string
  /** Saved revocations and their store (AppDeps.revocations). Default none. */
  revocations?: AppDeps['revocations']
  /** More clients besides TEST_CLIENTS (id → [secret, scopes, audiences]). Default none. */
  clients?: Record<string, [string, string[], string[]]>
}

export async function makeTestApp(options: TestAppOptions = {}) {
  const clients: RegisteredClient[] = []
  for (const [clientId, [secret, scopes, audiences]] of Object.entries({
    ...TEST_CLIENTS,
    ...options.clients,
  })) {
    clients.push({ clientId, secretHash: await hashClientSecret(secret), scopes, audiences })
  }
  const events: AuditEvent[] = []
  const unexpected: unknown[] = []
  const clock = { now: Date.UTC(2030, 0, 1, 12, 0, 0) }
  const key = options.key ?? hs256Key(TEST_JWT_SECRET)
  const app = createApp(
    { issuer: ISSUER, defaultResource: DEFAULT_RESOURCE, ...options.config },
    {
      key,
      clients: createClientStore(clients),
      audit: {
        record: async (event) => {
          events.push(event)
          return event
        },
      },
      clock: () => clock.now,
      getClientAddress: () => options.address ?? '203.0.113.7',
      onUnexpectedError: (error) => unexpected.push(error),
      ...(options.revocations ? { revocations: options.revocations } : {}),
    },
  )

  const basic = encodeBasicCredentials

  /** POST a form to `path`; `auth` is [id, secret] for Basic, or undefined. */
  const post = (
    path: string,
    body: string,
    auth?: [string, string],
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method: 'POST',
      body,
      headers: { ...FORM, ...(auth ? { Authorization: basic(...auth) } : {}), ...headers },
    })

  /** A token for `id` (its test secret) with extra form parameters; throws unless 200. */
  const token = async (id = 'mcp-client', extra = ''): Promise<string> => {
    const secret = (options.clients?.[id] ?? TEST_CLIENTS[id])![0]
    const res = await post('/oauth2/token', `grant_type=client_credentials${extra}`, [id, secret])
    if (res.status !== 200)
      throw new Error(`token request failed: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { access_token: string }).access_token
  }

  /** Decoded JWT payload (no verification). */
  const payloadOf = (jwt: string) =>
    JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >
  const headerOf = (jwt: string) =>
    JSON.parse(atob(jwt.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >

  return { app, events, unexpected, clock, key, basic, post, token, payloadOf, headerOf }
}
