// The bridge assembled: discovery and tokens (token.ts), the authorized fetch, the SDK's
// Streamable HTTP client transport to the gateway, and the relay to the client side.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { createAuthorizedFetch } from './authorized-fetch.ts'
import type { ConnectConfig } from './config.ts'
import { discover } from './discovery.ts'
import type { Fetch } from './http.ts'
import { createRelay, type Relay, type UpstreamTransport } from './relay.ts'
import { createTokenSource, requestToken, type TokenSource } from './token.ts'

export interface ConnectDeps {
  /** The client side: stdio in the entry, an in-memory transport in tests. */
  downstream: Transport
  /** Default: `globalThis.fetch`. */
  fetch?: Fetch
  /** Status and error lines; the client secret is masked in them. Default: none. */
  log?: (line: string) => void
  /** Clock in ms (token lifetimes). Default `Date.now`. */
  now?: () => number
  /** Fraction of a token's lifetime after which it is renewed. Default 0.8. */
  refreshRatio?: number
}

export interface Connect {
  readonly tokens: TokenSource
  readonly relay: Relay
  /**
   * Starts relaying. Discovery and the first token follow the gateway's 401 to the first request
   * (the client's `initialize`); failures are answered to that request and logged.
   */
  start(): Promise<void>
  /** Ends the gateway session and closes both sides. */
  close(): Promise<void>
}

export function createConnect(config: ConnectConfig, deps: ConnectDeps): Connect {
  const fetch: Fetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const timeoutMs = config.timeoutSeconds * 1000
  const raw = deps.log ?? (() => undefined)
  // LOG-1: nothing we write names the secret; mask it anyway should a peer echo it back. A
  // secret shorter than 8 characters is a word ("secret") that masking would cut out of others.
  const mask = config.clientSecret.length >= 8 ? config.clientSecret : undefined
  const log = (line: string) => raw(mask ? line.split(mask).join('[redacted]') : line)

  const tokens = createTokenSource({
    discover: (challenge) =>
      discover(
        config.url,
        {
          fetch,
          timeoutMs,
          allowHttp: config.allowHttp,
          issuerPolicy: { pinned: config.issuer, allowCrossOrigin: config.allowCrossOriginIssuer },
        },
        challenge,
      ),
    request: (found) =>
      requestToken(
        {
          tokenEndpoint: found.tokenEndpoint,
          authMethod: found.authMethod,
          credentials: { clientId: config.clientId, clientSecret: config.clientSecret },
          resource: found.resource,
          ...(config.scope !== undefined ? { scope: config.scope } : {}),
        },
        { fetch, timeoutMs, ...(deps.now ? { now: deps.now } : {}) },
      ),
    log,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.refreshRatio !== undefined ? { refreshRatio: deps.refreshRatio } : {}),
  })
  const authorizedFetch = createAuthorizedFetch({ fetch, tokens, timeoutMs })
  const relay = createRelay({
    downstream: deps.downstream,
    openUpstream: (): UpstreamTransport =>
      new StreamableHTTPClientTransport(new URL(config.url), { fetch: authorizedFetch }),
    log,
  })

  return {
    tokens,
    relay,
    async start() {
      await relay.start()
    },
    close: () => relay.close(),
  }
}
