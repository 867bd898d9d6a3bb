// JSON Schema of a tool's input and output for `tools/list`, from valibot (@valibot/to-json-schema).
import { toJsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'

/** A valibot schema of a JSON object (`v.object`, `v.strictObject`, … or a pipe starting with one). */
export type ObjectSchema = v.GenericSchema<Record<string, unknown>, Record<string, unknown>>

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
  return tidy(json) as Record<string, unknown>
}

/** Keywords whose value is one subschema (draft-07 §6, §9). */
const SUBSCHEMA = ['additionalItems', 'contains', 'not', 'if', 'then', 'else']
/** Keywords whose value is a map of names to subschemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf']

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isEmpty = (value: unknown) => isPlainObject(value) && Object.keys(value).length === 0

/**
 * What valibot's bridge writes for `v.record(v.string(), v.unknown())`, made plain: the empty
 * schema `additionalProperties: {}` becomes the boolean `true` it means (draft-07 §6.5.6; strict
 * validators and the Inspector flag `{}` there), and `propertyNames: {type: 'string'}` goes
 * (every JSON object key is a string, RFC 8259 §4). Walks subschemas only, so a property that
 * happens to be named `additionalProperties` is left alone.
 */
function tidy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(tidy)
  if (!isPlainObject(schema)) return schema
  const out: Record<string, unknown> = { ...schema }
  if (isEmpty(out.additionalProperties)) out.additionalProperties = true
  else if (isPlainObject(out.additionalProperties)) {
    out.additionalProperties = tidy(out.additionalProperties)
  }
  const names = out.propertyNames
  if (isPlainObject(names) && Object.keys(names).length === 1 && names.type === 'string') {
    delete out.propertyNames
  }
  if (out.items !== undefined) out.items = tidy(out.items)
  for (const key of SUBSCHEMA) if (isPlainObject(out[key])) out[key] = tidy(out[key])
  for (const key of SCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = tidy(out[key])
  for (const key of SCHEMA_MAPS) {
    const map = out[key]
    if (isPlainObject(map)) {
      out[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, tidy(sub)]))
    }
  }
  return out
}
