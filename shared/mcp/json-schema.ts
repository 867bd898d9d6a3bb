// JSON Schema of a tool's input and output for `tools/list`, from valibot (@valibot/to-json-schema).
import { toJsonSchema } from '@valibot/to-json-schema'
import type { ObjectSchema } from './tool.ts'

/**
 * The JSON Schema (draft-07, with its `$schema`) of a tool's arguments (`input`: the types the
 * client sends, before transformations) or structured result (`output`). Actions JSON Schema
 * cannot express (`v.check`, transforms) are left out: the server still enforces them.
 */
export function toolJsonSchema(
  schema: ObjectSchema,
  side: 'input' | 'output',
): Record<string, unknown> {
  const json = toJsonSchema(schema, { errorMode: 'ignore', typeMode: side }) as Record<
    string,
    unknown
  >
  if (json.type !== 'object') throw new TypeError(`the ${side} schema must describe an object`)
  return json
}
