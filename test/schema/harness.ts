/**
 * The corpus harness: one pair of databases per target, reset between cases. For a case it loads
 * "before" into A and "after" into B, plans, applies up to A (in one transaction, as the runner
 * does) and checks A now introspects equal to B; then applies down and checks A equals "before".
 * Cases where enums gain values run a second time as `create` writes them (enum values first).
 */
import { execFile } from 'node:child_process'
import process from 'node:process'
import { promisify } from 'node:util'
import type { Database } from '../../src/db/database.ts'
import { openDatabase } from '../../src/db/open.ts'
import { compareModels, type Difference } from '../../src/schema/compare.ts'
import { introspect } from '../../src/schema/introspect.ts'
import type { SchemaModel } from '../../src/schema/model.ts'
import { reconcileDeparsed } from '../../src/schema/reconcile-deparse.ts'
import { planEnumValuesFirst } from '../../src/schema/enum-values-first.ts'
import { planMigration, type MigrationPlan } from '../../src/schema/render.ts'
import { splitStatements } from '../../src/sql/split.ts'
import { adminExec, serverUrlFor, uniqueName, type TargetKind } from '../helpers/targets.ts'

export interface CorpusCase {
  name: string
  before: string
  after: string
  /** Needs something PGlite does not have (a contrib extension): runs on the server only. */
  serverOnly?: boolean
  /** Roles the case grants to or hands objects to: created before it runs (see caseRoles()). */
  roles?: string[]
}

/** Cases whose name contains SQLMIG_CORPUS (all when unset): run a subset while working on one kind. */
export function selectCases<T extends { name: string }>(cases: T[]): T[] {
  const only = process.env.SQLMIG_CORPUS
  return only ? cases.filter((c) => c.name.includes(only)) : cases
}

export const RESET_SQL = `
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname); END LOOP;
  -- Default privileges outlive schemas: put every global entry back to the built-in default.
  FOR r IN SELECT d.defaclrole::regrole::text AS role, d.defaclobjtype AS t, coalesce(nullif(a.grantee::regrole::text, '-'), 'PUBLIC') AS g
    FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE d.defaclnamespace = 0 LOOP
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s REVOKE ALL ON %s FROM %s', r.role,
      CASE r.t WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END, r.g);
  END LOOP;
  FOR r IN SELECT DISTINCT d.defaclrole::regrole::text AS role FROM pg_default_acl d WHERE d.defaclnamespace = 0 LOOP
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON TABLES TO %s', r.role, r.role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON SEQUENCES TO %s', r.role, r.role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON FUNCTIONS TO %s, PUBLIC', r.role, r.role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON TYPES TO %s, PUBLIC', r.role, r.role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON SCHEMAS TO %s', r.role, r.role);
  END LOOP;
  -- Publications and foreign data wrappers are not in a schema.
  FOR r IN SELECT pubname FROM pg_publication LOOP EXECUTE format('DROP PUBLICATION %I', r.pubname); END LOOP;
  FOR r IN SELECT fdwname FROM pg_foreign_data_wrapper LOOP EXECUTE format('DROP FOREIGN DATA WRAPPER %I CASCADE', r.fdwname); END LOOP;
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
  /** Roles created for cases so far (server roles are dropped by close()). */
  roles: Set<string>
  close(): Promise<void>
}

/** Creates the case's roles once per bench (on the server they are cluster-wide). */
async function ensureRoles(bench: Bench, roles: string[]): Promise<void> {
  for (const r of roles) {
    if (bench.roles.has(r)) continue
    const sql = `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE "${r}"; END IF; END $$`
    if (bench.kind === 'pglite') await Promise.all([bench.a.exec(sql), bench.b.exec(sql)])
    else await adminExec(sql)
    bench.roles.add(r)
  }
}
/** The contrib extensions corpus cases create (PGlite loads only what it is given). */
const PGLITE_CORPUS = { pgliteExtensions: ['cube', 'earthdistance', 'hstore'] }


export async function openBench(kind: TargetKind): Promise<Bench> {
  if (kind === 'pglite') {
    const [a, b] = await Promise.all([openDatabase('pglite:memory', PGLITE_CORPUS), openDatabase('pglite:memory', PGLITE_CORPUS)])
    return { kind, a, b, names: undefined, roles: new Set(), close: async () => { await a.close(); await b.close() } }
  }
  const names: [string, string] = [uniqueName('sqlmig_schema'), uniqueName('sqlmig_schema')]
  for (const n of names) await adminExec(`create database "${n}"`)
  const a = await openDatabase(serverUrlFor(names[0]))
  const b = await openDatabase(serverUrlFor(names[1]))
  const roles = new Set<string>()
  return {
    kind, a, b, names, roles,
    close: async () => {
      await a.close()
      await b.close()
      for (const n of names) await adminExec(`drop database if exists "${n}" with (force)`)
      for (const r of roles) await adminExec(`drop role if exists "${r}"`)
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

/** pg_dump --schema-only (owners and privileges included) of a server database, without comments, SET lines and blank lines. */
export async function dumpSchema(database: string): Promise<string> {
  const url = serverUrlFor(database)
  const { stdout } = await run('pg_dump', ['--schema-only', url], { encoding: 'utf8', maxBuffer: 64 << 20 })
  return stdout.split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('--') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog.set_config') && !l.startsWith('\\'))
    .join('\n')
    .replace(/^(CREATE (?:UNLOGGED )?TABLE [^\n]* \(|CREATE TYPE [^\n]* AS \()\n((?: {4}[^\n]*\n)+)(?=\))/gm, (_, head: string, body: string) => `${head}\n${sortedLines(body)}\n`)
}

/**
 * A table's (or composite type's) column lines in name order: column order is not a schema
 * difference (issue 13, case 1), so ADD COLUMN appending a column declared in the middle is
 * the same schema. Foreign tables and views keep their order.
 */
function sortedLines(body: string): string {
  return body.trimEnd().split('\n').map((l) => l.replace(/,$/, '')).sort().join(',\n')
}

export interface RoundTrip {
  plan: MigrationPlan
  problems: string[]
}

export interface RoundTripOptions {
  /** Also judge by pg_dump (server benches). */
  oracle?: boolean
  /**
   * Given copies of the models of "before" and "after" as freshly loaded into A and B, before
   * anything is planned or applied: another check of the same case can use them instead of
   * loading them again (corpus-pglite-shard.ts: the cross-version check's shadows).
   */
  onLoaded?: (before: SchemaModel, after: SchemaModel) => void
}

/** The round-trip property for one case; returns problems (empty when it holds). */
export async function roundTrip(bench: Bench, c: CorpusCase, options: RoundTripOptions = {}): Promise<RoundTrip> {
  const problems: string[] = []
  const names = options.oracle ? bench.names : undefined
  await ensureRoles(bench, c.roles ?? [])
  const [before, after] = await Promise.all([load(bench.a, c.before, `${c.name} (before)`), load(bench.b, c.after, `${c.name} (after)`)])
  options.onLoaded?.(structuredClone(before), structuredClone(after))
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
  const upModel = await introspect(bench.a)
  // What the up built is compared by meaning, as `check` compares it (issue 14, item 5): a
  // definition written from "after"'s deparse may deparse differently once applied.
  await reconcileDeparsed(bench.b, after, upModel)
  const upDiffs = compareModels(upModel, after)
  if (upDiffs.length) problems.push(`${label}: after up, differs from "after":\n${describe(upDiffs)}\n${plan.up}`)
  // `create` then `check`: planning again from what the up built must find nothing.
  const again = planMigration(upModel, after)
  if (again.changes.length) problems.push(`${label}: check after create is not clean:\n${again.detected.join('\n')}\n${again.up}`)
  if (dumpUp && (await dumpUp) !== dumpAfter) problems.push(`${label}: pg_dump after up differs from "after"\n${lineDiff(await dumpUp, dumpAfter)}\n${plan.up}`)
  try {
    await runInTransaction(bench.a, plan.downStatements, `${label} down`)
  } catch (e) {
    return { plan, problems: [...problems, (e as Error).message, plan.down] }
  }
  const dumpDown = names ? dumpSchema(names[0]) : undefined
  // Likewise by meaning (as `verify` compares a down), through A, which holds "before" again.
  const downModel = await introspect(bench.a)
  await reconcileDeparsed(bench.a, before, downModel)
  const downDiffs = compareModels(downModel, before)
  if (downDiffs.length) problems.push(`${label}: after down, differs from "before":\n${describe(downDiffs)}\n${plan.down}`)
  if (dumpDown && (await dumpDown) !== dumpBefore) problems.push(`${label}: pg_dump after down differs from "before"\n${lineDiff(await dumpDown, dumpBefore)}\n${plan.down}`)
  if (problems.length === 0) problems.push(...await enumValuesFirstTrip(bench, before, after, label))
  return { plan, problems }
}

/**
 * What `create` writes when enums only gain values (enum-values-first.ts): the ADD VALUEs as a
 * migration outside a transaction (each statement commits), then the rest in one transaction;
 * down in the reverse order, each in a transaction. A holds "before" when this starts and again
 * when it ends.
 */
async function enumValuesFirstTrip(bench: Bench, before: SchemaModel, after: SchemaModel, label: string): Promise<string[]> {
  const split = planEnumValuesFirst(before, after)
  if (!split) return []
  const problems: string[] = []
  try {
    for (const s of split.values.upStatements) await bench.a.exec(s)
    await runInTransaction(bench.a, split.rest.upStatements, `${label} up after the enum values`)
  } catch (e) {
    return [(e as Error).message, split.values.up, split.rest.up]
  }
  const upModel = await introspect(bench.a)
  await reconcileDeparsed(bench.b, after, upModel)
  const upDiffs = compareModels(upModel, after)
  if (upDiffs.length) problems.push(`${label}: enum values first, then the rest: differs from "after":\n${describe(upDiffs)}\n${split.values.up}\n${split.rest.up}`)
  if (split.rest.up.includes('__sqlmig_old')) problems.push(`${label}: the rest rebuilds an enum:\n${split.rest.up}`)
  try {
    await runInTransaction(bench.a, split.rest.downStatements, `${label} down of the rest`)
    await runInTransaction(bench.a, split.values.downStatements, `${label} down of the enum values`)
  } catch (e) {
    return [...problems, (e as Error).message, split.rest.down, split.values.down]
  }
  const downModel = await introspect(bench.a)
  await reconcileDeparsed(bench.a, before, downModel)
  const downDiffs = compareModels(downModel, before)
  if (downDiffs.length) problems.push(`${label}: enum values first, down: differs from "before":\n${describe(downDiffs)}\n${split.rest.down}\n${split.values.down}`)
  return problems
}

function lineDiff(x: string, y: string): string {
  const a = x.split('\n')
  const b = y.split('\n')
  const onlyA = a.filter((l) => !b.includes(l)).slice(0, 10).map((l) => `  - ${l}`)
  const onlyB = b.filter((l) => !a.includes(l)).slice(0, 10).map((l) => `  + ${l}`)
  return [...onlyA, ...onlyB].join('\n') || '  (same lines, different order)'
}
