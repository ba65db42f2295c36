/**
 * Writes of the version table alone, in one transaction under the migration lock (no migration
 * SQL runs): `stamp --purge` empties it and records a new set of rows (the rows already there
 * need not have files: it is how a table that records revisions no file defines is repaired);
 * `repair` (update-checksums.ts) shares the transaction.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.ts'
import { simpleQuery, throughKysely } from '../db/session-dialect.ts'
import type { RunListener } from './events.ts'
import { beginLocked } from './lock.ts'
import type { AppliedRecord, VersionRow, VersionTableName } from './version-table.ts'
import { ensureVersionTable, insertRows, readRecorded } from './version-rows.ts'

/** A write of the version table alone, in one transaction under the migration lock. */
export interface VersionWriteRequest {
  db: Database
  versionTable: VersionTableName
  /** Roll back instead of committing. */
  dryRun?: boolean | undefined
  lockTimeoutMs: number | undefined
  onEvent?: RunListener | undefined
  signal?: AbortSignal | undefined
}

/** Takes the lock in a transaction, runs `write`, commits (or rolls back: dry run, error). */
export async function lockedVersionWrite<T>(req: VersionWriteRequest, write: (k: Kysely<any>, name: VersionTableName) => Promise<T>): Promise<T> {
  const { kysely: k, db } = throughKysely(req.db)
  await beginLocked(db, req.versionTable, { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent, signal: req.signal })
  try {
    const result = await write(k, req.versionTable)
    await k.executeQuery(simpleQuery(req.dryRun ? 'rollback' : 'commit'))
    return result
  } catch (error) {
    await db.exec('rollback').catch(() => {})
    throw error
  }
}

export interface ReplaceVersionsRequest extends VersionWriteRequest {
  /** The rows to record, in the order they are applied (parents first); undefined leaves the rows there as they are (only `alsoRun` runs). */
  rows: (applied: AppliedRecord[]) => VersionRow[] | undefined
  /** SQL run in the same transaction after the rows are written (adopt --drop-old: the old tool's table). */
  alsoRun?: readonly string[] | undefined
}

/** Deletes every row of the version table and inserts `rows`; returns the rows it found. */
export async function replaceVersionRows(req: ReplaceVersionsRequest): Promise<{ before: AppliedRecord[]; rows: VersionRow[] }> {
  return await lockedVersionWrite(req, async (k, name) => {
    await ensureVersionTable(k, name)
    const before = await readRecorded(k, name)
    const rows = req.rows(before)
    if (rows) {
      await k.withSchema(name.schema).deleteFrom(name.table).execute()
      for (const q of insertRows(k, name, rows)) await k.executeQuery(q)
    }
    for (const sql of req.alsoRun ?? []) await k.executeQuery(simpleQuery(sql))
    return { before, rows: rows ?? [] }
  })
}
