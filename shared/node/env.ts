// Reads configuration values from the environment, including Docker-secrets style `NAME_FILE` paths.
import { readFileSync } from 'node:fs'
import { ConfigError } from '../config/errors.ts'

export type Env = Readonly<Record<string, string | undefined>>

/**
 * The value of `name`, or the contents of the file named by `name_FILE` (Docker secrets).
 * A trailing newline in the file is dropped. Setting both is an error; so is an unreadable or
 * empty file. Error messages name the variable and path, never the value.
 */
export function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name]
  const path = env[`${name}_FILE`]
  if (direct !== undefined && direct !== '' && path) {
    throw new ConfigError([`set either ${name} or ${name}_FILE, not both`])
  }
  if (path) {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new ConfigError([`${name}_FILE: cannot read ${path} (${reason})`])
    }
    const value = text.replace(/\r?\n$/, '')
    if (value.trim() === '') throw new ConfigError([`${name}_FILE: ${path} is empty`])
    return value
  }
  return direct === '' ? undefined : direct
}

/** A plain (non-secret) variable; empty counts as unset. */
export function readVar(env: Env, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** An integer variable within [min, max]; `fallback` when unset. */
export function readInt(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = readVar(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError([`${name} must be a whole number, got "${raw}"`])
  const value = Number(raw)
  if (value < min || value > max) {
    throw new ConfigError([`${name} must be between ${min} and ${max}, got ${value}`])
  }
  return value
}
