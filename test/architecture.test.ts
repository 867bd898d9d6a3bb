// Architecture rules, checked on the sources: the core is Web-standard (node:* / process / Buffer
// only in entry points, shared/node/, cli/ and scripts), dependencies point one way (entry →
// server core → shared; a server reaches another only from its entry, through its factory), no
// import cycles, test helpers shared across folders live in test/support/, and every requirement
// ID the code cites is defined in docs/requirements.md (README "Layout", docs/requirements.md).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = fileURLToPath(new URL('..', import.meta.url))
const skipDirs = new Set(['node_modules', 'dist', '.git', '.dev'])

/** Repository-relative paths (with `/`) of the files under `dir` that `keep` accepts. */
function walk(dir: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of names) {
    if (skipDirs.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path, keep, out)
    else {
      const file = relative(root, path).split(sep).join('/')
      if (keep(file)) out.push(file)
    }
  }
  return out
}

const read = (file: string) => readFileSync(join(root, file), 'utf8')
const isTest = (file: string) => file.endsWith('.test.ts')
const sources = (dir: string) =>
  walk(join(root, dir), (f) => f.endsWith('.ts') && !isTest(f)).sort()

/** Files allowed to touch the runtime: entries, the node adapters, the CLI. */
const runtimeAllowed = (file: string) =>
  file.startsWith('shared/node/') || file.includes('/entry/') || file.startsWith('cli/')

const coreFiles = () =>
  [...sources('shared'), ...sources('servers')].filter((f) => !runtimeAllowed(f))

const forbidden: Array<[RegExp, string]> = [
  [/from\s+['"]node:/, "imports 'node:*'"],
  [/import\(\s*['"]node:/, "imports 'node:*'"],
  [/\bprocess\.(env|argv|exit|stdout|stderr|stdin|on|cwd|hrtime)\b/, 'uses process'],
  [/\bBuffer\.(from|alloc|concat|isBuffer|byteLength)\b/, 'uses Buffer'],
  [/\brequire\(/, 'uses require()'],
]

test('core sources are Web-standard (no node:*, process, Buffer)', () => {
  const files = coreFiles()
  assert.ok(files.length > 0, 'expected core sources under shared/ and servers/')
  const problems: string[] = []
  for (const file of files) {
    const text = read(file)
    for (const [pattern, what] of forbidden)
      if (pattern.test(text)) problems.push(`${file} ${what}`)
  }
  assert.equal(problems, [])
})

test('relative imports carry the .ts extension (Deno runs the sources unchanged)', () => {
  const problems: string[] = []
  for (const file of [...coreFiles(), ...sources('shared/node')]) {
    for (const m of read(file).matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const spec = m[1]!
      if (!/\.(ts|json)$/.test(spec)) problems.push(`${file}: ${spec}`)
    }
  }
  assert.equal(problems, [])
})

// ---------------------------------------------------------------------------------------------
// Imports: which file depends on which.

/** A static import or re-export: `import x from`, `import type { … } from`, `export * from` … */
const STATIC_IMPORT =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\}|[\w$]+)\s+from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm

/** A lazy `import('./x.ts')`: a dependency too, but loaded later, so it cannot close a cycle. */
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

interface ImportEdge {
  /** The importing file, repository-relative. */
  from: string
  /** The imported file, repository-relative (relative specifiers only). */
  to: string
  /** True for `import('…')`. */
  dynamic?: boolean
}

/** The relative imports of `text` (a file at `from`), resolved to repository paths. */
function importsOf(from: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = []
  const add = (spec: string, dynamic: boolean) => {
    if (!spec.startsWith('./') && !spec.startsWith('../')) return
    const to = normalize(join(dirname(from), spec))
      .split(sep)
      .join('/')
    edges.push(dynamic ? { from, to, dynamic } : { from, to })
  }
  for (const m of text.matchAll(STATIC_IMPORT)) add(m[1] ?? m[2]!, false)
  for (const m of text.matchAll(DYNAMIC_IMPORT)) add(m[1]!, true)
  return edges
}

/** Every TypeScript file of the repository (sources, tests, benches, scripts). */
const allTypeScript = () => walk(root, (f) => f.endsWith('.ts')).sort()

const serverOf = (file: string) => /^servers\/([^/]+)\//.exec(file)?.[1]
/** Test code: tests, and the helpers beside them (`testing.ts`, a `testing/` folder). */
const isTestCode = (file: string) =>
  isTest(file) || /(^|\/)testing(\.ts$|\/)/.test(file) || !/^(servers|shared|cli)\//.test(file)
const isFactory = (file: string) => /^servers\/[^/]+\/(server|app)\.ts$/.test(file)
const isFixture = (file: string) => /^servers\/[^/]+\/testing\.ts$/.test(file)
const isEntry = (file: string) => /^servers\/[^/]+\/entry\//.test(file)

/**
 * What may import a file of another server: production code only from its `entry/`, and only
 * the other server's `createServer`/`createApp` factory module; test code also that server's
 * `testing.ts` fixture (its published test double) and its `entry/` (what runs it), never its
 * internals.
 */
function crossServerProblem(edge: ImportEdge): string | undefined {
  const target = serverOf(edge.to)
  if (!target || serverOf(edge.from) === target) return undefined
  if (isTestCode(edge.from)) {
    if (isFactory(edge.to) || isFixture(edge.to) || isEntry(edge.to)) return undefined
    return `${edge.from} → ${edge.to}: tests reach another server through its factory, testing.ts or entry/`
  }
  if (!isEntry(edge.from))
    return `${edge.from} → ${edge.to}: only a server's entry/ may import another server`
  if (!isFactory(edge.to))
    return `${edge.from} → ${edge.to}: only the server.ts / app.ts factory of another server`
  return undefined
}

test('crossServerProblem: the rule itself', () => {
  const ok = (from: string, to: string) => assert.is(crossServerProblem({ from, to }), undefined)
  const bad = (from: string, to: string) => assert.ok(crossServerProblem({ from, to }), to)
  ok('servers/gateway/entry/builtins.ts', 'servers/example/server.ts')
  ok('servers/gateway/routes/mcp.ts', 'servers/gateway/mcp/sessions.ts')
  ok('servers/gateway/auth/auth.test.ts', 'servers/oauth2/testing.ts')
  ok('test/e2e/hostile-gateway.test.ts', 'servers/gateway/entry/start.ts')
  bad('servers/gateway/entry/builtins.ts', 'servers/security-tools/entry/audit-file-reader.ts')
  bad('servers/gateway/entry/builtins.ts', 'servers/oauth2-tools/config.ts')
  bad('servers/gateway/catalog.ts', 'servers/example/server.ts')
  bad('servers/gateway/auth/auth.test.ts', 'servers/oauth2/tokens.ts')
  const [lazy] = importsOf('servers/gateway/entry/node.ts', "await import('../../guard/relay.ts')")
  assert.equal(lazy, {
    from: 'servers/gateway/entry/node.ts',
    to: 'servers/guard/relay.ts',
    dynamic: true,
  })
  assert.ok(crossServerProblem(lazy!), 'a lazy import of an internal counts too')
})

test("only a server's entry/ imports another server, and only its factory", () => {
  const problems: string[] = []
  for (const file of allTypeScript())
    for (const edge of importsOf(file, read(file))) {
      const problem = crossServerProblem(edge)
      if (problem) problems.push(problem)
    }
  assert.equal(problems, [])
})

test('shared/ never imports servers/', () => {
  const problems = sources('shared').filter((file) =>
    importsOf(file, read(file)).some((edge) => edge.to.startsWith('servers/')),
  )
  assert.equal(problems, [])
})

/** The import cycles of a graph, each as the files on it (Tarjan's strongly connected components). */
function cyclesOf(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>()
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to])
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (node: string) => {
    index.set(node, index.size)
    low.set(node, index.get(node)!)
    stack.push(node)
    onStack.add(node)
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node)!, low.get(to)!))
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!))
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    const selfLoop = (next.get(node) ?? []).includes(node)
    if (component.length > 1 || selfLoop) cycles.push(component.sort())
  }
  for (const node of next.keys()) if (!index.has(node)) visit(node)
  return cycles
}

test('cyclesOf finds cycles (type-only imports count) and nothing else', () => {
  const edges = (text: Record<string, string>) =>
    Object.entries(text).flatMap(([file, source]) => importsOf(file, source))
  assert.equal(
    cyclesOf(
      edges({
        'shared/a.ts': "import type { B } from './b.ts'",
        'shared/b.ts': "import {\n  c,\n  type C,\n} from './c.ts'",
        'shared/c.ts': "export { a } from './a.ts'",
        'shared/d.ts': "import { a } from './a.ts'",
      }),
    ),
    [['shared/a.ts', 'shared/b.ts', 'shared/c.ts']],
  )
  assert.equal(
    cyclesOf(edges({ 'a.ts': "import './b.ts'", 'b.ts': "import * as c from './c.ts'" })),
    [],
  )
})

test('no import cycles among the sources (type-only imports included)', () => {
  const edges = allTypeScript().flatMap((file) => importsOf(file, read(file)))
  assert.equal(cyclesOf(edges.filter((edge) => !edge.dynamic)), [])
})

test('test helpers used by other folders live in test/support/', () => {
  // A helper under test/<folder>/ serves that folder only; what two folders (or benches,
  // scripts, tests beside the code) share is typed code in test/support/. Data and fixture
  // servers (test/data/, test/fixtures/) are inputs, not helpers: any test may use them.
  const shared = new Set(['support', 'data', 'fixtures'])
  const problems: string[] = []
  for (const file of allTypeScript())
    for (const { to } of importsOf(file, read(file))) {
      const folder = /^test\/([^/]+)\//.exec(to)?.[1]
      if (folder && !shared.has(folder) && !file.startsWith(`test/${folder}/`))
        problems.push(`${file} → ${to}`)
    }
  assert.equal(problems, [])
})

// ---------------------------------------------------------------------------------------------
// Requirement IDs (docs/requirements.md).

const FAMILIES = 'MCP-[ATV]|(?:OA|RS|JW|MD|IN|RV|FN|PII|SEC|RX|LOG)-'
/** An ID, then optional `..N` / `…N` ranges and `/N` lists: `RS-1..RS-6`, `MCP-T5/T6`, `PII-1/6/7`. */
const CITATION = new RegExp(
  String.raw`\b(${FAMILIES})(\d+)((?:(?:\.\.|…|/)(?:${FAMILIES}|[ATV])?\d+)*)`,
  'g',
)
const STEP = /(\.\.|…|\/)(?:MCP-|[A-Z]+-)?([ATV])?(\d+)/g

/** The requirement IDs `text` cites, ranges and lists expanded. */
function citedIds(text: string): Set<string> {
  const ids = new Set<string>()
  for (const m of text.matchAll(CITATION)) {
    let family = m[1]!
    let n = Number(m[2])
    ids.add(family + n)
    for (const step of m[3]!.matchAll(STEP)) {
      if (step[2] && family.startsWith('MCP-')) family = `MCP-${step[2]}`
      const to = Number(step[3])
      if (step[1] === '/') ids.add(family + to)
      else for (let i = n + 1; i <= to; i++) ids.add(family + i)
      n = to
    }
  }
  return ids
}

test('citedIds reads single IDs, ranges and lists, and nothing else', () => {
  const ids = (text: string) => [...citedIds(text)].sort()
  assert.equal(ids('RS-1..RS-3, MCP-A4..A6 and PII-1/6; LOG-1..4'), [
    'LOG-1',
    'LOG-2',
    'LOG-3',
    'LOG-4',
    'MCP-A4',
    'MCP-A5',
    'MCP-A6',
    'PII-1',
    'PII-6',
    'RS-1',
    'RS-2',
    'RS-3',
  ])
  assert.equal(ids('JW-1…JW-3, MCP-T5/T6, OA-4 / MCP-A15'), [
    'JW-1',
    'JW-2',
    'JW-3',
    'MCP-A15',
    'MCP-T5',
    'MCP-T6',
    'OA-4',
  ])
  assert.equal(ids('SHA-256, UTF-8, RS256, AES-128, SEP-1330, CRC-32, IPv4'), [])
})

const REQUIREMENTS = 'docs/requirements.md'

/** The IDs docs/requirements.md defines: one `- **ID** text — source` line each. */
function definedIds(): Map<string, string> {
  const defined = new Map<string, string>()
  const duplicates: string[] = []
  for (const m of read(REQUIREMENTS).matchAll(/^- \*\*([A-Z]+(?:-[A-Z])?-?\d+)\*\* (.+)$/gm)) {
    if (defined.has(m[1]!)) duplicates.push(m[1]!)
    defined.set(m[1]!, m[2]!)
  }
  assert.equal(duplicates, [], 'IDs defined twice')
  return defined
}

/** Where IDs are cited: code, tests, docs and pattern files (not the definitions themselves). */
const citingFiles = () =>
  walk(
    root,
    (f) => (/\.(ts|mjs|md)$/.test(f) || /^patterns\/.*\.json$/.test(f)) && f !== REQUIREMENTS,
  ).sort()

test('every requirement ID cited in the repository is defined in docs/requirements.md', () => {
  const defined = definedIds()
  assert.ok(defined.size > 50, `only ${defined.size} definitions read from ${REQUIREMENTS}`)
  for (const [id, text] of defined)
    assert.ok(/ — \S/.test(text), `${id} names no source (" — RFC … §…" at the end of its line)`)
  const undefinedIds: string[] = []
  const citedInTests = new Set<string>()
  for (const file of citingFiles()) {
    const ids = citedIds(read(file))
    for (const id of ids) if (!defined.has(id)) undefinedIds.push(`${file}: ${id}`)
    if (isTest(file) || file.startsWith('test/')) for (const id of ids) citedInTests.add(id)
  }
  assert.equal(undefinedIds, [], `IDs missing from ${REQUIREMENTS}`)
  const untested = [...defined.keys()].filter((id) => !citedInTests.has(id))
  if (untested.length > 0)
    console.warn(`warning: requirements no test cites yet: ${untested.join(', ')}`)
})

test('no references to design or standards documents outside the repository', () => {
  // The requirement IDs resolve in docs/requirements.md; the checklist and design notes they
  // came from are not part of this repository, so nothing may send a reader there.
  const names = ['design', 'standards'].map((word) => word.toUpperCase())
  const outside = new RegExp(`\\b(?:${names.join('|')})\\b`)
  const files = walk(root, (f) => /\.(ts|mjs|md|json|sh|yml)$/.test(f) || f === '.ci/run').filter(
    (f) => f !== 'package-lock.json',
  )
  const problems = files.flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}`] : [])),
  )
  assert.equal(problems, [])
})

test.run()
