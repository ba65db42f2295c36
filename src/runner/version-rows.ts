/**
 * The runner's reads and writes of the version table, built with Kysely's query builder on the
 * run's session (session-dialect.ts). Read-only commands (current, history, a start-up with
 * nothing to do) use version-table.ts's plain SQL instead, so that they never load Kysely.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely'
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
  return (await k.executeQuery(recordedQuery(k, name, revision))).rows.length > 0
}

/** The read isRecorded sends (no parameters): a row when `revision` is recorded, none when not. */
export function recordedQuery(k: Kysely<any>, name: VersionTableName, revision: string): CompiledQuery {
  const template = reused(k, `isRecorded ${name.schema}.${name.table}`, () =>
    table(k, name).selectFrom(name.table).select(sql<number>`1`.as('found')).where('revision', '=', revision).compile())
  return withParameters(template, [revision])
}

/**
 * The INSERTs that record `rows`, in order, one per 1,000 rows: applied_order (an identity)
 * follows the order of the VALUES list.
 */
export function insertRows(k: Kysely<any>, name: VersionTableName, rows: readonly VersionRow[]): CompiledQuery[] {
  const shape = rowsTemplate(k, name)
  const out: CompiledQuery[] = []
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT)
    let text = shape.head
    for (let r = 0; r < chunk.length; r++) text += (r ? ', ' : '') + withParameters(shape.tuple, rowParameters(chunk[r]!)).sql
    out.push(CompiledQuery.raw(text, []))
  }
  return out
}

/** A row's parameters in the order of compileInsert's VALUES list. */
const rowParameters = (row: VersionRow): unknown[] => [
  row.revision,
  // Ids are [A-Za-z0-9_-]+ (checked when files are read): the array literal needs no escaping.
  `{${row.parents.join(',')}}`,
  row.message,
  row.checksum,
  Math.round(row.executionMs),
]

/**
 * The INSERT of N rows as Kysely writes it, cut into the text before the VALUES list and one
 * row's tuple: Kysely compiles a two-row INSERT once per table, and N rows repeat its tuple
 * (compiling the 1,000-row INSERT of a run cost ~50 ms). Checked against Kysely's own text once.
 */
interface RowsTemplate {
  head: string
  tuple: Template
}

const rowsTemplates = new WeakMap<Kysely<any>, Map<string, RowsTemplate>>()

function rowsTemplate(k: Kysely<any>, name: VersionTableName): RowsTemplate {
  let byTable = rowsTemplates.get(k)
  if (byTable === undefined) rowsTemplates.set(k, byTable = new Map())
  const key = `${name.schema}.${name.table}`
  let shape = byTable.get(key)
  if (shape === undefined) byTable.set(key, shape = compileRowsTemplate(k, name))
  return shape
}

const SAMPLE_ROWS: VersionRow[] = [
  { revision: 'a', parents: [], message: 'm', checksum: 'c', executionMs: 1 },
  { revision: 'b', parents: ['a'], message: 'n', checksum: 'd', executionMs: 2 },
]

function compileRowsTemplate(k: Kysely<any>, name: VersionTableName): RowsTemplate {
  const values = SAMPLE_ROWS.map((row) => {
    const [revision, parents, message, checksum, ms] = rowParameters(row)
    return { revision, down_revision: sql`${parents}::text[]`, message, checksum, execution_ms: ms }
  })
  const query = table(k, name).insertInto(name.table).values(values).compile()
  const wrong = () => new Error('sqlmig: the version row INSERT is not a VALUES list of one tuple per row')
  // Kysely writes `... values ($1, ...), ($6, ...)`: the second tuple is the first's, renumbered.
  const at = query.sql.lastIndexOf(' values (')
  if (at < 0) throw wrong()
  const head = query.sql.slice(0, at + ' values '.length)
  const tuples = query.sql.slice(head.length)
  const cut = tuples.indexOf('), (')
  if (cut < 0) throw wrong()
  const first = tuples.slice(0, cut + 1)
  const tuple = templateOf(CompiledQuery.raw(first, query.parameters.slice(0, 5)))
  const shape = { head, tuple }
  // The cut must give back Kysely's text for both rows, values and all.
  const expected = withParameters(templateOf(query), query.parameters).sql
  const rebuilt = head + SAMPLE_ROWS.map((r) => withParameters(tuple, rowParameters(r)).sql).join(', ')
  if (rebuilt !== expected) throw wrong()
  return shape
}

/** Milliseconds since execute-file.ts's STEP_STARTED ran, read by the server when the row is written. */
const SERVER_MS = sql<number>`((pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) - pg_catalog.current_setting('sqlmig.step_started')::float8) * 1000)::int`

/**
 * The INSERT that records `row` with its execution time measured by the server (since
 * STEP_STARTED in the same transaction): for a row sent in the same message as the file's
 * statements, before anyone knows how long they take.
 */
export function insertServerTimedRow(k: Kysely<any>, name: VersionTableName, row: Omit<VersionRow, 'executionMs'>): CompiledQuery {
  const template = reused(k, `insertServerTimedRow ${name.schema}.${name.table}`, () => {
    const [revision, parents, message, checksum] = rowParameters({ ...row, executionMs: 0 })
    const query = table(k, name).insertInto(name.table).values({ revision, down_revision: sql`${parents}::text[]`, message, checksum, execution_ms: SERVER_MS }).compile()
    if (query.parameters.length !== 4 || query.parameters.some((p, i) => p !== [revision, parents, message, checksum][i])) {
      throw new Error('sqlmig: the version row INSERT does not list its parameters in row order')
    }
    return query
  })
  return withParameters(template, rowParameters({ ...row, executionMs: 0 }).slice(0, 4))
}

/**
 * A compiled query split at its placeholders, to be sent again with other values inlined as
 * literals. The driver sends a query with parameters in two round trips (postgres.js with
 * `prepare: false` asks the server for the parameter types first, and holds back the queries
 * behind it until then); the same query with its values inlined goes out in one message, in the
 * same round trip as the statements around it. Values are sqlmig's own (revisions, messages,
 * checksums, integers), written as E'' literals: exact whatever standard_conforming_strings says.
 */
interface Template {
  /** SQL text around the placeholders: parts[i] comes before parameter order[i]. */
  parts: string[]
  order: number[]
}

/** Placeholders ($1...) outside quoted identifiers (Kysely writes no string literals of its own). */
const PLACEHOLDER = /"(?:[^"]|"")*"|\$(\d+)/g

function templateOf(query: CompiledQuery): Template {
  const parts: string[] = []
  const order: number[] = []
  let last = 0
  for (const m of query.sql.matchAll(PLACEHOLDER)) {
    if (m[1] === undefined) continue
    parts.push(query.sql.slice(last, m.index))
    order.push(Number(m[1]) - 1)
    last = m.index! + m[0].length
  }
  parts.push(query.sql.slice(last))
  if (order.length !== query.parameters.length) throw new Error('sqlmig: a version-table query has placeholders the template does not see')
  return { parts, order }
}

/** A literal for a value of sqlmig's own: a string (E'' escaped) or an integer. */
export function sqlLiteral(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  if (typeof value === 'string') return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
  throw new Error(`sqlmig: no literal for a ${typeof value} in a version-table query`)
}

/** Templates kept per Kysely instance (one per run's session), keyed by shape. */
const templates = new WeakMap<Kysely<any>, Map<string, Template>>()

function reused(k: Kysely<any>, key: string, compile: () => CompiledQuery): Template {
  let byKey = templates.get(k)
  if (byKey === undefined) templates.set(k, byKey = new Map())
  let template = byKey.get(key)
  if (template === undefined) byKey.set(key, template = templateOf(compile()))
  return template
}

/** The template's SQL with `parameters` inlined: a query with no parameters. */
function withParameters(template: Template, parameters: readonly unknown[]): CompiledQuery {
  let text = template.parts[0]!
  for (let i = 0; i < template.order.length; i++) text += sqlLiteral(parameters[template.order[i]!]) + template.parts[i + 1]!
  return CompiledQuery.raw(text, [])
}

/** The DELETE that forgets `revisions` (none when the list is empty). */
export function deleteRows(k: Kysely<any>, name: VersionTableName, revisions: readonly string[]): CompiledQuery[] {
  if (revisions.length === 0) return []
  // Ids are [A-Za-z0-9_-]+ (checked when files are read): the array literal needs no escaping.
  const list = `{${revisions.join(',')}}`
  const template = reused(k, `deleteRows ${name.schema}.${name.table}`, () =>
    table(k, name).deleteFrom(name.table).where('revision', '=', sql<string>`any(${list}::text[])`).compile())
  return [withParameters(template, [list])]
}
