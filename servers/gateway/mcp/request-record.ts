// The audit record of one relayed MCP request that is not a tools/call (resources, prompts,
// completion, and an upstream's sampling/elicitation/roots requests): who, what, outcome, PII
// types and counts, never values (LOG-2).
import type { AuditRecorder } from '../../../shared/audit/recorder.ts'
import type { HandlerExtra } from '../../../shared/mcp/context.ts'
import { identityFromAuthInfo } from '../../../shared/mcp/identity.ts'

/** Writes the request's one record: `outcome`, a `detail` word or two, the PII counts seen. */
export type RequestRecorder = (
  outcome: 'ok' | 'denied' | 'error',
  detail?: string,
  pii?: Record<string, number>,
) => void

/**
 * Starts the clock of a relayed request and returns its recorder. The record's `detail` is
 * `<method> server=<name>` plus the detail given; a refused write is told to `onError`.
 */
export function startRequestRecord(
  audit: AuditRecorder | undefined,
  extra: HandlerExtra,
  method: string,
  server: string,
  onError: (line: string) => void,
): RequestRecorder {
  const started = performance.now()
  const identity = identityFromAuthInfo(extra.authInfo)
  return (outcome, detail = '', pii) =>
    void audit
      ?.record({
        event: 'mcp_request',
        outcome,
        ...(identity.clientId ? { client_id: identity.clientId } : {}),
        ...(identity.jti ? { jti: identity.jti } : {}),
        ...(pii && Object.keys(pii).length > 0 ? { pii, direction: 'both' as const } : {}),
        duration_ms: Math.round(performance.now() - started),
        request_id: String(extra.requestId),
        detail: `${method} server=${server}${detail ? ` ${detail}` : ''}`,
      })
      .catch(() => onError(`audit: a ${method} record was refused`))
}

/** The PII counts of a request and its answer together (entity type → findings), for one record. */
export function bothWays(
  asked: Readonly<Record<string, number>>,
  answered: Readonly<Record<string, number>>,
): Record<string, number> {
  const pii = { ...asked }
  for (const [type, n] of Object.entries(answered)) pii[type] = (pii[type] ?? 0) + n
  return pii
}
