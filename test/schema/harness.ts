/**
 * The corpus harness: one pair of databases per target, reset between cases. For a case it loads
 * "before" into A and "after" into B, plans, applies up to A (in one transaction, as the runner
 * does) and checks A now introspects equal to B; then applies down and checks A equals "before".
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Database } from '../../src/db/database.ts'
import { openDatabase } from '../../src/db/open.ts'
import { compareModels, type Difference } from '../../src/schema/compare.ts'
import { introspect } from '../../src/schema/introspect.ts'
import type { SchemaModel } from '../../src/schema/model.ts'
import { planMigration, type MigrationPlan } from '../../src/schema/render.ts'
import { splitStatements } from '../../src/sql/split.ts'
import { adminExec, serverUrlFor, uniqueName, type TargetKind } from '../helpers/targets.ts'

export interface CorpusCase {
  name: string
  before: string
  after: string
  /** Needs something PGlite does not have (a contrib extension): runs on the server only. */
  serverOnly?: boolean
}

export const RESET_SQL = `
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP EXECUTE format('DROP EXTENSION %I CASCADE', r.extname); END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
END $$;
CREATE EXTENSION IF NOT EXISTS plpgsql;
CREATE SCHEMA public;
ALTER SCHEMA public OWNER TO pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';`

export interface Bench {
  kind: TargetKind
  a: Database
  b: Database
  /** Server database names (for pg_dump), when kind is postgres. */
  names: [string, string] | undefined
  close(): Promise<void>
}

export async function openBench(kind: TargetKind): Promise<Bench> {
  if (kind === 'pglite') {
    const [a, b] = await Promise.all([openDatabase('pglite:memory'), openDatabase('pglite:memory')])
    return { kind, a, b, names: undefined, close: async () => { await a.close(); await b.close() } }
  }
  const names: [string, string] = [uniqueName('sqlmig_schema'), uniqueName('sqlmig_schema')]
  for (const n of names) await adminExec(`create database "${n}"`)
  const a = await openDatabase(serverUrlFor(names[0]))
  const b = await openDatabase(serverUrlFor(names[1]))
  return {
    kind, a, b, names,
    close: async () => {
      await a.close()
      await b.close()
      for (const n of names) await adminExec(`drop database if exists "${n}" with (force)`)
    },
  }
}

export async function runScript(db: Database, sql: string, label: string): Promise<void> {
  for (const s of splitStatements(sql)) {
    try {
      await db.exec(s.text)
    } catch (e) {
      throw new Error(`${label}: ${(e as Error).message}\n  in: ${s.text}`)
    }
  }
}

/** Runs statements inside one transaction (as the runner runs a migration). */
export async function runInTransaction(db: Database, statements: string[], label: string): Promise<void> {
  await db.exec('BEGIN')
  for (const s of statements) {
    try {
      await db.exec(s)
    } catch (e) {
      await db.exec('ROLLBACK')
      throw new Error(`${label}: ${(e as Error).message}\n  in: ${s}`)
    }
  }
  await db.exec('COMMIT')
}

export async function load(db: Database, sql: string, label: string): Promise<SchemaModel> {
  await db.exec(RESET_SQL)
  await runScript(db, sql, label)
  return introspect(db)
}

function describe(diffs: Difference[]): string {
  return diffs.map((d) => `  ${d.kind} ${d.name}: ${d.what}`).join('\n')
}

const run = promisify(execFile)

/** pg_dump --schema-only of a server database, without comments, SET lines and blank lines. */
export async function dumpSchema(database: string): Promise<string> {
  const url = serverUrlFor(database)
  const { stdout } = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', url], { encoding: 'utf8', maxBuffer: 64 << 20 })
  return stdout.split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('--') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog.set_config') && !l.startsWith('\\'))
    .join('\n')
}

export interface RoundTrip {
  plan: MigrationPlan
  problems: string[]
}

/** The round-trip property for one case; returns problems (empty when it holds). */
export async function roundTrip(bench: Bench, c: CorpusCase, options: { oracle?: boolean } = {}): Promise<RoundTrip> {
  const problems: string[] = []
  const names = options.oracle ? bench.names : undefined
  const [before, after] = await Promise.all([load(bench.a, c.before, `${c.name} (before)`), load(bench.b, c.after, `${c.name} (after)`)])
  const dumps = names ? Promise.all([dumpSchema(names[0]), dumpSchema(names[1])]) : undefined
  const plan = planMigration(before, after)
  const label = `${c.name} [${bench.kind}]`
  const [dumpBefore, dumpAfter] = dumps ? await dumps : ['', '']
  try {
    await runInTransaction(bench.a, plan.upStatements, `${label} up`)
  } catch (e) {
    return { plan, problems: [(e as Error).message, plan.up] }
  }
  const dumpUp = names ? dumpSchema(names[0]) : undefined
  const upDiffs = compareModels(await introspect(bench.a), after)
  if (upDiffs.length) problems.push(`${label}: after up, differs from "after":\n${describe(upDiffs)}\n${plan.up}`)
  if (dumpUp && (await dumpUp) !== dumpAfter) problems.push(`${label}: pg_dump after up differs from "after"\n${lineDiff(await dumpUp, dumpAfter)}\n${plan.up}`)
  try {
    await runInTransaction(bench.a, plan.downStatements, `${label} down`)
  } catch (e) {
    return { plan, problems: [...problems, (e as Error).message, plan.down] }
  }
  const dumpDown = names ? dumpSchema(names[0]) : undefined
  const downDiffs = compareModels(await introspect(bench.a), before)
  if (downDiffs.length) problems.push(`${label}: after down, differs from "before":\n${describe(downDiffs)}\n${plan.down}`)
  if (dumpDown && (await dumpDown) !== dumpBefore) problems.push(`${label}: pg_dump after down differs from "before"\n${lineDiff(await dumpDown, dumpBefore)}\n${plan.down}`)
  return { plan, problems }
}

function lineDiff(x: string, y: string): string {
  const a = x.split('\n')
  const b = y.split('\n')
  const onlyA = a.filter((l) => !b.includes(l)).slice(0, 10).map((l) => `  - ${l}`)
  const onlyB = b.filter((l) => !a.includes(l)).slice(0, 10).map((l) => `  + ${l}`)
  return [...onlyA, ...onlyB].join('\n') || '  (same lines, different order)'
}
