// Test support: a tool that waits until it is cancelled and says when it started and when it saw
// the cancellation, so tests cancel or crash a call that is really running (no sleeps).
import * as v from 'valibot'
import { defineTool, type Tool } from '../../shared/mcp/tool.ts'
import { createCounter, type EventCounter } from './events.ts'

export interface WaitTool {
  /** The tool, named `name`. */
  tool: Tool
  /** Calls whose handler has started. */
  started: EventCounter
  /** Calls whose handler saw its signal abort (and then answered `{}`). */
  cancelled: EventCounter
}

/** A read-only tool that answers `{}` only once its call is cancelled. */
export function waitTool(name = 'wait'): WaitTool {
  const started = createCounter(`${name} start`)
  const cancelled = createCounter(`${name} cancellation`)
  const tool = defineTool({
    name,
    title: 'Wait',
    description: 'Waits until cancelled.',
    input: v.object({}),
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    handler: (_args, ctx) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const done = () => {
          cancelled.bump()
          resolve({})
        }
        if (ctx.signal.aborted) done()
        else ctx.signal.addEventListener('abort', done, { once: true })
        started.bump()
      }),
  })
  return { tool, started, cancelled }
}
