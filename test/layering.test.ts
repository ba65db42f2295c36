/**
 * Keeps the dependency picture of the README's Architecture section true: each rule is a check
 * over the import lines of src/ (and mod.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from './helpers/cli.ts'

interface Import {
  spec: string
  /** `import type` / `export type`: erased at compile time (still part of the module graph). */
  typeOnly: boolean
  /** `import('...')`: loaded lazily, when the code runs. */
  dynamic: boolean
}

interface Source {
  file: string
  /** Static imports and re-exports (value and type), then dynamic import()s, each once per line. */
  all: Import[]
  /** The specifiers of the static imports. */
  imports: string[]
}

/** The source without comments, so an import() in a doc comment is no import. */
const code = (text: string) => text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '')

function sourceOf(path: string): Source {
  const text = code(readFileSync(path, 'utf8'))
  const all: Import[] = [
    ...[...text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined, dynamic: false })),
    ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => ({ spec: m[1]!, typeOnly: false, dynamic: false })),
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => ({ spec: m[1]!, typeOnly: false, dynamic: true })),
  ]
  return { file: relative(REPO, path), all, imports: all.filter((i) => !i.dynamic).map((i) => i.spec) }
}

function sources(dir: string): Source[] {
  const out: Source[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sources(p))
    else if (name.endsWith('.ts')) out.push(sourceOf(p))
  }
  return out
}

const SRC = sources(join(REPO, 'src'))
const layer = (file: string) => file.split('/')[1]!.replace(/\.ts$/, '')
const resolved = (s: Source, spec: string) => (spec.startsWith('.') ? relative(REPO, join(REPO, s.file, '..', spec)) : spec)

test('src/graph and src/sql are pure: they import only errors.ts and each other', () => {
  for (const s of SRC.filter((x) => ['graph', 'sql'].includes(layer(x.file)))) {
    for (const spec of s.imports) {
      const target = resolved(s, spec)
      assert.ok(target === 'src/errors.ts' || target.startsWith('src/graph/') || target.startsWith('src/sql/'), `${s.file} imports ${spec}`)
    }
  }
})

test('only src/db/ imports the database drivers', () => {
  for (const s of SRC) {
    for (const spec of s.imports) {
      if (spec === 'postgres' || spec.startsWith('@electric-sql/pglite')) assert.ok(s.file.startsWith('src/db/'), `${s.file} imports ${spec}`)
    }
  }
})

test('only src/lint/parser.ts imports libpg-query, and only with a dynamic import()', () => {
  for (const s of [...SRC, sourceOf(join(REPO, 'mod.ts'))]) {
    for (const i of s.all) {
      if (i.spec !== 'libpg-query') continue
      assert.is(s.file, 'src/lint/parser.ts', `${s.file} imports libpg-query`)
      assert.ok(i.dynamic, `${s.file} imports libpg-query statically: it must load on lint's first call`)
    }
  }
  assert.ok(sourceOf(join(REPO, 'src/lint/parser.ts')).all.some((i) => i.spec === 'libpg-query' && i.dynamic), 'the scan sees the import')
})

test('the core never imports commands or the CLI, and commands never import the CLI', () => {
  for (const s of SRC) {
    const l = layer(s.file)
    for (const spec of s.imports) {
      const target = resolved(s, spec)
      if (target.startsWith('src/cli/')) assert.ok(l === 'cli', `${s.file} imports ${spec}`)
      if (target.startsWith('src/commands/')) assert.ok(l === 'cli' || l === 'commands' || l === 'fleet', `${s.file} imports ${spec}`)
    }
  }
})

test('src/fleet/ (many targets) runs the commands and never the CLI; only src/cli/ and mod.ts (through import()) use it', () => {
  let seen = 0
  for (const s of [...SRC, sourceOf(join(REPO, 'mod.ts'))]) {
    const l = s.file === 'mod.ts' ? 'mod' : layer(s.file)
    for (const i of s.all) {
      if (!i.spec.startsWith('.')) continue
      const target = resolved(s, i.spec)
      if (l === 'fleet') assert.ok(!target.startsWith('src/cli/'), `${s.file} imports ${i.spec}`)
      if (!target.startsWith('src/fleet/') || l === 'fleet') continue
      seen++
      assert.ok(l === 'cli' || (l === 'mod' && (i.dynamic || i.typeOnly)), `${s.file} imports ${i.spec}${i.dynamic ? ' (dynamic)' : ''}`)
    }
  }
  assert.ok(SRC.some((s) => s.file === 'src/fleet/scheduler.ts'), 'the scan sees src/fleet/')
  void seen
})

test('kysely: src/db/ (the session dialect) and src/runner/ (which runs on it) import it, nothing else but types from src/db/', () => {
  const seen: string[] = []
  for (const s of SRC) {
    for (const i of s.all) {
      if (i.spec !== 'kysely' && !i.spec.startsWith('kysely/')) continue
      seen.push(s.file)
      const l = layer(s.file)
      // The runner is loaded lazily (commands import it with import()): the read commands and a
      // start-up with nothing to do never load Kysely (test/pack/lazy-load.test.ts checks that).
      assert.ok(l === 'db' || l === 'runner', `${s.file} imports ${i.typeOnly ? 'types from ' : ''}${i.spec}`)
    }
  }
  // The rule has something to check: the scan does see the imports there are.
  assert.ok(seen.includes('src/db/session-dialect.ts') && seen.includes('src/runner/version-rows.ts'), seen.join(', '))
})

test('the modules that load Kysely are reached from outside src/runner/ and src/db/ only through import()', () => {
  const KYSELY_LOADERS = ['src/runner/run-plan.ts', 'src/runner/version-rows.ts', 'src/runner/replace-versions.ts', 'src/db/session-dialect.ts', 'src/db/kysely-session.ts']
  let dynamicUses = 0
  for (const s of [...SRC, sourceOf(join(REPO, 'mod.ts'))]) {
    if (s.file !== 'mod.ts' && ['runner', 'db'].includes(layer(s.file))) continue
    for (const i of s.all) {
      if (!i.spec.startsWith('.')) continue
      if (!KYSELY_LOADERS.includes(resolved(s, i.spec))) continue
      if (i.dynamic) dynamicUses++
      else assert.ok(i.typeOnly, `${s.file} imports ${i.spec} statically: every command would load Kysely at start`)
    }
  }
  assert.ok(dynamicUses >= 3, `the scan sees the import()s there are (${dynamicUses})`)
})

const FS = ['fs', 'fs/promises', 'node:fs', 'node:fs/promises']

test('only src/files/ and src/db/ touch the file system (node:fs), statically or through import()', () => {
  const seen: string[] = []
  for (const s of SRC) {
    for (const i of s.all) {
      if (!FS.includes(i.spec)) continue
      seen.push(s.file)
      assert.ok(['files', 'db'].includes(layer(s.file)), `${s.file} imports ${i.spec}${i.dynamic ? ' (dynamic)' : ''}`)
    }
  }
  assert.ok(seen.includes('src/files/file-source.ts') && seen.includes('src/db/pg-tools.ts'), seen.join(', '))
})

test('src/import/ (sqlmig import) reads and writes only through src/files/, and knows nothing of the database, the runner or the commands', () => {
  const seen: string[] = []
  for (const s of SRC.filter((x) => layer(x.file) === 'import')) {
    seen.push(s.file)
    for (const i of s.all) {
      const target = resolved(s, i.spec)
      assert.ok(!FS.includes(i.spec), `${s.file} imports ${i.spec}`)
      for (const banned of ['src/db/', 'src/runner/', 'src/commands/', 'src/cli/', 'src/schema/']) assert.ok(!target.startsWith(banned), `${s.file} imports ${i.spec}`)
    }
  }
  assert.ok(seen.includes('src/import/dbmate.ts') && seen.includes('src/import/imported-files.ts'), seen.join(', '))
})

/** The first cycle of a graph (file → the files it imports) by depth-first search, as the path around it. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next]
      if (state.get(next) === undefined) {
        const found = visit(next)
        if (found) return found
      }
    }
    path.pop()
    state.set(file, 'done')
    return undefined
  }
  for (const file of [...graph.keys()].sort()) {
    if (state.get(file) !== undefined) continue
    const found = visit(file)
    if (found) return found
  }
  return undefined
}

test('findCycle() finds a cycle and the path around it, and none in a DAG', () => {
  const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges))
  assert.equal(findCycle(g({ a: ['b'], b: ['c'], c: ['d'], d: [] })), undefined)
  assert.equal(findCycle(g({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] })), undefined)
  assert.equal(findCycle(g({ a: ['b'], b: ['c'], c: ['d', 'b'], d: [] })), ['b', 'c', 'b'])
  assert.equal(findCycle(g({ x: ['y'], y: ['z'], z: ['x'] })), ['x', 'y', 'z', 'x'])
  assert.equal(findCycle(g({ s: ['s'] })), ['s', 's'])
})

test('src/ and mod.ts have no import cycles (static, type-only or dynamic)', () => {
  const all = [...SRC, sourceOf(join(REPO, 'mod.ts'))]
  const graph = new Map(all.map((s) => [s.file, s.all.filter((i) => i.spec.startsWith('.')).map((i) => resolved(s, i.spec))]))
  for (const [file, targets] of graph) for (const t of targets) assert.ok(graph.has(t), `${file} imports ${t}, which the scan did not read`)
  const cycle = findCycle(graph)
  assert.ok(cycle === undefined, `import cycle: ${cycle?.join(' -> ')}`)
})

test('mod.ts loads the CLI only through a dynamic import when it is the main module', () => {
  const text = readFileSync(join(REPO, 'mod.ts'), 'utf8')
  assert.not.match(text, /^\s*(import|export)\s[^'"]*from\s+'\.\/src\/cli\//m)
  assert.match(text, "await import('./src/cli/run-process.ts')")
})

test('file names are unique across src/', () => {
  const names = SRC.map((s) => s.file.split('/').pop()!)
  const dupes = names.filter((n, i) => names.indexOf(n) !== i)
  assert.equal(dupes, [])
})

test.run()
