/**
 * The version tables other tools keep, as `sqlmig adopt` finds and reads them: which versions
 * each says are applied. Each reader follows the tool's own meaning of its rows (cited below);
 * a state the tool itself would refuse to continue from (golang-migrate dirty, a failed Flyway
 * row) is an error carrying its data. Plain SQL through the Database interface.
 */
import type { Database } from '../db/database.ts'
import { EXIT, SqlmigError } from '../errors.ts'
import { sqitchVersions } from '../import/sqitch-versions.ts'
import { quoteIdent } from '../sql/quote.ts'

export const ADOPT_TOOLS = ['golang-migrate', 'dbmate', 'goose', 'flyway', 'node-pg-migrate', 'sqitch', 'graphile-migrate', 'alembic'] as const
export type AdoptTool = (typeof ADOPT_TOOLS)[number]

/** What a tool's table says is applied. */
export interface AppliedSource {
  tool: AdoptTool
  /** "schema.table" of the table read. */
  table: string
  /**
   * `set`: every applied version, in the order the tool applied them. `upto`: the versions
   * named and everything before them (golang-migrate keeps its current version only, Alembic
   * its heads).
   */
  mode: 'set' | 'upto'
  versions: string[]
  /** What `--drop-old` runs: the tool's table (or its registry schema). */
  dropSql: string[]
}

interface Found {
  schema: string
  table: string
  columns: string[]
}

/** The table (or schema) names each tool uses, for the lookup and for the "none found" message. */
const TABLES: Record<AdoptTool, string> = {
  'golang-migrate': 'schema_migrations (with "dirty")',
  dbmate: 'schema_migrations',
  goose: 'goose_db_version',
  flyway: 'flyway_schema_history',
  'node-pg-migrate': 'pgmigrations',
  sqitch: 'sqitch.changes',
  'graphile-migrate': 'graphile_migrate.migrations',
  alembic: 'alembic_version',
}

const RELNAMES = ['schema_migrations', 'goose_db_version', 'flyway_schema_history', 'pgmigrations', 'changes', 'migrations', 'alembic_version']

/** Every known version table in the database, by tool (several per tool: the first in search_path order wins). */
async function findTables(db: Database): Promise<Map<AdoptTool, Found>> {
  const rows = await db.query<{ schema: string; table: string; columns: string }>(
    `select n.nspname as "schema", c.relname as "table",
            (select string_agg(a.attname, ',') from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as "columns"
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and c.relname = any($1::text[])
        and n.nspname not in ('pg_catalog', 'information_schema')
      order by coalesce(array_position(current_schemas(false), n.nspname::text), 1000), n.nspname`,
    [RELNAMES],
  )
  const out = new Map<AdoptTool, Found>()
  for (const r of rows) {
    const f: Found = { schema: r.schema, table: r.table, columns: (r.columns ?? '').split(',') }
    const tool = toolOfTable(f)
    if (tool && !out.has(tool)) out.set(tool, f)
  }
  return out
}

/**
 * The one-table version tables of other tools in the database (sqitch and graphile-migrate keep
 * a schema of their own, not listed): what `pull` leaves out of the declared schema.
 */
export async function otherToolTables(db: Database): Promise<{ tool: AdoptTool; schema: string; table: string }[]> {
  return [...(await findTables(db))].filter(([tool]) => tool !== 'sqitch' && tool !== 'graphile-migrate').map(([tool, f]) => ({ tool, schema: f.schema, table: f.table }))
}

function toolOfTable(f: Found): AdoptTool | undefined {
  const has = (...c: string[]) => c.every((x) => f.columns.includes(x))
  switch (f.table) {
    case 'schema_migrations':
      return has('version', 'dirty') ? 'golang-migrate' : has('version') ? 'dbmate' : undefined
    case 'goose_db_version':
      return has('version_id', 'is_applied') ? 'goose' : undefined
    case 'flyway_schema_history':
      return has('version', 'success', 'type') ? 'flyway' : undefined
    case 'pgmigrations':
      return has('name', 'run_on') ? 'node-pg-migrate' : undefined
    case 'changes':
      return f.schema === 'sqitch' && has('change', 'project') ? 'sqitch' : undefined
    case 'migrations':
      return f.schema === 'graphile_migrate' && has('filename', 'hash') ? 'graphile-migrate' : undefined
    case 'alembic_version':
      return has('version_num') ? 'alembic' : undefined
  }
  return undefined
}

/**
 * The one known version table of the database (or of `from`), read. Throws ADOPT_NO_SOURCE
 * when there is none, ADOPT_AMBIGUOUS when several tools' tables exist and `from` is not given.
 */
export async function readAppliedSource(db: Database, from: AdoptTool | undefined): Promise<AppliedSource> {
  const found = await findTables(db)
  if (from !== undefined && !found.has(from)) {
    throw new SqlmigError('ADOPT_NO_SOURCE', `Cannot adopt: no ${from} version table (${TABLES[from]}) in ${db.description}`, { exitCode: EXIT.usage, data: { looked: [TABLES[from]], from } })
  }
  if (from === undefined && found.size === 0) {
    throw new SqlmigError('ADOPT_NO_SOURCE', `Cannot adopt: none of the version tables sqlmig knows is in ${db.description}`, {
      exitCode: EXIT.usage,
      detail: `looked for ${ADOPT_TOOLS.map((t) => `${TABLES[t]} (${t})`).join(', ')}`,
      data: { looked: Object.values(TABLES), from },
    })
  }
  if (from === undefined && found.size > 1) {
    const tools = [...found.keys()]
    throw new SqlmigError('ADOPT_AMBIGUOUS', `Cannot adopt: ${db.description} has the version tables of ${tools.length} tools (${tools.map((t) => `${t}: ${name(found.get(t)!)}`).join(', ')})`, { exitCode: EXIT.usage, data: { tools } })
  }
  const tool = from ?? ([...found.keys()][0] as AdoptTool)
  return await READ[tool](db, found.get(tool)!)
}

const name = (f: Found) => `${f.schema}.${f.table}`
const qualified = (f: Found) => `${quoteIdent(f.schema)}.${quoteIdent(f.table)}`
const dropTable = (f: Found) => [`drop table ${qualified(f)}`]

type Reader = (db: Database, f: Found) => Promise<AppliedSource>

const READ: Record<AdoptTool, Reader> = {
  // golang-migrate database/postgres/postgres.go: one row (version bigint, dirty boolean), the
  // current version; dirty = a migration failed or was interrupted half way.
  'golang-migrate': async (db, f) => {
    const rows = await db.query<{ version: string; dirty: boolean }>(`select version::text as version, dirty from ${qualified(f)}`)
    const row = rows[0]
    if (row?.dirty) {
      throw new SqlmigError('ADOPT_DIRTY', `Cannot adopt: golang-migrate's ${name(f)} says version ${row.version} is dirty (it failed or was interrupted half way)`, { data: { tool: 'golang-migrate', table: name(f), version: row.version } })
    }
    // NilVersion (-1) is how golang-migrate may write "nothing applied".
    const versions = row && row.version !== '-1' ? [row.version] : []
    return { tool: 'golang-migrate', table: name(f), mode: 'upto', versions, dropSql: dropTable(f) }
  },
  // dbmate pkg/driver/postgres: one row per applied version (version varchar(128) primary key).
  dbmate: async (db, f) => {
    const rows = await db.query<{ version: string }>(`select version::text as version from ${qualified(f)} order by version`)
    return { tool: 'dbmate', table: name(f), mode: 'set', versions: rows.map((r) => r.version), dropSql: dropTable(f) }
  },
  // goose dialect/dialectquery/postgres.go: a row per up (is_applied true) and, in older goose,
  // per down (false); the latest row of a version (by id) is its state. Version 0 is the row
  // goose writes when it creates the table.
  goose: async (db, f) => {
    const rows = await db.query<{ version: string; applied: boolean }>(`select version_id::text as version, is_applied as applied from ${qualified(f)} order by id desc`)
    const state = new Map<string, boolean>()
    for (const r of rows) if (!state.has(r.version)) state.set(r.version, r.applied)
    const versions = [...state].filter(([v, ok]) => ok && v !== '0').map(([v]) => v).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    return { tool: 'goose', table: name(f), mode: 'set', versions, dropSql: dropTable(f) }
  },
  // Flyway JdbcTableSchemaHistory: one row per event, by installed_rank. SCHEMA rows record a
  // schema Flyway created; UNDO_SQL and DELETE rows take a version back; success = false is a
  // failed migration (Flyway itself refuses to migrate until it is repaired).
  flyway: async (db, f) => {
    const rows = await db.query<{ version: string | null; type: string; script: string; success: boolean }>(`select version, type, script, success from ${qualified(f)} order by installed_rank`)
    const failed = rows.find((r) => !r.success)
    if (failed) {
      throw new SqlmigError('ADOPT_FAILED_ROW', `Cannot adopt: Flyway's ${name(f)} records ${failed.version === null ? `"${failed.script}"` : `version ${failed.version}`} as failed (success = false)`, {
        data: { tool: 'flyway', table: name(f), version: failed.version ?? '', script: failed.script },
      })
    }
    const applied: string[] = []
    for (const r of rows) {
      if (r.type === 'SCHEMA') continue
      // A repeatable (no version) has no sqlmig revision: reported as unmapped by its script.
      const v = r.version ?? r.script
      const at = applied.indexOf(v)
      if (r.type === 'UNDO_SQL' || r.type === 'UNDO_JDBC' || r.type === 'DELETE') {
        if (at >= 0) applied.splice(at, 1)
      } else if (at < 0) applied.push(v)
    }
    return { tool: 'flyway', table: name(f), mode: 'set', versions: applied, dropSql: dropTable(f) }
  },
  // node-pg-migrate src/migration.ts: one row per applied migration (name = file name without extension).
  'node-pg-migrate': async (db, f) => {
    const rows = await db.query<{ name: string }>(`select name from ${qualified(f)} order by run_on, id`)
    return { tool: 'node-pg-migrate', table: name(f), mode: 'set', versions: rows.map((r) => r.name), dropSql: dropTable(f) }
  },
  // sqitch lib/App/Sqitch/Engine/pg.sql: sqitch.changes holds the changes deployed now (a
  // revert deletes the row; sqitch.events keeps the log), in deploy order = plan order by
  // committed_at; sqitch.tags the tags deployed, each on its change_id, named with its "@"
  // (Engine.pm log_new_tags: format_name). A reworked change has a row per appearance, alike
  // in name: the later one is the version import wrote as name@tag (sqitch-versions.ts).
  sqitch: async (db, f) => {
    const tags = `${quoteIdent(f.schema)}.${quoteIdent('tags')}`
    const rows = await db.query<{ change: string; tags: string[] | null }>(
      `select c.change, (select array_agg(t.tag order by t.committed_at, t.tag) from ${tags} t where t.change_id = c.change_id) as tags
       from ${qualified(f)} c order by c.committed_at, c.change`,
    )
    const steps = rows.map((r) => ({ name: r.change, tags: (r.tags ?? []).map((t) => t.replace(/^@/, '')) }))
    return { tool: 'sqitch', table: name(f), mode: 'set', versions: sqitchVersions(steps).map((v) => v.version), dropSql: [`drop schema ${quoteIdent(f.schema)} cascade`] }
  },
  // graphile-migrate src/migration.ts: graphile_migrate.migrations, one row per committed migration (filename, e.g. 000001.sql).
  'graphile-migrate': async (db, f) => {
    const rows = await db.query<{ filename: string }>(`select filename from ${qualified(f)} order by date, filename`)
    return { tool: 'graphile-migrate', table: name(f), mode: 'set', versions: rows.map((r) => r.filename), dropSql: [`drop schema ${quoteIdent(f.schema)} cascade`] }
  },
  // Alembic runtime/migration.py: alembic_version holds the current heads (one row per head).
  alembic: async (db, f) => {
    const rows = await db.query<{ version: string }>(`select version_num as version from ${qualified(f)} order by version_num`)
    return { tool: 'alembic', table: name(f), mode: 'upto', versions: rows.map((r) => r.version), dropSql: dropTable(f) }
  },
}
