/**
 * `sqlmig adopt`: a database another tool migrated, recorded in sqlmig's version table as the
 * same state, without running any migration SQL. The old tool's table says which versions are
 * applied (adopt-sources.ts); each maps to the revision `sqlmig import` wrote for it (the id
 * derived from tool and version, Alembic's own ids as they are); the rows are written in one
 * transaction under sqlmig's lock. The old table stays unless `dropOld`.
 */
import { relative } from 'node:path'
import { SqlmigError, UsageError } from '../errors.ts'
import { graphileMigrateRevision } from '../import/graphile-migrate.ts'
import { IMPORT_TOOLS, type ImportTool, importedRevision } from '../import/source-history.ts'
import type { VersionRow } from '../runner/version-table.ts'
import { readApplied } from '../runner/version-table.ts'
import { ADOPT_TOOLS, type AdoptTool, type AppliedSource, readAppliedSource } from './adopt-sources.ts'
import { hinting } from './hints.ts'
import { type CommonOptions, lockTimeoutMs, type Project, withProjectDatabase } from './project.ts'

export interface AdoptOptions extends CommonOptions {
  /** The tool whose table to read, when the database has several tools' tables. */
  from?: string | undefined
  /** Write the rows inside a transaction and roll back. */
  dryRun?: boolean | undefined
  /** Drop the old tool's version table (or registry schema) in the same transaction. */
  dropOld?: boolean | undefined
}

export interface AdoptedVersion {
  /** The version as the old tool records it. */
  version: string
  revision: string
  /** The up file of the revision. */
  file: string
}

export interface AdoptResult {
  tool: AdoptTool
  /** "schema.table" of the old tool's table. */
  table: string
  /** Each version the old tool says is applied, with its revision. */
  mapped: AdoptedVersion[]
  /** Every revision recorded in sqlmig's version table, parents first. */
  stamped: string[]
  /** True when the version table already recorded exactly this state (nothing written). */
  already_adopted: boolean
  dropped_old: boolean
  dry_run: boolean
  database: string
}

/** The revision `sqlmig import` writes for a version of `tool` (graphile-migrate: from its file name). */
export function adoptedRevision(tool: AdoptTool, version: string): string {
  if (tool === 'alembic') return version
  if (tool === 'graphile-migrate') return graphileMigrateRevision(version)
  // The same derivation for every tool import reads (sqitch: the change name).
  return importedRevision(tool as ImportTool, version)
}

function toolOf(from: string | undefined): AdoptTool | undefined {
  if (from === undefined) return undefined
  if (!(ADOPT_TOOLS as readonly string[]).includes(from)) throw new UsageError(`Cannot adopt from "${from}": not a tool sqlmig adopts`, { hint: `Use --from ${ADOPT_TOOLS.join('|')}` })
  return from as AdoptTool
}

/** What the old table says, mapped onto the files: the revisions to record, parents first. Throws ADOPT_UNMAPPED or ADOPT_GAP. */
export function mapApplied(project: Project, source: AppliedSource): { mapped: AdoptedVersion[]; stamped: string[] } {
  const show = (p: string) => relative(project.config.cwd, p) || p
  const unmapped = source.versions.filter((v) => !project.graph.has(adoptedRevision(source.tool, v)))
  if (unmapped.length) {
    throw new SqlmigError('ADOPT_UNMAPPED', `Cannot adopt: ${unmapped.length} version${unmapped.length === 1 ? '' : 's'} applied by ${source.tool} (${source.table}) ${unmapped.length === 1 ? 'has' : 'have'} no imported migration in ${show(project.config.dir)}`, {
      detail: unmapped.map((v) => `${v} (revision ${adoptedRevision(source.tool, v)})`).join('\n'),
      data: { tool: source.tool, versions: unmapped, importable: (IMPORT_TOOLS as readonly string[]).includes(source.tool) },
    })
  }
  const mapped = source.versions.map((version) => {
    const revision = adoptedRevision(source.tool, version)
    return { version, revision, file: show(project.scripts.get(revision)!.up.path) }
  })
  const ids = new Set(mapped.map((m) => m.revision))
  // The mapped revisions and all their ancestors, in one walk (linear in the history's size).
  const closure = new Set<string>()
  const stack = mapped.map((m) => m.revision)
  while (stack.length) {
    const id = stack.pop()!
    if (closure.has(id)) continue
    closure.add(id)
    stack.push(...project.scripts.get(id)!.parents)
  }
  if (source.mode === 'set') {
    const missing = project.graph.sortTopologically([...closure].filter((id) => !ids.has(id)))
    if (missing.length) {
      const later = mapped.find((m) => project.graph.ancestors(m.revision).some((a) => missing.includes(a)))!
      throw new SqlmigError('ADOPT_GAP', `Cannot adopt: ${source.tool} applied version ${later.version} but not ${missing.length === 1 ? 'the earlier migration' : `${missing.length} earlier migrations`} it comes after`, {
        detail: missing.map((id) => `not applied: ${show(project.scripts.get(id)!.up.path)}`).join('\n'),
        data: { tool: source.tool, missing, later: later.version },
      })
    }
  }
  return { mapped, stamped: project.graph.sortTopologically(closure) }
}

/**
 * Records in sqlmig's version table the state another tool's table describes; runs no migration SQL.
 * @example
 * ```ts
 * import { adopt } from 'sqlmig'
 * const r = await adopt({ url: process.env.DATABASE_URL })
 * console.log(`${r.tool}: ${r.stamped.length} revisions recorded`)
 * ```
 */
export async function adopt(options: AdoptOptions = {}): Promise<AdoptResult> {
  const from = toolOf(options.from)
  return await hinting({ command: 'adopt' }, () =>
    withProjectDatabase(options, async (project, db) => {
      const source = await readAppliedSource(db, from)
      const { mapped, stamped } = mapApplied(project, source)
      const rows: VersionRow[] = stamped.map((id) => {
        const s = project.scripts.get(id)!
        return { revision: id, parents: s.parents, message: s.message, checksum: s.checksum, executionMs: 0 }
      })
      const result = { tool: source.tool, table: source.table, mapped, stamped, already_adopted: false, dropped_old: false, dry_run: options.dryRun === true, database: db.description }
      // Already adopted: the rows record at least the old tool's state (sqlmig may have upgraded since; the old table is stale then).
      const covers = (had: string[]) => had.length > 0 && stamped.every((id) => had.includes(id))
      const refuse = (had: string[]) => {
        if (had.length === 0 || covers(had)) return
        throw new SqlmigError('ALREADY_VERSIONED', `Cannot adopt: sqlmig's version table ${tableName(project.versionTable)} already records ${had.length} revision${had.length === 1 ? '' : 's'} other than the ${stamped.length} ${source.tool} says are applied`, {
          data: { table: tableName(project.versionTable), revisions: had },
        })
      }
      const had = (await readApplied(db, project.versionTable)).map((r) => r.revision)
      refuse(had)
      const already = had.length > 0
      if (already && !options.dropOld) return { ...result, already_adopted: true }
      // The version-table writer runs on Kysely: loaded only here.
      const { replaceVersionRows } = await import('../runner/replace-versions.ts')
      await replaceVersionRows({
        db,
        versionTable: project.versionTable,
        // Checked again under the lock: another run may have written rows meanwhile.
        rows: (before) => {
          refuse(before.map((r) => r.revision))
          return covers(before.map((r) => r.revision)) ? undefined : rows
        },
        alsoRun: options.dropOld ? source.dropSql : [],
        dryRun: options.dryRun === true,
        lockTimeoutMs: lockTimeoutMs(options),
        onEvent: options.onEvent,
        signal: options.signal,
      })
      return { ...result, already_adopted: already, dropped_old: options.dropOld === true && !options.dryRun }
    }, { arrays: true }))
}

const tableName = (t: { schema: string; table: string }): string => `${t.schema}.${t.table}`
