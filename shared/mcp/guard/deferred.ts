// A Guard that exists before its detector does: calls wait until the real guard is built, so a
// server can answer `initialize` before the PII patterns are compiled (cold start).
import type { Guard, GuardedCall, GuardedMessage, ToolCallStart } from './guard.ts'
import type { SecurityPolicy } from '../policy-config.ts'

/** What `scrub` returns while the detector is still loading: nothing of the text leaves. */
export const SCRUB_UNAVAILABLE = '[withheld: the PII scanner is not ready]'

/**
 * A Guard built by `load` (called once, on the first `begin` or by whoever else calls it first).
 * `begin` and `guardMessage` wait for it and reject if it rejects, failing the call (or the
 * message) rather than passing it unguarded; `scrub`/`scrubValue` delegate once it is there and withhold the whole text before.
 */
export function createDeferredGuard(policy: SecurityPolicy, load: () => Promise<Guard>): Guard {
  let guard: Guard | undefined
  let pending: Promise<Guard> | undefined
  // Client messages under an arguments policy that allows everything need no detector (the
  // real guard passes them unscanned too): `initialize` reaches a server without waiting for it.
  const rules = policy.arguments
  const argumentsPass =
    (rules.default ?? 'allow') === 'allow' &&
    Object.values(rules.types ?? {}).every((action) => action === 'allow')
  const get = () =>
    (pending ??= load().then((ready) => {
      guard = ready
      return ready
    }))
  return {
    policy,
    async begin(start: ToolCallStart): Promise<GuardedCall> {
      return (guard ?? (await get())).begin(start)
    },
    async guardMessage(direction, message): Promise<GuardedMessage> {
      if (!guard && direction === 'arguments' && argumentsPass)
        return { kind: 'ok', message, findings: {} }
      return (guard ?? (await get())).guardMessage(direction, message)
    },
    scrub(text: string): string {
      return guard ? guard.scrub(text) : SCRUB_UNAVAILABLE
    },
    scrubValue<T>(value: T): T {
      if (guard) return guard.scrubValue(value)
      throw new Error('the PII scanner is not ready')
    },
  }
}
