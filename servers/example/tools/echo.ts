// Tool `echo`: returns the text it was given. The simplest tool, and the quickest way to see the
// guard at work (send an e-mail address: the result comes back masked under the default policy).
import * as v from 'valibot'
import { defineTool } from '../../../shared/mcp/tool.ts'

export const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description:
    'Returns the given text unchanged (PII in the result is handled by the security policy).',
  input: v.strictObject({
    text: v.pipe(v.string(), v.maxLength(10_000), v.description('The text to send back.')),
  }),
  output: v.strictObject({ text: v.string() }),
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    openWorldHint: false,
    idempotentHint: true,
  },
  text: ({ text }) => text,
  handler: ({ text }) => ({ text }),
})
