// Fail-closed start of a guarded tool call: no guard, no call, one refusal text and an error id.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { newErrorId } from './errors.ts'
import { errorResult } from './result.ts'

/** What `runGuarded` gives back: what `begin` resolved to, or the result to answer instead. */
export type GuardedStart<T> = { ok: true; value: T } | { ok: false; refusal: CallToolResult }

/**
 * Runs `begin` (a `guard.begin(...)` or anything that starts the guard's part of a tools/call).
 * If it throws (e.g. a deferred guard whose PII detector failed to load), the call is refused
 * (fail closed): `onUnavailable` gets a fresh error id and the error for the operator log, and
 * the caller answers with an `isError` result naming only that id (MCP 2025-11-25 "Tools",
 * error handling: a tool execution error is a result, not a protocol error).
 *
 * ```ts
 * const started = await runGuarded(() => guard.begin(input), (id, e) => log(id, e))
 * if (!started.ok) return started.refusal
 * ```
 */
export async function runGuarded<T>(
  begin: () => Promise<T>,
  onUnavailable: (errorId: string, error: unknown) => void,
): Promise<GuardedStart<T>> {
  try {
    return { ok: true, value: await begin() }
  } catch (error) {
    const errorId = newErrorId()
    onUnavailable(errorId, error)
    return {
      ok: false,
      refusal: errorResult(
        `tool call refused: the security guard is not available (error id ${errorId})`,
      ),
    }
  }
}
