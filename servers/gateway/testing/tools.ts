// Test tools for the gateway's tests: identity, progress and logs, a call that hangs until it is
// cancelled, a PII echo. Mounted as in-process servers through `createToolServer`.
import * as v from 'valibot'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { createToolServer, type ToolServerDeps } from '../../../shared/mcp/server.ts'
import { defineTool } from '../../../shared/mcp/tool.ts'

const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false }

/** Returns the identity the tool sees (never a token: MCP-A8). */
export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the caller identity the tool sees.',
  input: v.object({}),
  annotations: readOnly,
  handler: (_args, ctx) => ({
    clientId: ctx.identity.clientId ?? null,
    jti: ctx.identity.jti ?? null,
    scopes: [...(ctx.identity.scopes ?? [])],
  }),
})

/** Sends `steps` progress notifications and one info log line per step, then returns `tag`. */
export const steps = defineTool({
  name: 'steps',
  title: 'Steps',
  description: 'Reports progress and logs, then returns its tag.',
  input: v.object({
    tag: v.string(),
    steps: v.optional(v.number(), 3),
    delayMs: v.optional(v.number(), 0),
  }),
  annotations: readOnly,
  handler: async ({ tag, steps, delayMs }, ctx) => {
    for (let i = 1; i <= steps; i++) {
      await ctx.progress(i, steps, `step ${i} of ${tag}`)
      ctx.log.info(`log ${i} of ${tag}`)
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
    }
    return { tag }
  },
})

/** Never answers; records that it saw the cancellation. */
export function hangTool(seen: { cancelled: number }) {
  return defineTool({
    name: 'hang',
    title: 'Hang',
    description: 'Waits until cancelled.',
    input: v.object({}),
    annotations: readOnly,
    handler: (_args, ctx) =>
      new Promise<Record<string, unknown>>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          seen.cancelled++
          resolve({})
        })
      }),
  })
}

/** Echoes `text` (PII policy tests). */
export const say = defineTool({
  name: 'say',
  title: 'Say',
  description: 'Returns its text.',
  input: v.object({ text: v.string() }),
  output: v.object({ text: v.string() }),
  annotations: readOnly,
  text: ({ text }) => text,
  handler: ({ text }) => ({ text }),
})

/** An in-process test server named `name` with `tools`. */
export function testServer(
  name: string,
  tools: ReturnType<typeof defineTool>[],
): (deps: ToolServerDeps) => Server {
  return (deps) => createToolServer({ name, version: '1.0.0' }, tools, deps)
}
