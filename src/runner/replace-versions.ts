/**
 * `stamp --purge`: empty the version table and record a new set of rows, in one transaction under
 * the migration lock. No migration SQL runs, and the rows already there need not have files (it is
 * how a table that records revisions no file defines is repaired).
 */
import type { Database } from '../db/database.ts'
import type { RunListener } from './events.ts'
import { beginLocked } from './lock.ts'
import { type AppliedRecord, ensureVersionTable, insertVersionStatements, qualifiedName, readApplied, type VersionRow, type VersionTableName } from './version-table.ts'

export interface ReplaceVersionsRequest {
  db: Database
  versionTable: VersionTableName
  /** The rows to record, in the order they are applied (parents first). */
  rows: (applied: AppliedRecord[]) => VersionRow[]
  /** Roll back instead of committing. */
  dryRun?: boolean | undefined
  lockTimeoutMs: number | undefined
  onEvent?: RunListener | undefined
  signal?: AbortSignal | undefined
}

/** Deletes every row of the version table and inserts `rows`; returns the rows it found. */
export async function replaceVersionRows(req: ReplaceVersionsRequest): Promise<{ before: AppliedRecord[]; rows: VersionRow[] }> {
  const { db, versionTable: name } = req
  await beginLocked(db, name, { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent, signal: req.signal })
  try {
    await ensureVersionTable(db, name)
    const before = await readApplied(db, name)
    const rows = req.rows(before)
    await db.query(`delete from ${qualifiedName(name)}`, [])
    for (const q of insertVersionStatements(name, rows)) await db.query(q.text, q.params)
    await db.exec(req.dryRun ? 'rollback' : 'commit')
    return { before, rows }
  } catch (error) {
    await db.exec('rollback').catch(() => {})
    throw error
  }
}
