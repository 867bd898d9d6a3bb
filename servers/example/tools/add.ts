// Tool `add`: adds two numbers. Shows numeric arguments, a ToolError for a result that cannot be
// represented, and a handler-written text next to the structured result.
import * as v from 'valibot'
import { ToolError } from '../../../shared/mcp/errors.ts'
import { defineTool } from '../../../shared/mcp/tool.ts'

const Finite = v.pipe(v.number(), v.finite())

export const add = defineTool({
  name: 'add',
  title: 'Add two numbers',
  description: 'Adds two numbers and returns their sum.',
  input: v.strictObject({
    a: v.pipe(Finite, v.description('First addend.')),
    b: v.pipe(Finite, v.description('Second addend.')),
  }),
  output: v.strictObject({ sum: v.number() }),
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    openWorldHint: false,
    idempotentHint: true,
  },
  text: ({ sum }) => String(sum),
  handler: ({ a, b }) => {
    const sum = a + b
    if (!Number.isFinite(sum)) throw new ToolError('the sum is too large to represent')
    return { sum }
  },
})
