/**
 * The runner's reads and writes of the version table, built with Kysely's query builder on the
 * run's session (session-dialect.ts). Read-only commands (current, history, a start-up with
 * nothing to do) use version-table.ts's plain SQL instead, so that they never load Kysely.
 */
import { type CompiledQuery, type Kysely, sql } from 'kysely'
import { type AppliedRecord, appliedRecordOf, qualifiedName, versionTableDdl, type VersionRow, type VersionTableName } from './version-table.ts'
import { serverErrorFields } from '../db/database.ts'
import { SqlmigError } from '../errors.ts'
import { simpleQuery } from '../db/session-dialect.ts'

/** Rows per INSERT: 5 parameters each, well under the protocol's 65,535. */
const ROWS_PER_INSERT = 1000

const table = (k: Kysely<any>, name: VersionTableName) => k.withSchema(name.schema)

/** True when the table exists. */
export async function versionTableFound(k: Kysely<any>, name: VersionTableName): Promise<boolean> {
  const rows = await k.selectFrom('pg_catalog.pg_class as c')
    .innerJoin('pg_catalog.pg_namespace as n', 'n.oid', 'c.relnamespace')
    .select(sql<number>`1`.as('found'))
    .where('n.nspname', '=', name.schema)
    .where('c.relname', '=', name.table)
    .where('c.relkind', 'in', ['r', 'p'])
    .execute()
  return rows.length > 0
}

/**
 * Creates the schema and table if missing. Call with the migration lock held (CREATE ... IF NOT
 * EXISTS races otherwise). The catalog is read first: when the table exists (every run but the
 * first) that is one cheap read, not DDL that takes locks and emits a notice.
 */
export async function ensureVersionTable(k: Kysely<any>, name: VersionTableName): Promise<void> {
  if (await versionTableFound(k, name)) return
  for (const ddl of versionTableDdl(name)) {
    try {
      await k.executeQuery(simpleQuery(ddl))
    } catch (error) {
      // Say what sqlmig was doing: the user's migrations have not started.
      const fields = serverErrorFields(error)
      if (!fields) throw error
      throw new SqlmigError('VERSION_TABLE_FAILED', `Cannot create the version table ${qualifiedName(name)}: ${fields.message} (${fields.sqlState})`, {
        detail: `sqlmig was running: ${ddl}\nNo migration has run.`,
        data: { schema: name.schema, table: name.table, sqlState: fields.sqlState },
        cause: error,
      })
    }
  }
}

/** Every applied revision, in applied order (the table must exist). */
export async function readRecorded(k: Kysely<any>, name: VersionTableName): Promise<AppliedRecord[]> {
  const rows = await table(k, name).selectFrom(name.table)
    .select(['revision', 'down_revision', 'message', 'checksum', 'applied_at', 'applied_by', 'execution_ms', sql<number>`applied_order::int4`.as('applied_order')])
    .orderBy('applied_order')
    .execute()
  return rows.map(appliedRecordOf)
}

/** True when `revision` has a row (the table must exist). */
export async function isRecorded(k: Kysely<any>, name: VersionTableName, revision: string): Promise<boolean> {
  return (await table(k, name).selectFrom(name.table).select(sql<number>`1`.as('found')).where('revision', '=', revision).execute()).length > 0
}

/**
 * The INSERTs that record `rows`, in order, one per 1,000 rows: applied_order (an identity)
 * follows the order of the VALUES list.
 */
export function insertRows(k: Kysely<any>, name: VersionTableName, rows: readonly VersionRow[]): CompiledQuery[] {
  const out: CompiledQuery[] = []
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const values = rows.slice(i, i + ROWS_PER_INSERT).map((row) => ({
      revision: row.revision,
      // Ids are [A-Za-z0-9_-]+ (checked when files are read): the array literal needs no escaping.
      down_revision: sql`${`{${row.parents.join(',')}}`}::text[]`,
      message: row.message,
      checksum: row.checksum,
      execution_ms: Math.round(row.executionMs),
    }))
    out.push(table(k, name).insertInto(name.table).values(values).compile())
  }
  return out
}

/** The DELETE that forgets `revisions` (none when the list is empty). */
export function deleteRows(k: Kysely<any>, name: VersionTableName, revisions: readonly string[]): CompiledQuery[] {
  if (revisions.length === 0) return []
  return [table(k, name).deleteFrom(name.table).where('revision', '=', sql<string>`any(${`{${revisions.join(',')}}`}::text[])`).compile()]
}
