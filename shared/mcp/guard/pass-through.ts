// A Guard that lets calls through untouched and records nothing: for tool servers mounted inside
// a process whose front already guards every call (the gateway), so no call is guarded or
// audited twice. Scrubbing (operator logs, tool log notifications) still uses the real guard.
import type { Guard, GuardedCall, ToolCallStart } from './guard.ts'

/**
 * Wraps `guard` so that `begin` applies no policy and writes no audit record: the arguments go
 * to the tool as received and `complete`/`completeError` return what they are given. `scrub`,
 * `scrubValue` and `policy` are the real guard's.
 *
 * Only for servers reached exclusively through a front that runs `guard` itself on every call
 * (argument policy before, result policy and the one audit record after). Never serve a server
 * built with it on its own transport.
 */
export function createPassThroughGuard(guard: Guard): Guard {
  return {
    get policy() {
      return guard.policy
    },
    async begin(start: ToolCallStart): Promise<GuardedCall> {
      return {
        tool: start.tool,
        arguments: start.arguments ?? {},
        complete: async (result) => result,
        completeError: async (error) => error,
        fail: () => undefined,
      }
    },
    // The front guards every message it relays; what reaches a mounted server is already guarded.
    guardMessage: async (_direction, message) => ({ kind: 'ok', message, findings: {} }),
    scrub: (text) => guard.scrub(text),
    scrubValue: (value) => guard.scrubValue(value),
  }
}
