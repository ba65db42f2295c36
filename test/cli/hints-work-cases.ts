/**
 * Every hint that names a command names one that exists and works from the state that produced
 * it. For each failure the command layer hints (src/commands/hints.ts), a PGlite project in a
 * temp folder is brought to the state, the failing command runs through the built CLI, and every
 * `"sqlmig ..."` in its hint runs from a copy of that same state (same --url): it must exit 0 and
 * do what the hint says. "run the command again with --flag" reruns the failing command with it.
 * The failures of one state run one after the other on it (a failure changes nothing).
 * On the server when there is one (a copy of the state is `CREATE DATABASE … TEMPLATE`: the
 * hints are not about the database, and a PGlite start per command made this the suite's
 * slowest file); on PGlite otherwise (the database is a folder inside the project, copied with it).
 * Run in two shards (hints-work-<n>of2.test.ts: case i in shard i mod 2), one process each: one
 * file of ~100 CLI runs, one after the other, was the longest file of the run after the corpus.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type CliRun, type MigrationSpec, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'

const spec = (revision: string, parents: string[] = [], extra: Partial<MigrationSpec> = {}): MigrationSpec =>
  ({ revision, parents, up: `create table t_${revision} (id int);`, down: `drop table t_${revision};`, ...extra })

/** r0 -> r1 -> a1 -> a2, r1 -> b1 (r1 a branch point), z0 a second base. */
const BRANCHED = [spec('r0'), spec('r1', ['r0']), spec('a1', ['r1']), spec('a2', ['a1']), spec('b1', ['r1']), spec('z0')]
const CHAIN = [spec('c1'), spec('c2', ['c1']), spec('c3', ['c2'])]
const MERGED = [spec('m0'), spec('m1', ['m0']), spec('m2', ['m0']), spec('mm', ['m1', 'm2'])]

type Cli = (...args: string[]) => Promise<CliRun>

/** A failing command, its exit code and a part of its hint (to show which hint it covers). */
interface Failure {
  args: string[]
  code: number
  hint: string
}

/** One state, the failures it produces, and what some of the hints' commands must leave. */
interface Case {
  name: string
  specs: MigrationSpec[]
  /** Commands that bring the database to the state (each must exit 0). */
  setup?: string[][]
  /** What to do to the files after the setup (remove a file, edit one). */
  change?: (dir: string) => void
  fails: Failure[]
  /** Command (as in the hint, without "sqlmig ") → the current revisions it must leave. */
  leaves?: Record<string, string[]>
  /** After a hint's command (as in the hint, without "sqlmig "): anything else it promised. */
  then?: Record<string, (cli: Cli) => Promise<void>>
}

const versionsOf = (dir: string) => join(dir, 'migrations', 'versions')
const removeRevision = (revision: string) => (dir: string) => {
  for (const f of readdirSync(versionsOf(dir)).filter((n) => n.includes(`_${revision}.`))) unlinkSync(join(versionsOf(dir), f))
}
const current = async (cli: Cli): Promise<string[]> => {
  const r = await cli('current', '--json')
  assert.is(r.code, 0, `current after the hint: ${r.stderr}`)
  return JSON.parse(r.stdout).current.map((c: { revision: string } | string) => (typeof c === 'string' ? c : c.revision))
}
const fail = (args: string[], code: number, hint: string): Failure => ({ args, code, hint })

const CASES: Case[] = [
  { name: 'several heads, nothing applied', specs: BRANCHED.slice(0, 5), fails: [
    fail(['upgrade'], 2, 'Join them with "sqlmig merge heads", or name one: "sqlmig upgrade a2" (or "sqlmig upgrade heads"'), // MULTIPLE_HEADS
    fail(['create', 'Add things', '--no-autogenerate'], 2, `"sqlmig create 'Add things' --head a2"`),
    fail(['stamp', 'head'], 2, 'Name one: "sqlmig stamp a2", or "sqlmig stamp heads"'),
    fail(['merge', 'a2'], 2, '"sqlmig merge heads" joins all 2 ("a2", "b1")'),
  ], leaves: { 'upgrade a2': ['a2'], 'stamp a2': ['a2'] } },
  { name: 'a chain, nothing applied', specs: CHAIN, fails: [
    fail(['show', 'zzz'], 2, '"sqlmig history --offline"'), // UNKNOWN_REVISION
    fail(['upgrade', 'zzz'], 2, '"sqlmig history --offline"'),
    fail(['upgrade', 'a.b'], 2, '"sqlmig history --offline"'), // INVALID_TARGET, unreadable
    fail(['upgrade', 'c1+5'], 2, '"sqlmig upgrade c3"'), // RELATIVE_OUT_OF_RANGE from a revision
  ] },
  { name: 'two bases and a branch point, nothing applied', specs: BRANCHED, fails: [
    fail(['upgrade', 'a'], 2, '"sqlmig upgrade a1" or "sqlmig upgrade a2"'), // AMBIGUOUS_REVISION
    fail(['show', 'a'], 2, '"sqlmig show a1" or "sqlmig show a2"'),
    fail(['stamp', 'a'], 2, '"sqlmig stamp a1" or "sqlmig stamp a2"'),
    fail(['upgrade', '+1'], 2, '"sqlmig upgrade r0" or "sqlmig upgrade z0"'), // AMBIGUOUS_RELATIVE
    fail(['upgrade', 'r1+1'], 2, '"sqlmig upgrade a1" or "sqlmig upgrade b1"'),
  ] },
  { name: 'a chain, all applied', specs: CHAIN, setup: [['upgrade']], fails: [
    fail(['upgrade', 'base'], 2, '"sqlmig downgrade base"'), // INVALID_TARGET
    fail(['upgrade', '-1'], 2, '"sqlmig downgrade -1"'),
    fail(['downgrade', 'base-1'], 2, '"sqlmig history --offline"'), // RELATIVE_OUT_OF_RANGE before base
  ], leaves: { 'downgrade base': [], 'downgrade -1': ['c2'] } },
  { name: 'a chain, one applied', specs: CHAIN, setup: [['upgrade', 'c1']], fails: [
    fail(['downgrade', 'head'], 2, '"sqlmig upgrade head"'), // INVALID_TARGET
    fail(['downgrade', '+1'], 2, '"sqlmig upgrade +1"'),
    fail(['downgrade', 'c2'], 2, '"sqlmig upgrade c2" to apply it, or "sqlmig current"'), // NOT_APPLIED
  ], leaves: { 'upgrade +1': ['c2'], 'upgrade c2': ['c2'] } },
  { name: 'a merge, all applied', specs: MERGED, setup: [['upgrade']], fails: [
    fail(['downgrade', 'mm-1'], 2, '"sqlmig downgrade m1" or "sqlmig downgrade m2"'), // AMBIGUOUS_RELATIVE at a merge
  ] },
  { name: 'three current revisions', specs: BRANCHED, setup: [['upgrade', 'heads']], fails: [
    fail(['downgrade', '-1'], 2, 'Name the revision to keep'), // AMBIGUOUS_RELATIVE
  ] },
  { name: 'a chain, one step left', specs: CHAIN, setup: [['upgrade', 'c2']], fails: [
    fail(['upgrade', '+3'], 2, '"sqlmig upgrade +1" (or "sqlmig upgrade c3")'), // RELATIVE_OUT_OF_RANGE
    fail(['downgrade', '-5'], 2, '"sqlmig downgrade -2" (or "sqlmig downgrade base")'),
  ], leaves: { 'upgrade +1': ['c3'], 'downgrade -2': [], 'downgrade base': [] } },
  { name: 'an applied revision no file defines', specs: CHAIN, setup: [['upgrade']], change: removeRevision('c3'), fails: [
    ...[['upgrade'], ['current'], ['history'], ['downgrade', 'base']].map((args) => fail(args, 1, 'forget them: "sqlmig stamp --purge c2"')),
    fail(['stamp', 'head'], 1, 'record the state without them: "sqlmig stamp --purge c2"'),
    // stamp names the purge that records what it was asked for
    fail(['stamp', 'c1'], 1, 'record the state without them: "sqlmig stamp --purge c1"'),
  ], leaves: { 'stamp --purge c2': ['c2'], 'stamp --purge c1': ['c1'] }, then: {
    // Every command works again (c1's stamp leaves c2's table, as any stamp leaves the schema).
    'stamp --purge c2': async (cli) => {
      for (const args of [['upgrade'], ['history'], ['downgrade', 'base']]) {
        const r = await cli(...args)
        assert.is(r.code, 0, `${args.join(' ')} after the purge: ${r.stderr}`)
      }
    },
  } },
  { name: 'only revisions no file defines applied', specs: [spec('k1')], setup: [['upgrade']], change: (dir) => {
    removeRevision('k1')(dir)
    writeFileSync(join(versionsOf(dir), '0009_k2.up.sql'), '-- revision: k2\n-- down_revision: none\nselect 1;\n')
    writeFileSync(join(versionsOf(dir), '0009_k2.down.sql'), '-- revision: k2\nselect 1;\n')
  }, fails: [fail(['upgrade'], 1, '"sqlmig stamp --purge base"')], leaves: { 'stamp --purge base': [] } },
  { name: 'an applied file edited', specs: CHAIN, setup: [['upgrade', 'c2']], change: (dir) => {
    const f = readdirSync(versionsOf(dir)).find((n) => n.endsWith('_c1.up.sql'))!
    writeFileSync(join(versionsOf(dir), f), '-- revision: c1\n-- down_revision: none\ncreate table t_c1 (id int, edited int);\n')
  }, fails: [fail(['upgrade'], 1, 'run the command again with --allow-changed')], leaves: { 'upgrade --allow-changed': ['c3'] } }, // CHANGED_MIGRATION
  { name: 'an irreversible revision applied', specs: [spec('i1'), spec('i2', ['i1'], { downHeader: '-- irreversible: the data is gone' }), spec('i3', ['i2'])],
    setup: [['upgrade']], fails: [fail(['downgrade', 'base'], 1, 'then record that: "sqlmig stamp --purge i1"')], leaves: { 'stamp --purge i1': ['i1'] } }, // IRREVERSIBLE
  { name: 'an enum value added and used in one transaction', specs: [
    spec('e1', [], { up: "create type mood as enum ('sad'); create table t_e1 (m mood);", down: 'drop table t_e1; drop type mood;' }),
    spec('e2', ['e1'], { up: "alter type mood add value 'happy';", down: '', downHeader: '-- down: none' }),
    spec('e3', ['e2'], { up: "alter table t_e1 alter column m set default 'happy';", down: 'alter table t_e1 alter column m drop default;' }),
  ], fails: [fail(['upgrade'], 1, 'mark "e2" (migrations/versions/0002_e2.up.sql), which adds the value, "-- transaction: false", or run with a commit after each migration: "sqlmig upgrade --transaction per-migration"')],
  leaves: { 'upgrade --transaction per-migration': ['e3'] } }, // MIGRATION_FAILED 55P04
  { name: 'no migrations folder', specs: [], fails: [fail(['upgrade'], 5, '"sqlmig init"')] }, // NO_VERSIONS_DIR
]

/** The commands a hint names: each `"sqlmig ..."`, split into words ('quoted words' kept whole). */
export function commandsOf(hint: string): string[][] {
  return [...hint.matchAll(/"sqlmig ([^"]+)"/g)].map((m) => {
    let text = m[1] as string
    text = text.split('<message>').join('first')
    return [...text.matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? (w[2] as string))
  })
}

const hintOf = (stderr: string): string | undefined => stderr.split('\n').find((l) => l.startsWith('hint: '))?.slice(6)

/** Registers shard `shard` (1-based) of `of` of the cases and runs it. */
export function runHintCases(shard: number, of: number): void {
  CASES.forEach((c, i) => { if (i % of === shard - 1) hintCase(c) })
  test.run()
}

function hintCase(c: Case): void {
  test(`${c.name}: every command a hint names works from that state`, async () => {
    const p = tempProject(migrationFiles(c.specs))
    const copies: string[] = []
    const onServer = await serverAvailable()
    const databases = new Map<string, string>()
    const urlOf = (dir: string): string => onServer ? serverUrlFor(databases.get(dir) as string) : `pglite:${join(dir, 'db')}`
    const cliIn = (dir: string): Cli => (...args) => runCli([...args, '--url', urlOf(dir)], dir)
    /** A copy of the project (and of its database) where one hint's command runs. */
    const copyState = async (from: string): Promise<string> => {
      const copy = mkdtempSync(join(tmpdir(), 'sqlmig-hint-'))
      copies.push(copy)
      cpSync(from, copy, { recursive: true })
      if (onServer) {
        const name = uniqueName('sqlmig_hint')
        await adminExec(`create database "${name}" template "${databases.get(from)}"`)
        databases.set(copy, name)
      }
      return copy
    }
    if (onServer) {
      const name = uniqueName('sqlmig_hint')
      await adminExec(`create database "${name}"`)
      databases.set(p.dir, name)
    }
    try {
      const cli = cliIn(p.dir)
      for (const args of c.setup ?? []) {
        const r = await cli(...args)
        assert.is(r.code, 0, `setup ${args.join(' ')}: ${r.stderr}`)
      }
      c.change?.(p.dir)
      // Each failure leaves the state as it was, so all of them run on it; their commands run once each.
      const commands = new Map<string, string[]>()
      for (const f of c.fails) {
        const failed = await cli(...f.args)
        assert.is(failed.code, f.code, `${f.args.join(' ')}: ${failed.stderr}`)
        const hint = hintOf(failed.stderr)
        assert.ok(hint, `${f.args.join(' ')} has a hint: ${failed.stderr}`)
        assert.ok(hint.includes(f.hint), `the hint of "${f.args.join(' ')}" ("${hint}") says ${f.hint}`)
        const again = /run the command again with (--[a-z-]+)/.exec(hint)
        const named = [...commandsOf(hint), ...(again ? [[...f.args, again[1] as string]] : [])]
        assert.ok(named.length > 0, `the hint names a command: ${hint}`)
        for (const command of named) commands.set(command.join(' '), command)
      }
      for (const [text, command] of commands) {
        for (const word of command) assert.not.match(word, /^<.*>$/, `a placeholder left in "sqlmig ${text}"`)
        // From a copy of the state: each command starts where the failures left the database.
        const there = cliIn(await copyState(p.dir))
        const r = await there(...command)
        assert.is(r.code, 0, `"sqlmig ${text}" (from a hint in "${c.name}"): ${r.stderr}`)
        const leaves = c.leaves?.[text]
        if (leaves) assert.equal(await current(there), leaves, `"sqlmig ${text}" leaves ${leaves.join(', ') || 'base'}`)
        await c.then?.[text]?.(there)
      }
      for (const text of Object.keys(c.leaves ?? {})) assert.ok(commands.has(text), `a hint names "sqlmig ${text}"`)
    } finally {
      p.cleanup()
      for (const d of copies) if (existsSync(d)) rmSync(d, { recursive: true, force: true })
      for (const name of databases.values()) await adminExec(`drop database if exists "${name}" with (force)`)
    }
  })
}
