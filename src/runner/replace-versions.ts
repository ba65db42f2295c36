/**
 * `stamp --purge`: empty the version table and record a new set of rows, in one transaction under
 * the migration lock. No migration SQL runs, and the rows already there need not have files (it is
 * how a table that records revisions no file defines is repaired).
 */
import type { Database } from '../db/database.ts'
import { simpleQuery, throughKysely } from '../db/session-dialect.ts'
import type { RunListener } from './events.ts'
import { beginLocked } from './lock.ts'
import type { AppliedRecord, VersionRow, VersionTableName } from './version-table.ts'
import { ensureVersionTable, insertRows, readRecorded } from './version-rows.ts'

export interface ReplaceVersionsRequest {
  db: Database
  versionTable: VersionTableName
  /** The rows to record, in the order they are applied (parents first); undefined leaves the rows there as they are (only `alsoRun` runs). */
  rows: (applied: AppliedRecord[]) => VersionRow[] | undefined
  /** Roll back instead of committing. */
  dryRun?: boolean | undefined
  /** SQL run in the same transaction after the rows are written (adopt --drop-old: the old tool's table). */
  alsoRun?: readonly string[] | undefined
  lockTimeoutMs: number | undefined
  onEvent?: RunListener | undefined
  signal?: AbortSignal | undefined
}

/** Deletes every row of the version table and inserts `rows`; returns the rows it found. */
export async function replaceVersionRows(req: ReplaceVersionsRequest): Promise<{ before: AppliedRecord[]; rows: VersionRow[] }> {
  const { kysely: k, db } = throughKysely(req.db)
  const name = req.versionTable
  await beginLocked(db, name, { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent, signal: req.signal })
  try {
    await ensureVersionTable(k, name)
    const before = await readRecorded(k, name)
    const rows = req.rows(before)
    if (rows) {
      await k.withSchema(name.schema).deleteFrom(name.table).execute()
      for (const q of insertRows(k, name, rows)) await k.executeQuery(q)
    }
    for (const sql of req.alsoRun ?? []) await k.executeQuery(simpleQuery(sql))
    await k.executeQuery(simpleQuery(req.dryRun ? 'rollback' : 'commit'))
    return { before, rows: rows ?? [] }
  } catch (error) {
    await db.exec('rollback').catch(() => {})
    throw error
  }
}
