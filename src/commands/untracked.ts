/**
 * A database sqlmig does not track: no version table where the configuration says, yet tables of
 * its own. Upgrading it would run the first migration's CREATE TABLE against an existing schema
 * (failing half way, or worse, succeeding on a partly matching one), so upgrade refuses and
 * current says so, each naming the way out: stamp, the right --version-schema/--version-table,
 * a baseline, or --allow-untracked.
 */
import type { Database } from '../db/database.ts'
import { StateError } from '../errors.ts'
import type { VersionTableName } from '../runner/version-table.ts'

/** What an untracked database holds. */
export interface Untracked {
  /** Tables, views and foreign tables outside the system schemas (not those of extensions, not partitions). */
  tables: number
  /** The first few of them, schema-qualified. */
  examples: string[]
  /** Schemas holding a table named like the configured version table (the --version-schema that was forgotten). */
  versionSchemas: string[]
  /** Version tables of other migration tools, with the tool's name. */
  otherTools: { tool: string; table: string }[]
}

/** Version tables other tools leave, to name the tool a database came from. */
const OTHER_TOOLS: Record<string, string> = {
  alembic_version: 'Alembic',
  flyway_schema_history: 'Flyway',
  schema_migrations: 'dbmate, golang-migrate or Rails',
  goose_db_version: 'goose',
  knex_migrations: 'Knex',
  _prisma_migrations: 'Prisma',
  kysely_migration: 'Kysely',
  __drizzle_migrations: 'Drizzle',
  databasechangelog: 'Liquibase',
}

const QUERY = `with rels as (
  select n.nspname as s, c.relname as r, quote_ident(n.nspname) || '.' || quote_ident(c.relname) as q
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
    and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
    and ($4::text is null or n.nspname = $4)
    and not (n.nspname = $1 and c.relname = 'sqlmig_lock')
    and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')
)
select exists (select 1 from rels where s = $1 and r = $2) as tracked,
  (select count(*)::int from rels) as n,
  coalesce((select string_agg(q, E'\\n' order by s, r) from (select * from rels order by s, r limit 5) x), '') as examples,
  coalesce((select string_agg(s, E'\\n' order by s) from rels where r = $2), '') as version_schemas,
  coalesce((select string_agg(r || ' ' || q, E'\\n' order by s, r) from rels where r = any (string_to_array($3, ','))), '') as others`

/**
 * The lock table of `--lock table` (sqlmig_lock beside the version table) is sqlmig's own, not counted.
 * `onlySchema`: count only that schema's tables (a tenant schema in --schemas mode, where the
 * other tenants' tables are no sign that this one is untracked).
 *
 * The database's state when the version table is missing: undefined when it is there after all
 * (another run created it meanwhile) or when the database holds no tables of its own. One
 * statement, so one snapshot: a concurrent first run commits its version table with (or before)
 * its first tables, and is never mistaken for an untracked database.
 */
export async function untrackedState(db: Database, name: VersionTableName, onlySchema?: string): Promise<Untracked | undefined> {
  const [row] = await db.query<{ tracked: boolean; n: number; examples: string; version_schemas: string; others: string }>(QUERY, [name.schema, name.table, Object.keys(OTHER_TOOLS).join(','), onlySchema ?? null])
  if (!row || row.tracked || row.n === 0) return undefined
  const lines = (s: string) => (s === '' ? [] : s.split('\n'))
  return {
    tables: row.n,
    examples: lines(row.examples),
    versionSchemas: lines(row.version_schemas),
    otherTools: lines(row.others).map((l) => {
      const [r, ...q] = l.split(' ')
      return { tool: OTHER_TOOLS[r!] ?? r!, table: q.join(' ') }
    }),
  }
}

/** "the database holds 3 tables (public.a, ...) but no version table public.sqlmig_version" */
export function describeUntracked(u: Untracked, name: VersionTableName): string {
  const listed = `${u.examples.join(', ')}${u.tables > u.examples.length ? ', ...' : ''}`
  return `the database holds ${u.tables} table${u.tables === 1 ? '' : 's'} (${listed}) but no version table ${qualified(name)}`
}

/** What to do about an untracked database, most specific first. */
export function untrackedHint(u: Untracked, name: VersionTableName): string {
  const ways: string[] = []
  for (const schema of u.versionSchemas) {
    ways.push(`the version table is in another schema? pass --version-schema ${/^[A-Za-z0-9_]+$/.test(schema) ? schema : `'${schema.replace(/'/g, "'\\''")}'`} (found ${qualified({ schema, table: name.table })})`)
  }
  for (const o of u.otherTools) ways.push(`it was migrated with ${o.tool} (${o.table}): write a baseline migration of the existing schema (pg_dump --schema-only) and record it with "sqlmig stamp <revision>"`)
  if (u.versionSchemas.length === 0) ways.push('a version table under another name? pass --version-table <name> (and --version-schema)')
  ways.push('if the schema already matches a revision, record it without running SQL: "sqlmig stamp <revision>"')
  ways.push('to run the migrations on it anyway: --allow-untracked')
  if (u.otherTools.length === 0) ways.push('to start from the existing schema: write a baseline migration of it (pg_dump --schema-only) and record it with "sqlmig stamp <revision>"')
  return ways.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join('; ')
}

/** Refuses to upgrade an untracked database. */
export async function refuseUntracked(db: Database, name: VersionTableName, verb: string, onlySchema?: string): Promise<void> {
  const u = await untrackedState(db, name, onlySchema)
  if (!u) return
  throw new StateError('UNTRACKED_DATABASE', `Cannot ${verb}: ${describeUntracked(u, name)}, so sqlmig has no record of what is applied and the first migration would run against the existing schema`, {
    hint: untrackedHint(u, name),
  })
}

function qualified(name: VersionTableName): string {
  return `${qualifiedPart(name.schema)}.${qualifiedPart(name.table)}`
}

/** quote_ident's rule, near enough for a message: plain lower-case names bare, others quoted. */
function qualifiedPart(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`
}
