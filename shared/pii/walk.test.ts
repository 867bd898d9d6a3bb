// Tests of the JSON walk: strings visited in order, keys and scalars kept, input never mutated,
// cycle, depth and non-JSON object guards.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_MAX_DEPTH, forEachString, mapStrings } from './walk.ts'
import { PiiCycleError, PiiDepthError, PiiUnsupportedValueError } from './walk-errors.ts'

const sample = () => ({
  'kim@example.com': 'value of a key that looks like an email',
  list: [{ a: 'x', n: 1, ok: true, none: null }, 'y', [['z']]],
  nested: { deeper: { s: 'w', f: 1.5 } },
})

test('forEachString visits every string value in key/index order, never keys', () => {
  const seen: string[] = []
  forEachString(sample(), (s) => seen.push(s))
  assert.equal(seen, ['value of a key that looks like an email', 'x', 'y', 'z', 'w'])
})

test('forEachString on scalars: a bare string is visited, others are ignored', () => {
  const seen: string[] = []
  for (const value of ['top', 1, true, null, undefined]) forEachString(value, (s) => seen.push(s))
  assert.equal(seen, ['top'])
})

test('mapStrings replaces strings, keeps keys and scalars, returns a new value', () => {
  const input = sample()
  const before = JSON.stringify(input)
  const output = mapStrings(input, (s) => s.toUpperCase())
  assert.equal(output, {
    'kim@example.com': 'VALUE OF A KEY THAT LOOKS LIKE AN EMAIL',
    list: [{ a: 'X', n: 1, ok: true, none: null }, 'Y', [['Z']]],
    nested: { deeper: { s: 'W', f: 1.5 } },
  })
  assert.is(JSON.stringify(input), before, 'input not mutated')
  assert.is.not(output, input)
  assert.is.not(output.list, input.list)
  assert.is.not(output.list[0], input.list[0])
})

test('mapStrings copies even when nothing changes', () => {
  const input = { a: ['b'] }
  const output = mapStrings(input, (s) => s)
  assert.equal(output, input)
  assert.is.not(output, input)
  assert.is.not(output.a, input.a)
})

test('mapStrings keeps an own __proto__ key as data and null-prototype objects as such', () => {
  const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": "b"}')
  const output = mapStrings(input, (s) => s + '!') as Record<string, unknown>
  assert.ok(Object.hasOwn(output, '__proto__'))
  assert.equal(Object.getOwnPropertyDescriptor(output, '__proto__')!.value, { polluted: 'yes!' })
  assert.is(Object.getPrototypeOf(output), Object.prototype)
  assert.is(({} as Record<string, unknown>).polluted, undefined)
  const bare = Object.assign(Object.create(null), { k: 'v' })
  const copy = mapStrings(bare, (s) => s.toUpperCase())
  assert.is(Object.getPrototypeOf(copy), null)
  assert.is(copy.k, 'V')
})

test('a shared (acyclic) reference is walked twice and is not a cycle', () => {
  const shared = { s: 'x' }
  const seen: string[] = []
  forEachString({ a: shared, b: [shared] }, (s) => seen.push(s))
  assert.equal(seen, ['x', 'x'])
})

test('cycles throw PiiCycleError (object and array)', () => {
  const obj: Record<string, unknown> = { a: 'x' }
  obj.self = { back: obj }
  const arr: unknown[] = ['x']
  arr.push([arr])
  for (const value of [obj, arr]) {
    assert.throws(
      () => forEachString(value, () => {}),
      (e: unknown) => e instanceof PiiCycleError,
    )
    const error = catchError(() => mapStrings(value, (s) => s))
    assert.instance(error, PiiCycleError)
    assert.is((error as PiiCycleError).code, 'ERR_PII_CYCLE')
    assert.match((error as Error).message, /circular/)
  }
})

test('depth: default 64 levels pass, 65 throw PiiDepthError; maxDepth is configurable', () => {
  const nest = (levels: number): unknown => {
    let value: unknown = 'leaf'
    for (let i = 0; i < levels; i++) value = i % 2 ? { k: value } : [value]
    return value
  }
  assert.is(DEFAULT_MAX_DEPTH, 64)
  let leaves = 0
  forEachString(nest(64), () => leaves++)
  assert.is(leaves, 1)
  const error = catchError(() => mapStrings(nest(65), (s) => s))
  assert.instance(error, PiiDepthError)
  assert.is((error as PiiDepthError).code, 'ERR_PII_TOO_DEEP')
  assert.match((error as Error).message, /64/)
  assert.throws(() => forEachString(nest(3), () => {}, { maxDepth: 2 }), /deeper than 2/)
  forEachString(nest(2), () => {}, { maxDepth: 2 })
  forEachString('bare string', () => {}, { maxDepth: 1 })
})

test('maxDepth outside 1–1000 is a RangeError', () => {
  for (const maxDepth of [0, -1, 1.5, 1001, Number.NaN])
    assert.throws(() => mapStrings({}, (s) => s, { maxDepth }), RangeError)
})

test('objects that are not plain JSON throw PiiUnsupportedValueError without their content', () => {
  for (const value of [new Date(0), new Map([['k', 'kim@example.com']]), new Uint8Array(2)]) {
    const error = catchError(() => mapStrings({ a: [value] }, (s) => s))
    assert.instance(error, PiiUnsupportedValueError)
    assert.is((error as PiiUnsupportedValueError).code, 'ERR_PII_UNSUPPORTED_VALUE')
    assert.not.match((error as Error).message, /kim@example\.com/)
  }
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

test.run()

test('keys: visited before their values, in the same order by both walks', () => {
  const seen: string[] = []
  forEachString(sample(), (s) => seen.push(s), { keys: true })
  assert.equal(seen.slice(0, 4), [
    'kim@example.com',
    'value of a key that looks like an email',
    'list',
    'a',
  ])
  const mapped: string[] = []
  mapStrings(sample(), (s) => (mapped.push(s), s), { keys: true })
  assert.equal(mapped, seen)
})

test('keys: rewritten keys that end up alike are kept apart by a deterministic suffix', () => {
  const mask = (s: string) => s.replace(/^(.)[^@]*@/, '$1***@')
  const input = { 'kim@example.com': 1, 'kay@example.com': 2, 'k***@example.com': 3, z: 'x' }
  const out = mapStrings(input, mask, { keys: true })
  // The unchanged key keeps its name; the rewritten ones take #2 and #3, in key order.
  assert.equal(out, {
    'k***@example.com': 3,
    'k***@example.com#2': 1,
    'k***@example.com#3': 2,
    z: 'x',
  })
  assert.equal(mapStrings(input, mask, { keys: true }), out, 'same input, same output')
  assert.equal(Object.keys(input), ['kim@example.com', 'kay@example.com', 'k***@example.com', 'z'])
})

test('opaque members are neither visited nor copied', () => {
  const data = { deep: ['kept as is'] }
  const input = { type: 'image', data, mimeType: 'image/png' }
  const opaque = (holder: Readonly<Record<string, unknown>>, key: string) =>
    holder.type === 'image' && key === 'data'
  const seen: string[] = []
  forEachString(input, (s) => seen.push(s), { keys: true, opaque })
  assert.equal(seen, ['type', 'image', 'data', 'mimeType', 'image/png'])
  const out = mapStrings(input, (s) => s.toUpperCase(), { opaque })
  assert.is(out.data, data)
  assert.is(out.type, 'IMAGE')
})
