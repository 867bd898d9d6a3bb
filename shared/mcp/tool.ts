// defineTool: one MCP tool from a valibot input schema, an optional output schema, annotations and
// a handler; validation, result shaping and error containment happen here, once for every tool.
import * as v from 'valibot'
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js'
import type { ToolContext } from './context.ts'
import { newErrorId, ToolError, type ToolErrorCode } from './errors.ts'
import { toolJsonSchema, type ObjectSchema } from './json-schema.ts'
import { errorResult, isJsonObject, jsonText, structuredResult } from './result.ts'
import { validate } from './validation.ts'

export type { ObjectSchema }

/**
 * Hints for clients (MCP `ToolAnnotations`); untrusted by clients, so they describe, never
 * protect. All but `idempotentHint` must be stated for every tool.
 */
export interface ToolAnnotations {
  /** True when the tool does not modify its environment. */
  readOnlyHint: boolean
  /** True when it may destroy or overwrite data (meaningful when not read-only). */
  destructiveHint: boolean
  /** True when it reaches the outside world (network, other services), false for a closed domain. */
  openWorldHint: boolean
  /** True when repeating a call with the same arguments has no further effect. Default: unset. */
  idempotentHint?: boolean
}

/** What the handler returns: the output schema's input type, or any JSON object without one. */
export type HandlerOutput<O> = O extends ObjectSchema ? v.InferInput<O> : Record<string, unknown>
/** What the client receives as `structuredContent`: the output schema's output type. */
export type StructuredOutput<O> = O extends ObjectSchema
  ? v.InferOutput<O>
  : Record<string, unknown>

export interface ToolDefinition<I extends ObjectSchema, O extends ObjectSchema | undefined> {
  /** Unique name within a server: 1–64 of `A–Z a–z 0–9 _ - .` (MCP tool name rules). */
  name: string
  /** Human-readable name for UIs. */
  title: string
  /** What the tool does and when to use it: this is what the model reads. */
  description: string
  /** Arguments schema: validated before the handler runs; JSON Schema for `tools/list`. */
  input: I
  /** Structured result schema: the handler's return value is validated (and unknown keys of
   * `v.object` stripped) before it is sent; advertised as `outputSchema`. Default: none. */
  output?: O
  annotations: ToolAnnotations
  /** Readable text of a result. Default: the structured result as indented JSON. */
  text?: (structured: StructuredOutput<O>) => string
  /**
   * Does the work and returns structured data (a JSON object). Throw `ToolError` to fail with a
   * message of your choosing; anything else thrown becomes "internal error in tool <name>".
   */
  handler: (
    args: v.InferOutput<I>,
    ctx: ToolContext,
  ) => HandlerOutput<O> | Promise<HandlerOutput<O>>
}

/** How one execution ended; `detail` and `errorId` feed the audit record and operator log. */
export interface ToolOutcome {
  /** The result to send (before the result policy runs). */
  result: CallToolResult
  /** Why the call failed, when it did. */
  detail?: ToolErrorCode
  /** Id of an internal error, also quoted in the result text. */
  errorId?: string
  /** The unexpected exception behind an internal error: for the operator log only. */
  error?: unknown
}

/** A defined tool, ready for `createToolServer`. */
export interface Tool {
  readonly name: string
  readonly title: string
  readonly annotations: Readonly<ToolAnnotations>
  /** The `tools/list` entry. JSON Schemas are converted on the first call and cached. */
  listing(): McpTool
  /**
   * Validates `args`, runs the handler and shapes its result. Never throws: invalid arguments,
   * `ToolError`s, cancellations and unexpected exceptions all become `isError` results.
   */
  execute(args: unknown, ctx: ToolContext): Promise<ToolOutcome>
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/
const OBJECT_TYPES = new Set(['object', 'loose_object', 'strict_object', 'object_with_rest'])

/** Defines a tool. Throws `TypeError` at definition time for a bad name or a non-object schema. */
export function defineTool<I extends ObjectSchema, O extends ObjectSchema | undefined = undefined>(
  definition: ToolDefinition<I, O>,
): Tool {
  const { name, title, description, input, output, annotations, handler, text } = definition
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(`tool name must be 1-64 characters of A-Z a-z 0-9 _ - . (got "${name}")`)
  }
  for (const [field, schema] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (schema !== undefined && !OBJECT_TYPES.has(schema.type)) {
      throw new TypeError(`tool ${name}: the ${field} schema must describe an object`)
    }
  }
  const frozenAnnotations = Object.freeze({ ...annotations })
  let listing: McpTool | undefined

  const internalError = (error: unknown): ToolOutcome => {
    const errorId = newErrorId()
    return {
      result: errorResult(`internal error in tool ${name} (error id ${errorId})`),
      detail: 'internal_error',
      errorId,
      error,
    }
  }

  return Object.freeze({
    name,
    title,
    annotations: frozenAnnotations,
    listing() {
      listing ??= {
        name,
        title,
        description,
        inputSchema: toolJsonSchema(input, 'input') as McpTool['inputSchema'],
        ...(output
          ? { outputSchema: toolJsonSchema(output, 'output') as McpTool['outputSchema'] }
          : {}),
        annotations: { title, ...frozenAnnotations },
      }
      return listing
    },
    async execute(args: unknown, ctx: ToolContext): Promise<ToolOutcome> {
      const checked = validate(input, args ?? {})
      if (!checked.ok) {
        const problems = checked.problems.join('; ')
        return {
          result: errorResult(`invalid arguments for ${name}: ${problems}`),
          detail: 'invalid_arguments',
        }
      }
      let structured: Record<string, unknown>
      try {
        const returned: unknown = await handler(checked.value, ctx)
        if (output) {
          const shaped = validate(output, returned)
          if (!shaped.ok) {
            return internalError(new TypeError(`output schema: ${shaped.problems.join('; ')}`))
          }
          structured = shaped.value
        } else if (isJsonObject(returned)) {
          structured = returned
        } else {
          return internalError(new TypeError('the handler did not return a JSON object'))
        }
        const rendered = text ? text(structured as StructuredOutput<O>) : jsonText(structured)
        return { result: structuredResult(structured, rendered) }
      } catch (error) {
        if (error instanceof ToolError)
          return { result: errorResult(error.message), detail: 'tool_error' }
        if (ctx.signal.aborted) {
          return { result: errorResult(`tool ${name} was cancelled`), detail: 'cancelled' }
        }
        return internalError(error)
      }
    },
  })
}
