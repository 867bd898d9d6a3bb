// Tool errors: what a handler throws to choose the message its caller sees, and error ids that
// tie an opaque "internal error" result to the operator's log line.

/** Why a tool call failed, as recorded in the audit record's `detail`. */
export type ToolErrorCode =
  /** The handler threw a `ToolError`: an expected failure with a message written for callers. */
  | 'tool_error'
  /** The arguments did not match the tool's input schema. */
  | 'invalid_arguments'
  /** The argument policy rejected the call, or the result policy withheld the result. */
  | 'pii_rejected'
  /** Anything else: an unexpected exception, an output that broke the output schema. */
  | 'internal_error'
  /** The client cancelled the request (`notifications/cancelled`) or the call was abandoned. */
  | 'cancelled'

/**
 * Thrown by a tool handler to fail the call with a message it chose. The message is sent to the
 * client as an `isError` result (after the result policy ran on it), so it must be written for
 * the caller: no stack, no secrets, no raw exception text from libraries.
 *
 * ```ts
 * if (!found) throw new ToolError(`no city named ${args.city}`)
 * ```
 */
export class ToolError extends Error {
  readonly code = 'ERR_TOOL'

  constructor(message: string) {
    super(message)
    this.name = 'ToolError'
  }
}

/** A short random id (12 hex digits) that names one internal error in the result and the log. */
export function newErrorId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6))
  let id = ''
  for (const byte of bytes) id += byte.toString(16).padStart(2, '0')
  return id
}
