// Typed reading of environment variables through valibot schemas, every problem collected
// instead of thrown (one line each; ConfigError lists them all at start-up).
import * as v from 'valibot'
import type { ProblemList } from './errors.ts'

/** Schemas for string-valued variables, keyed by variable name. */
export type EnvSchemas = Record<string, v.GenericSchema<string, unknown>>

export interface EnvReader<S extends EnvSchemas> {
  /** The trimmed value, or `undefined` when unset or blank. */
  raw(name: string): string | undefined
  /** The value parsed by its schema; `undefined` when unset or invalid (then a problem is added). */
  parse<K extends keyof S & string>(name: K): v.InferOutput<S[K]> | undefined
}

/** A reader of `env` whose schema failures are added to `problems` (the first issue's message). */
export function envReader<S extends EnvSchemas>(
  env: Readonly<Record<string, string | undefined>>,
  schemas: S,
  problems: ProblemList,
): EnvReader<S> {
  const raw = (name: string) => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  return {
    raw,
    parse(name) {
      const value = raw(name)
      if (value === undefined) return undefined
      const result = v.safeParse(schemas[name]!, value)
      if (result.success) return result.output as v.InferOutput<S[typeof name]>
      problems.add(result.issues[0].message)
      return undefined
    },
  }
}

/** A whole number in [min, max]. */
export const intInRange = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `${name} must be a whole number`),
    v.transform(Number),
    v.minValue(min, `${name} must be between ${min} and ${max}`),
    v.maxValue(max, `${name} must be between ${min} and ${max}`),
  )

/** `true`/`false` (or `1`/`0`), as a boolean. */
export const booleanFlag = (name: string) =>
  v.pipe(
    v.picklist(['true', 'false', '1', '0'], `${name} must be true or false`),
    v.transform((s) => s === 'true' || s === '1'),
  )

/** An absolute http(s) URL. */
export const httpUrl = (name: string) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol),
      `${name} must be an http(s) URL`,
    ),
  )

/** MCP_DOCKER_ENV: production (the default of every server) or development. */
export const MODE_SCHEMA = v.picklist(
  ['development', 'production'],
  'MCP_DOCKER_ENV must be "development" or "production"',
)

/** JWT_ALG: the access tokens' signature algorithm. */
export const JWT_ALG_SCHEMA = v.picklist(['HS256', 'ES256'], 'JWT_ALG must be "HS256" or "ES256"')
