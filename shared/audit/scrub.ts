// Built-in secret scrubber and length caps for the audit record's string fields (LOG-1, LOG-2).

/** What a string field is: identifiers keep long random ids, free text loses them. */
export type FieldKind = 'identifier' | 'text'

/** Longest `detail` kept (the rest is cut and marked with `…`). */
export const MAX_DETAIL_LENGTH = 256
/** Longest `tool`, `client_id`, `jti` or `request_id` kept. */
export const MAX_IDENTIFIER_LENGTH = 128
/** What a scrubbed secret is replaced with. */
export const REDACTED = '[REDACTED]'

// Token-shaped secrets, scrubbed from every string field.
/** JWS/JWE compact serialisations: a base64url JSON header (`eyJ`) then `.`-joined parts. */
const JWT = /eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)+/g
/** An `Authorization:` / `Proxy-Authorization:` header value, up to `,`, `;`, `}` or a line end. */
const AUTH_HEADER = /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*)[^,;}\r\n]+/gi
/** HTTP credentials after an auth scheme (RFC 6750 §2.1 Bearer, RFC 7617 Basic, RFC 9449 DPoP). */
const AUTH_SCHEME = /\b(Bearer|Basic|DPoP)(\s+)[A-Za-z0-9._~+/=:-]+/gi
/** `name=value` / `name: value` pairs whose name says secret. */
const SECRET_PAIR =
  /\b((?:client_secret|secret|password|passwd|pwd|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|token|private[_-]?key|fernet[_-]?key|signing[_-]?key)["']?)(\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"'&,;}]+/gi

// High-entropy runs, scrubbed from free text only (ids such as a jti may legitimately be long).
/** 32 or more hex digits (keys, digests, random tokens). */
const HEX_RUN = /\b[0-9a-fA-F]{32,}\b/g
/** 32 or more base64/base64url characters with lower case, upper case and digits mixed. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{32,}={0,2}/g
const looksRandom = (run: string) => /[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run)

/**
 * Replaces anything that looks like a credential with `[REDACTED]`: JWTs, `Bearer …`, `Basic …`
 * (and other auth schemes), `Authorization: …`, `password=…`-style pairs; in free text also
 * runs of ≥ 32 hex or mixed base64 characters. Conservative: it may redact harmless text, never
 * the reverse. This runs on every string field even when the log has a custom `scrub` hook.
 */
export function scrubSecrets(text: string, kind: FieldKind = 'text'): string {
  let out = text
    .replace(JWT, REDACTED)
    .replace(AUTH_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(SECRET_PAIR, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
  if (kind === 'text') {
    out = out
      .replace(HEX_RUN, REDACTED)
      .replace(BASE64_RUN, (run) => (looksRandom(run) ? REDACTED : run))
  }
  return out
}

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending a cut text with `…`, never splitting a
 * surrogate pair.
 */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}
