/**
 * Bad input, fuzzed: over 10,000 random and mutated migration folders (headers, ids, graphs,
 * SQL), SQL texts and revision graphs with random applied sets and targets go through the
 * loader, the splitter and the planner. Each must end in success or a SqlmigError (with file
 * and line where the problem is in a file); never another exception, never a hang. The loader
 * and planner never touch a database; a sample of invalid projects is also run through the CLI
 * against a server database, which must stay untouched (not even a version table).
 * The seed is printed; rerun one with SQLMIG_FUZZ_SEED=<n>.
 */
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SqlmigError } from '../../src/errors.ts'
import { MemorySource } from '../../src/files/memory-source.ts'
import { loadScripts } from '../../src/files/script-directory.ts'
import type { AppliedRevision } from '../../src/graph/applied-revision.ts'
import { planDowngrade, planUpgrade } from '../../src/graph/plan.ts'
import { RevisionGraph, type RevisionNode } from '../../src/graph/revision-graph.ts'
import { statementsOf } from '../../src/runner/execute-file.ts'
import { splitStatementsWithOffsets } from '../../src/sql/split.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { random } from '../helpers/random.ts'
import { newTarget, serverAvailable } from '../helpers/targets.ts'
import { connect, start } from './helpers.ts'

const SEED = Number(process.env.SQLMIG_FUZZ_SEED ?? Date.now() % 1_000_000)
const LOADER_CASES = 4000
const SPLIT_CASES = 3500
const PLAN_CASES = 3000
const SLOW_CASE_MS = 5000

const next = random(SEED)
const int = (n: number) => Math.floor(next() * n)
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
const chance = (p: number) => next() < p

// A hang (an endless loop in a parser) would stop the event loop: this timer can't fire then,
// but uvu's own run would never finish either, and the runner reports a crash. Cases slower
// than SLOW_CASE_MS are failures on their own.
let currentCase = ''
const watchdog = setTimeout(() => {
  console.error(`fuzz: no progress after 100 s (seed ${SEED}), last case: ${currentCase.slice(0, 300)}`)
  process.exit(1)
}, 100_000)
watchdog.unref()

const FILE_ERROR_CODES_WITHOUT_LINE = new Set(['INVALID_MIGRATIONS', 'NO_VERSIONS_DIR'])

/** Checks what a case threw: a SqlmigError; with file and line when it is about a file. */
function checkError(error: unknown, what: string): SqlmigError {
  if (!(error instanceof SqlmigError)) {
    throw new Error(`${what}: threw ${(error as Error)?.constructor?.name ?? typeof error} instead of a SqlmigError (seed ${SEED}): ${(error as Error)?.stack ?? error}`)
  }
  return error
}

function checkFileError(e: SqlmigError, what: string): void {
  if (e.exitCode !== 5) return // graph/target errors on a valid folder (exit 2) name revisions, not lines
  if (e.code === 'INVALID_MIGRATIONS') {
    // One line per problem, each starting with file:line.
    const problems = e.detail!.split('\n').filter((l) => !l.startsWith('  '))
    for (const line of problems) assert.match(line, /^migrations\/versions\/[^:]+:\d+(:\d+)?: /, `${what}: ${line}`)
    return
  }
  if (FILE_ERROR_CODES_WITHOUT_LINE.has(e.code)) return
  assert.ok(e.location?.file, `${what}: ${e.code} has no file (${e.message})`)
  assert.ok(typeof e.location?.line === 'number' && e.location.line >= 1, `${what}: ${e.code} has no line (${e.message})`)
}

function timed<T>(what: string, fn: () => T): T {
  currentCase = what
  const t0 = performance.now()
  const checkTime = () => {
    const ms = performance.now() - t0
    if (ms > SLOW_CASE_MS) throw new Error(`${what}: took ${Math.round(ms)} ms (seed ${SEED})`)
  }
  let result: T
  try {
    result = fn()
  } catch (error) {
    checkTime()
    throw error
  }
  checkTime()
  return result
}

// ---------- SQL text ----------

const SQL_TOKENS = [
  'select', ' ', '1', ';', "'", "''", '"', '""', '$$', '$tag$', '$t$', '$', '--', '\n', '\r\n', '/*', '*/', "E'", '\\', "\\'",
  'begin atomic', 'end', 'create function f() returns int language sql as ', '(', ')', 'case', 'when', '\\i x.sql', '\\set a 1',
  '\u0000', '\uFFFD', '\uD800', '\uDFFF', 'é', '😀', 'U&"', "U&'", 'B\'01\'', 'X\'ff\'', ':var', ':\'var\'', '$1', '::int', '\t', '\f', '\v',
  'create table t (id int)', 'insert into t values (1)', 'do $$ begin null; end $$', '/* /* nested */ */', "'unterminated", '$$unterminated',
]

function randomSql(): string {
  if (chance(0.01)) return 'select ' + 'x'.repeat(200_000 + int(800_000)) + (chance(0.5) ? ';' : "'")
  if (chance(0.01)) return "select '" + "a;".repeat(100_000 + int(100_000))
  const n = int(60)
  let s = ''
  for (let i = 0; i < n; i++) s += chance(0.1) ? String.fromCharCode(int(0x3000)) : pick(SQL_TOKENS)
  return s
}

/** Random edits of a text: flips, deletions, insertions, truncation. */
function mutate(text: string): string {
  let s = text
  const edits = 1 + int(4)
  for (let i = 0; i < edits; i++) {
    const at = int(s.length + 1)
    switch (int(6)) {
      case 0: s = s.slice(0, at) + pick(SQL_TOKENS) + s.slice(at); break
      case 1: s = s.slice(0, at) + s.slice(at + 1 + int(10)); break
      case 2: s = s.slice(0, at); break
      case 3: s = s.slice(0, at) + String.fromCharCode(int(0x10000)) + s.slice(at + 1); break
      case 4: s = s.slice(0, at) + '\n' + s.slice(at); break
      default: s = s + pick(SQL_TOKENS)
    }
  }
  return s
}

// ---------- migration folders ----------

const HEADER_NOISE = [
  '-- revison: abc', '-- Revision: x', '-- down_revision:', '-- down_revision: none, none', '-- transaction: maybe', '-- transaction: false',
  '-- lock_timeout: 5s', '-- statement_timeout: ', '-- irreversible: yes', '-- message: "quoted" é ✓', '-- created: not a date', '-- : empty key',
  '--revision:nospace', '-- revision: has space', '-- revision: ../etc', '-- revision: \u0000', '-- created: 2026-01-01T00:00:00Z',
  '\uFEFF-- revision: bom', '-- message: ' + 'm'.repeat(5000), '--', '-- x-y: z',
]

function randomFolder(): Record<string, string> {
  const size = 1 + int(7)
  const ids = Array.from({ length: size }, (_, i) => (chance(0.02) ? pick(['head', 'base', 'a b', 'ä', '', 'x'.repeat(200)]) : `r${i}${int(1000)}`))
  const specs = ids.map((id, i) => ({
    revision: id,
    parents: i === 0 ? [] : chance(0.15) ? [ids[int(ids.length)]!] : chance(0.1) ? [ids[i - 1]!, ids[int(i)]!] : [ids[i - 1]!],
    up: chance(0.9) ? 'create table t (id int);\nselect 1;' : randomSql(),
    down: chance(0.95) ? 'drop table t;' : randomSql(),
    upHeader: chance(0.05) ? pick(HEADER_NOISE) : '',
    downHeader: chance(0.03) ? pick(HEADER_NOISE) : '',
  }))
  const files = migrationFiles(specs)
  const mutations = chance(0.4) ? 0 : 1 + int(3)
  for (let m = 0; m < mutations && Object.keys(files).length > 0; m++) {
    const name = pick(Object.keys(files))
    switch (int(9)) {
      case 0: delete files[name]; break // missing up or down
      case 1: files[`migrations/versions/dup_${int(100)}.up.sql`] = files[name]!; break // duplicate id
      case 2: files[name] = mutate(files[name]!); break
      case 3: files[name] = files[name]!.replace(/\n/g, '\r\n'); break
      case 4: files[name] = '\uFEFF' + files[name]; break
      case 5: files[name] = files[name]!.slice(0, int(files[name]!.length)); break
      case 6: files[name] = pick(HEADER_NOISE) + '\n' + files[name]; break
      case 7: files[name] = files[name]!.replace(/\n/, `\n${pick(HEADER_NOISE)}\n`); break
      default: files[`migrations/versions/${int(1000)}.${pick(['up', 'down'])}.sql`] = randomSql()
    }
  }
  return files
}

function randomTarget(ids: readonly string[]): string {
  const id = ids.length ? pick(ids) : 'zzz'
  switch (int(12)) {
    case 0: return 'head'
    case 1: return 'heads'
    case 2: return 'base'
    case 3: return `+${int(5)}`
    case 4: return `-${int(5)}`
    case 5: return id.slice(0, 1 + int(Math.max(1, id.length)))
    case 6: return `${id}+${int(4)}`
    case 7: return `${id}-${int(4)}`
    case 8: return pick(['', ' ', '+', '-', '-0', '+99999999999999999999', 'HEAD', 'heads+1', 'base-1', '@', '\u0000', 'r', 'x'.repeat(1000)])
    default: return id
  }
}

function randomApplied(ids: readonly string[]): AppliedRevision[] {
  const pool = [...ids, 'ghost1', 'ghost2']
  const n = int(ids.length + 2)
  const out: AppliedRevision[] = []
  for (let i = 0; i < n; i++) out.push({ id: chance(0.9) && ids.length ? pick(ids) : pick(pool), order: chance(0.9) ? i + 1 : int(3) })
  return out
}

/** Plans with random applied sets and targets; every outcome must be success or a SqlmigError. */
function planRandomly(graph: RevisionGraph, what: string, rounds: number): number {
  const ids = graph.topological()
  let errors = 0
  for (let r = 0; r < rounds; r++) {
    const applied = chance(0.7) ? ids.filter(() => chance(0.5)).map((id, i) => ({ id, order: i + 1 })) : randomApplied(ids)
    const target = randomTarget(ids)
    const down = chance(0.5)
    timed(`${what} plan ${down ? 'down' : 'up'} ${target}`, () => {
      try {
        const steps = down ? planDowngrade(graph, applied, target) : planUpgrade(graph, applied, target)
        assert.ok(Array.isArray(steps))
      } catch (error) {
        checkError(error, `${what} ${down ? 'planDowngrade' : 'planUpgrade'}(${JSON.stringify(target)})`)
        errors++
      }
    })
  }
  return errors
}

test(`fuzz (seed ${SEED}): ${LOADER_CASES} mutated migration folders through loader, graph, splitter and planner`, () => {
  let ok = 0
  let failed = 0
  const codes = new Map<string, number>()
  for (let i = 0; i < LOADER_CASES; i++) {
    const files = randomFolder()
    const what = `folder #${i}`
    timed(what, () => {
      try {
        const scripts = loadScripts(new MemorySource(files), 'migrations')
        const graph = RevisionGraph.from(scripts)
        for (const s of scripts) {
          statementsOf(s.up)
          statementsOf(s.down)
        }
        planRandomly(graph, what, 2)
        ok++
      } catch (error) {
        const e = checkError(error, what)
        checkFileError(e, what)
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1)
        failed++
      }
    })
  }
  console.log(`  folders: ${ok} valid, ${failed} rejected: ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`)
  assert.ok(ok > LOADER_CASES / 20 && failed > LOADER_CASES / 4, 'the mix holds both valid and invalid folders')
})

test(`fuzz (seed ${SEED}): ${SPLIT_CASES} random and mutated SQL texts through the splitter`, () => {
  let ok = 0
  let failed = 0
  for (let i = 0; i < SPLIT_CASES; i++) {
    const text = chance(0.5) ? randomSql() : mutate('create function f() returns text language sql as $$ select \'a;b\' $$;\n-- c;\n/* d; */ select E\'\\\';\' ;')
    timed(`sql #${i}`, () => {
      try {
        const statements = splitStatementsWithOffsets(text, 'fuzz.sql')
        for (const s of statements) assert.ok(s.line >= 1 && s.column >= 1 && s.start >= 0 && s.start <= text.length)
        ok++
      } catch (error) {
        const e = checkError(error, `sql #${i}`)
        assert.is(e.location?.file, 'fuzz.sql')
        assert.ok((e.location?.line ?? 0) >= 1, `sql #${i}: ${e.code} has a line`)
        failed++
      }
    })
  }
  console.log(`  sql: ${ok} split, ${failed} rejected`)
  assert.ok(ok > 0 && failed > 0)
})

test(`fuzz (seed ${SEED}): ${PLAN_CASES} random revision graphs (cycles, duplicates, missing parents) with random applied sets and targets`, () => {
  let built = 0
  let rejected = 0
  let planErrors = 0
  for (let i = 0; i < PLAN_CASES; i++) {
    const size = int(12)
    const alphabet = chance(0.2) ? ['a', 'b', 'c', 'a1', 'ab'] : Array.from({ length: size + 2 }, (_, k) => `n${k}x${int(9)}`)
    const nodes: RevisionNode[] = Array.from({ length: size }, (_, k) => ({
      id: chance(0.03) ? pick(['', 'has space', 'head', 'x/y']) : chance(0.9) ? (alphabet[k] ?? pick(alphabet)) : pick(alphabet),
      parents: k === 0 || chance(0.1) ? [] : Array.from({ length: chance(0.15) ? 2 + int(2) : 1 }, () => (chance(0.85) ? (alphabet[int(k)] ?? 'missing') : pick(alphabet))),
      createdAt: chance(0.5) ? `2026-01-${String(1 + int(28)).padStart(2, '0')}` : undefined,
      source: `migrations/versions/${k}.up.sql`,
      line: 2,
    }))
    const what = `graph #${i} ${JSON.stringify(nodes.map((n) => [n.id, n.parents]))}`
    timed(what, () => {
      let graph: RevisionGraph
      try {
        graph = RevisionGraph.from(nodes)
        built++
      } catch (error) {
        checkFileError(checkError(error, what), what)
        rejected++
        return
      }
      planErrors += planRandomly(graph, what, 3)
    })
  }
  console.log(`  graphs: ${built} built, ${rejected} rejected, ${planErrors} plans refused`)
  assert.ok(built > 0 && rejected > 0)
})

const INVALID_PROJECTS: [string, Record<string, string>][] = [
  ['an unknown header key', migrationFiles(chain([{ revision: 'k0000000001', up: 'create table a (id int);', down: 'drop table a;', upHeader: '-- revison: typo' }]))],
  ['a cycle', migrationFiles([
    { revision: 'k0000000001', parents: ['k0000000002'], up: 'create table a (id int);', down: 'drop table a;' },
    { revision: 'k0000000002', parents: ['k0000000001'], up: 'create table b (id int);', down: 'drop table b;' },
  ])],
  ['an unterminated quote in a pending migration', migrationFiles(chain([
    { revision: 'k0000000001', up: 'create table a (id int);', down: 'drop table a;' },
    { revision: 'k0000000002', up: "insert into a values (1);\nselect 'oops;", down: 'delete from a;' },
  ]))],
  ['a missing down file', Object.fromEntries(Object.entries(migrationFiles(chain([{ revision: 'k0000000001', up: 'create table a (id int);', down: 'drop table a;' }]))).filter(([k]) => k.endsWith('.up.sql')))],
  ['a NUL byte', migrationFiles(chain([{ revision: 'k0000000001', up: 'create table a (id int);\u0000', down: 'drop table a;' }]))],
]

if (await serverAvailable()) {
  test('sqlmig upgrade on invalid projects exits 5 and leaves the server database untouched', async () => {
    const t = await newTarget('postgres')
    const sql = connect(t.url)
    try {
      for (const [what, files] of INVALID_PROJECTS) {
        const p = tempProject(files)
        try {
          const r = await start(['upgrade'], p.dir, { DATABASE_URL: t.url }).done
          assert.is(r.code, 5, `${what}: ${r.stderr}`)
          assert.match(r.stderr, /error: migrations\/versions\/\S+:\d+/, `${what} names file and line`)
          const objects = await sql`select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`
          assert.equal([...objects], [], `${what}: nothing was created, not even the version table`)
        } finally {
          p.cleanup()
        }
      }
    } finally {
      await sql.end()
      await t.cleanup()
    }
  })
}

test.after(() => clearTimeout(watchdog))
test.run()
