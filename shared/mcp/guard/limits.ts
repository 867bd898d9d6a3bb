// The tool's own input limits (JSON Schema `maxLength`, `maxItems`), checked on the arguments
// before the guard scans them, so an oversized argument costs no scan (JSON Schema 2020-12
// validation §6.3.1, §6.4.1).

/** How deep into a schema the check follows `properties`, `items` and `additionalProperties`. */
const MAX_SCHEMA_DEPTH = 32

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The first limit of `schema` that `value` breaks, as a sentence that names the limit but no
 * key or value (keys can hold personal data); undefined when none is broken or the schema says
 * nothing this check reads. `maxLength` counts code points, as JSON Schema does.
 */
export function schemaLimitProblem(schema: unknown, value: unknown, depth = 0): string | undefined {
  if (!isObject(schema) || depth > MAX_SCHEMA_DEPTH) return undefined
  if (typeof value === 'string') {
    const max = schema.maxLength
    if (typeof max === 'number' && value.length > max && [...value].length > max)
      return `a string is longer than the tool's maxLength of ${max}`
    return undefined
  }
  if (Array.isArray(value)) {
    const max = schema.maxItems
    if (typeof max === 'number' && value.length > max)
      return `an array has more items than the tool's maxItems of ${max}`
    if (!isObject(schema.items)) return undefined
    for (const item of value) {
      const problem = schemaLimitProblem(schema.items, item, depth + 1)
      if (problem) return problem
    }
    return undefined
  }
  if (!isObject(value)) return undefined
  const properties = isObject(schema.properties) ? schema.properties : {}
  for (const key of Object.keys(value)) {
    const sub = Object.hasOwn(properties, key) ? properties[key] : schema.additionalProperties
    const problem = schemaLimitProblem(sub, value[key], depth + 1)
    if (problem) return problem
  }
  return undefined
}
