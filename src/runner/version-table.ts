/**
 * The version table: one row per applied revision (not only the heads, as Alembic keeps), so
 * that downgrades can run in the reverse of the order revisions were actually applied and the
 * checksum of every applied file can be compared. All access goes through Kysely, so schema and
 * table names with quotes, spaces or mixed case just work, and values are always parameters.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/database.ts'

export interface VersionTableName {
  schema: string
  table: string
}

/** One applied revision as recorded. */
export interface AppliedRecord {
  revision: string
  parents: string[]
  message: string
  checksum: string
  appliedAt: Date
  appliedBy: string
  executionMs: number
  /** 1, 2, 3... in the order revisions were applied. */
  order: number
}

export interface VersionRow {
  revision: string
  parents: string[]
  message: string
  checksum: string
  executionMs: number
}

function createTableQuery(k: Kysely<any>, name: VersionTableName) {
  return k.schema.withSchema(name.schema).createTable(name.table).ifNotExists()
    .addColumn('revision', 'text', (c) => c.primaryKey())
    .addColumn('down_revision', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('applied_by', 'text', (c) => c.notNull().defaultTo(sql`current_user`))
    .addColumn('execution_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_order', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity())
}

/** The DDL that creates the table (for `upgrade --sql`). */
export function versionTableDdl(k: Kysely<any>, name: VersionTableName): string[] {
  const out: string[] = []
  if (name.schema !== 'public') out.push(k.schema.createSchema(name.schema).ifNotExists().compile().sql)
  out.push(createTableQuery(k, name).compile().sql)
  return out
}

/** Creates the schema and table if missing. Call with the migration lock held (CREATE ... IF NOT EXISTS races otherwise). */
export async function ensureVersionTable(db: Database, name: VersionTableName): Promise<void> {
  if (name.schema !== 'public') await db.kysely.schema.createSchema(name.schema).ifNotExists().execute()
  await createTableQuery(db.kysely, name).execute()
}

/** True when the table exists (read-only commands never create it). */
export async function versionTableExists(db: Database, name: VersionTableName): Promise<boolean> {
  const rows = await db.query<{ ok: boolean }>(
    `select exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')) as ok`,
    [name.schema, name.table],
  )
  return rows[0]?.ok === true
}

/** Every applied revision, in applied order. An absent table means nothing is applied. */
export async function readApplied(db: Database, name: VersionTableName): Promise<AppliedRecord[]> {
  if (!(await versionTableExists(db, name))) return []
  const rows = await db.kysely.withSchema(name.schema).selectFrom(name.table)
    .select([
      'revision',
      'down_revision',
      'message',
      'checksum',
      'applied_at',
      'applied_by',
      'execution_ms',
      sql<number>`applied_order::int4`.as('applied_order'),
    ])
    .orderBy('applied_order')
    .execute()
  return rows.map((r: any) => ({
    revision: r.revision,
    parents: parseTextArray(r.down_revision),
    message: r.message,
    checksum: r.checksum,
    appliedAt: r.applied_at instanceof Date ? r.applied_at : new Date(r.applied_at),
    appliedBy: r.applied_by,
    executionMs: Number(r.execution_ms),
    order: Number(r.applied_order),
  }))
}

/** text[] arrives as an array from both drivers; be lenient with the '{a,b}' text form. */
function parseTextArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String)
  if (typeof value === 'string') return value.replace(/^\{|\}$/g, '').split(',').filter((s) => s !== '')
  return []
}

/** Records an applied revision. */
export function insertVersionQuery(k: Kysely<any>, name: VersionTableName, row: VersionRow) {
  return k.withSchema(name.schema).insertInto(name.table).values({
    revision: row.revision,
    // Ids are [A-Za-z0-9_-]+ (checked when files are read), so the array literal needs no escaping.
    down_revision: sql`${`{${row.parents.join(',')}}`}::text[]`,
    message: row.message,
    checksum: row.checksum,
    execution_ms: Math.round(row.executionMs),
  })
}

/** Forgets an applied revision (after its down ran, or by stamp). */
export function deleteVersionQuery(k: Kysely<any>, name: VersionTableName, revision: string) {
  return k.withSchema(name.schema).deleteFrom(name.table).where('revision', '=', revision)
}

/** Updates the recorded checksum (after `--allow-changed` ran on an edited file... kept for stamp/repair). */
export function updateChecksumQuery(k: Kysely<any>, name: VersionTableName, revision: string, checksum: string) {
  return k.withSchema(name.schema).updateTable(name.table).set({ checksum }).where('revision', '=', revision)
}
