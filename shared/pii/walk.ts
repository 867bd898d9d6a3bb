// Traversal of JSON values (tool arguments and results, whole MCP messages): visits or replaces
// every string inside objects and arrays, object keys too when asked, never mutating the input,
// with cycle and depth guards and a way to leave binary members unvisited.
import { PiiCycleError, PiiDepthError, PiiUnsupportedValueError } from './walk-errors.ts'

/** Default limit on the nesting of objects and arrays. */
export const DEFAULT_MAX_DEPTH = 64
/** Highest accepted `maxDepth`: the walk recurses, and deeper limits would risk the call stack. */
export const MAX_MAX_DEPTH = 1000
/**
 * Joins a rewritten key and its number when two keys of one object would otherwise end up alike
 * (`k***@example.com`, `k***@example.com#2`).
 */
export const KEY_SUFFIX = '#'

export interface WalkOptions {
  /**
   * Maximum nesting of objects and arrays: the root container is at depth 1, so `[[]]` has depth
   * 2 and a bare string has depth 0. Deeper values throw `PiiDepthError`. Default: 64; an
   * integer from 1 to 1000 (`RangeError` otherwise).
   */
  maxDepth?: number
  /**
   * Also visit object keys, each just before its value (personal data hides in keys too:
   * `{"kim@example.com": 1}`). `mapStrings` then rewrites keys as well; keys that end up alike
   * are kept apart by a suffix (see `mapStrings`). Default: false.
   */
  keys?: boolean
  /**
   * Members left as they are, neither visited nor copied (binary payloads): called for every
   * member of every object with the object and the key. Default: none.
   */
  opaque?: (holder: Readonly<Record<string, unknown>>, key: string) => boolean
}

/**
 * Calls `visit` on every string in `value` (the value itself, array items, object property
 * values, and with `keys` the keys, each before its value), depth-first in key/index order: the
 * same order `mapStrings` uses. Throws `PiiCycleError` on a circular reference, `PiiDepthError`
 * past `maxDepth` and `PiiUnsupportedValueError` on objects that are not plain objects or arrays.
 */
export function forEachString(
  value: unknown,
  visit: (text: string) => void,
  options: WalkOptions = {},
): void {
  const guard = new Guard(options.maxDepth)
  const { keys = false, opaque } = options
  const walk = (node: unknown, depth: number): void => {
    if (typeof node === 'string') return visit(node)
    if (node === null || typeof node !== 'object') return
    guard.enter(node, depth)
    if (Array.isArray(node)) for (const item of node) walk(item, depth + 1)
    else {
      const source = node as Record<string, unknown>
      for (const key of Object.keys(source)) {
        if (keys) visit(key)
        if (opaque?.(source, key)) continue
        walk(source[key], depth + 1)
      }
    }
    guard.leave(node)
  }
  walk(value, 1)
}

/**
 * Returns a copy of `value` with every string replaced by `map(string)`, in `forEachString`
 * order. Arrays and plain objects are always copied (the input is never mutated, even when
 * nothing changes); non-string scalars (numbers, booleans, null) and `opaque` members are kept
 * as they are. Keys are kept unless `keys` is set.
 *
 * With `keys`, an object stays an object of distinct keys: the keys `map` left unchanged keep
 * their names first; then each rewritten key, in key order, takes its new name, or when that is
 * taken (two addresses that mask alike, or a mask equal to an existing key) the first free
 * `<name>#2`, `<name>#3`… Same input, same output. Same errors as `forEachString`.
 */
export function mapStrings<T>(
  value: T,
  map: (text: string) => string,
  options: WalkOptions = {},
): T {
  const guard = new Guard(options.maxDepth)
  const { keys = false, opaque } = options
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return map(node)
    if (node === null || typeof node !== 'object') return node
    guard.enter(node, depth)
    let copy: unknown
    if (Array.isArray(node)) {
      copy = node.map((item) => walk(item, depth + 1))
    } else {
      const source = node as Record<string, unknown>
      const members: Array<[key: string, item: unknown, renamed: boolean]> = []
      for (const key of Object.keys(source)) {
        const newKey = keys ? map(key) : key
        const item = opaque?.(source, key) ? source[key] : walk(source[key], depth + 1)
        members.push([newKey, item, newKey !== key])
      }
      const target: Record<string, unknown> =
        Object.getPrototypeOf(node) === null ? Object.create(null) : {}
      const taken = new Set<string>()
      for (const [key, , renamed] of members) if (!renamed) taken.add(key)
      for (const member of members) {
        if (!member[2]) continue
        let name = member[0]
        for (let n = 2; taken.has(name); n++) name = `${member[0]}${KEY_SUFFIX}${n}`
        taken.add(name)
        member[0] = name
      }
      for (const [key, item] of members) {
        // An own `__proto__` key (JSON.parse makes them) must stay a plain property.
        if (key === '__proto__')
          Object.defineProperty(target, key, {
            value: item,
            enumerable: true,
            writable: true,
            configurable: true,
          })
        else target[key] = item
      }
      copy = target
    }
    guard.leave(node)
    return copy
  }
  return walk(value, 1) as T
}

/** Tracks the containers on the current path (a shared, acyclic reference is fine). */
class Guard {
  readonly #maxDepth: number
  readonly #path = new Set<object>()

  constructor(maxDepth = DEFAULT_MAX_DEPTH) {
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_MAX_DEPTH)
      throw new RangeError(
        `maxDepth must be an integer from 1 to ${MAX_MAX_DEPTH}, got ${maxDepth}`,
      )
    this.#maxDepth = maxDepth
  }

  enter(node: object, depth: number): void {
    if (!Array.isArray(node)) {
      const proto = Object.getPrototypeOf(node)
      if (proto !== Object.prototype && proto !== null) throw new PiiUnsupportedValueError(node)
    }
    if (this.#path.has(node)) throw new PiiCycleError(depth)
    if (depth > this.#maxDepth) throw new PiiDepthError(this.#maxDepth)
    this.#path.add(node)
  }

  leave(node: object): void {
    this.#path.delete(node)
  }
}
