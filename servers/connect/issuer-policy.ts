// Which authorization server may receive the client secret: the pinned issuer (`--issuer` /
// OAUTH2_ISSUER), else only one on the gateway's own origin unless `--allow-cross-origin-issuer`.
// A resource server can name any authorization server (RFC 9728 §2 `authorization_servers`);
// RFC 9728 §7.6 and the MCP 2025-11-25 authorization spec leave it to the client to decide which
// it trusts, so a rogue gateway cannot collect the secret by naming its own.
import { ConnectError } from './errors.ts'

/** What connect trusts, from the configuration. */
export interface IssuerPolicy {
  /** The expected issuer identifier (RFC 8414 §2), compared character for character. */
  pinned?: string | undefined
  /** With no pin: accept an authorization server on another origin than the gateway. Default false. */
  allowCrossOrigin?: boolean | undefined
}

/**
 * A URL for a message: at most 200 characters, printable ASCII only (it may come from a hostile
 * server, and messages go to a log line by line).
 */
export const shown = (url: string) =>
  (url.length > 200 ? `${url.slice(0, 200)}…` : url).replace(/[^\x20-\x7e…]/g, '?')

const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : undefined)

/**
 * Picks the authorization server connect will use among those the resource metadata names
 * (`authorization_servers`, in its order), or refuses before anything is sent to one.
 * With a pin: the entry identical to it (RFC 8414 §3.3 compares issuers as strings). Without:
 * the first on the gateway's origin, or the first of all when cross-origin ones are allowed.
 * @throws ConnectError ERR_UNTRUSTED_ISSUER
 */
export function chooseIssuer(named: string[], mcpUrl: string, policy: IssuerPolicy): string {
  const list =
    named.slice(0, 3).map(shown).join(', ') +
    (named.length > 3 ? ` and ${named.length - 3} more` : '')
  if (policy.pinned !== undefined) {
    if (named.includes(policy.pinned)) return policy.pinned
    throw new ConnectError(
      'ERR_UNTRUSTED_ISSUER',
      `the gateway names the authorization server ${list}, not the issuer connect is pinned to (${policy.pinned}, --issuer / OAUTH2_ISSUER): the client secret is not sent there. If your OAuth2 server's issuer has changed, change --issuer`,
    )
  }
  if (policy.allowCrossOrigin) return named[0]!
  const gatewayOrigin = new URL(mcpUrl).origin
  const sameOrigin = named.find((issuer) => originOf(issuer) === gatewayOrigin)
  if (sameOrigin !== undefined) return sameOrigin
  throw new ConnectError(
    'ERR_UNTRUSTED_ISSUER',
    `the gateway names the authorization server ${list}, on another origin than the gateway (${gatewayOrigin}); connect sends the client secret only to an issuer you trust. If ${shown(named[0]!)} is your OAuth2 server, pin it: --issuer ${shown(named[0]!)} (or OAUTH2_ISSUER); to send the secret to whichever authorization server the gateway names, add --allow-cross-origin-issuer`,
  )
}

/**
 * The token endpoint receives the secret. With a pin it is the pinned issuer's own choice (its
 * metadata, RFC 8414 §3.3-checked); without one, the metadata came from the gateway's origin, so
 * the endpoint must be there too unless cross-origin authorization servers are allowed.
 * @throws ConnectError ERR_UNTRUSTED_ISSUER
 */
export function checkTokenEndpoint(tokenEndpoint: string, mcpUrl: string, policy: IssuerPolicy) {
  if (policy.pinned !== undefined || policy.allowCrossOrigin) return
  const gatewayOrigin = new URL(mcpUrl).origin
  if (originOf(tokenEndpoint) === gatewayOrigin) return
  throw new ConnectError(
    'ERR_UNTRUSTED_ISSUER',
    `the authorization server's token endpoint ${shown(tokenEndpoint)} is on another origin than the gateway (${gatewayOrigin}); connect sends the client secret only to an issuer you trust: pin your OAuth2 server with --issuer <its issuer URL> (or OAUTH2_ISSUER), or add --allow-cross-origin-issuer`,
  )
}
