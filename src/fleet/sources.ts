/**
 * Where a fleet's targets come from: a list (library, sqlmig.json "targets"), a targets file,
 * a query run on a catalog database (--targets-query), the databases of a server whose names
 * match a LIKE pattern (--all-databases --match), or the schemas of one database matching a
 * pattern (--schemas: one target per tenant schema). Each source is checked whole first (a bad
 * line fails before anything runs, and the count feeds "left"), then streamed.
 */
import { type Database, serverErrorFields } from '../db/database.ts'
import { openDatabase } from '../db/open.ts'
import { isPostgresUrl, parsePgUrl, withDatabaseName } from '../db/pg-url.ts'
import { UsageError, SqlmigError } from '../errors.ts'
import { readTargetsFile } from '../files/target-file.ts'
import { redactUrl } from '../redact.ts'
import type { Schedulable } from './scheduler.ts'

/** One database (or one tenant schema in it) a fleet run migrates. */
export interface FleetTarget extends Schedulable {
  url: string
  /** --schemas mode: the tenant schema (its own version table, search_path set to it). */
  schema?: string | undefined
}

/** A target as a library caller gives it: a URL, or a URL and a schema. */
export type TargetSpec = string | { url: string; schema?: string | undefined }

/** How the targets are chosen (exactly one of the ways). */
export interface TargetSelection {
  /** URLs (or URL + schema) in order. */
  targets?: readonly TargetSpec[] | undefined
  /** A file with one URL a line (# comments). */
  targetsFile?: string | undefined
  /** A query run on `url` whose first column is the target URLs. */
  targetsQuery?: string | undefined
  /** Every database of the server `url` points at (not templates), filtered by `match`. */
  allDatabases?: boolean | undefined
  /** A LIKE pattern for --all-databases (default: every database but postgres). */
  match?: string | undefined
  /** A LIKE pattern: one target per matching schema of the database at `url`. */
  schemas?: string | undefined
  /** The catalog (--targets-query), server (--all-databases) or database (--schemas). */
  url?: string | undefined
}

/** The targets, streamed, and how many there are. */
export interface TargetStream {
  targets: AsyncIterable<FleetTarget>
  total: number
}

/** True when the options ask for a fleet run. */
export function isFleetSelection(s: TargetSelection): boolean {
  return s.targets !== undefined || s.targetsFile !== undefined || s.targetsQuery !== undefined || s.allDatabases === true || s.schemas !== undefined
}

/** host:port of a URL (what --max-per-server counts by); the URL itself for anything else. */
export function serverOf(url: string): string {
  if (!isPostgresUrl(url)) return url
  const u = parsePgUrl(url)
  return u.hosts.map((h, i) => `${h}:${u.ports[i] ?? 5432}`).join(',') || 'localhost:5432'
}

/** The target as reports show it: the URL without its password, `#schema` in --schemas mode. */
export function labelOf(url: string, schema?: string): string {
  return schema === undefined ? redactUrl(url) : `${redactUrl(url)}#${schema}`
}

function target(url: string, schema?: string): FleetTarget {
  return { url, schema, label: labelOf(url, schema), server: serverOf(url) }
}

async function* fromArray(list: FleetTarget[]): AsyncGenerator<FleetTarget> {
  for (const t of list) yield t
}

function checkUrl(url: string, where: string, location?: { file: string; line: number }): void {
  if (isPostgresUrl(url) || url.startsWith('pglite:')) return
  throw new UsageError(`Cannot use target "${redactUrl(url)}" ${where}: it is no database URL`, {
    location,
    hint: 'Give postgres://user@host:port/database URLs (or pglite:<dir>), one a line',
  })
}

/** Resolves the selection to a stream of targets (a query source is read once, here). */
export async function selectTargets(s: TargetSelection): Promise<TargetStream> {
  const ways = [s.targets !== undefined, s.targetsFile !== undefined, s.targetsQuery !== undefined, s.allDatabases === true, s.schemas !== undefined].filter(Boolean).length
  if (ways > 1) throw new UsageError('Choose one way to name the targets: --targets, --targets-query, --all-databases or --schemas', { hint: 'Give only one of them' })
  if (s.match !== undefined && s.allDatabases !== true) throw new UsageError('--match works with --all-databases', { hint: 'Add --all-databases, or use --schemas <pattern> for tenant schemas' })
  if (s.targets !== undefined) {
    const list = s.targets.map((t) => (typeof t === 'string' ? target(t) : target(t.url, t.schema)))
    for (const t of list) checkUrl(t.url, 'in the targets')
    return { targets: fromArray(list), total: list.length }
  }
  if (s.targetsFile !== undefined) {
    const file = s.targetsFile
    let total = 0
    for await (const t of readTargetsFile(file)) {
      checkUrl(t.url, `on line ${t.line} of ${file}`, { file, line: t.line })
      total++
    }
    return { targets: fileTargets(file), total }
  }
  const url = s.url
  if (url === undefined || !isPostgresUrl(url)) {
    const flag = s.targetsQuery !== undefined ? '--targets-query' : s.allDatabases ? '--all-databases' : '--schemas'
    throw new UsageError(`${flag} needs --url: the ${s.targetsQuery !== undefined ? 'catalog database the query runs on' : s.allDatabases ? 'server whose databases to list' : 'database that holds the tenant schemas'}`, {
      hint: `Add --url postgres://user@host/${s.allDatabases ? 'postgres' : 'database'}`,
    })
  }
  if (s.targetsQuery !== undefined) {
    const urls = await onCatalog(url, async (db) => {
      const rows = await db.query<Record<string, unknown>>(s.targetsQuery!)
      return rows.map((r, i) => {
        const v = Object.values(r)[0]
        if (typeof v !== 'string') throw new UsageError(`Cannot use row ${i + 1} of --targets-query: its first column is no text`, { hint: 'Select the URLs as the first column, e.g. "select url from tenants order by id"' })
        return v
      })
    })
    for (const u of urls) checkUrl(u, 'from --targets-query')
    return { targets: fromArray(urls.map((u) => target(u))), total: urls.length }
  }
  if (s.allDatabases) {
    const names = await onCatalog(url, async (db) =>
      (await db.query<{ datname: string }>(
        `select datname from pg_catalog.pg_database where datallowconn and not datistemplate and datname like $1 and ($2 or datname <> 'postgres') order by datname`,
        [s.match ?? '%', s.match !== undefined],
      )).map((r) => r.datname))
    return { targets: fromArray(names.map((n) => target(withDatabaseName(url, n)))), total: names.length }
  }
  const schemas = await onCatalog(url, async (db) =>
    (await db.query<{ nspname: string }>(`select nspname from pg_catalog.pg_namespace where nspname like $1 order by nspname`, [s.schemas])).map((r) => r.nspname))
  return { targets: fromArray(schemas.map((n) => target(url, n))), total: schemas.length }
}

async function* fileTargets(file: string): AsyncGenerator<FleetTarget> {
  for await (const t of readTargetsFile(file)) yield target(t.url)
}

async function onCatalog<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(url, { arrays: false, applicationName: 'sqlmig fleet' })
  try {
    return await fn(db)
  } catch (error) {
    const f = serverErrorFields(error)
    if (!f || error instanceof SqlmigError) throw error
    throw new UsageError(`Cannot list the targets on ${redactUrl(url)}: ${f.message} (${f.sqlState})`, { hint: 'Fix the query or the pattern, and run the command again', cause: error })
  } finally {
    await db.close()
  }
}
