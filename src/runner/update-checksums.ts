/**
 * `sqlmig repair`: record the checksum of an applied file as it is now, as Flyway's repair does,
 * for an edit made on purpose (a comment, formatting) that should no longer block runs. One
 * transaction under the migration lock; no migration SQL runs.
 */
import type { Database } from '../db/database.ts'
import { simpleQuery, throughKysely } from '../db/session-dialect.ts'
import type { RunListener } from './events.ts'
import { beginLocked } from './lock.ts'
import type { AppliedRecord, VersionTableName } from './version-table.ts'
import { readRecorded, versionTableFound } from './version-rows.ts'

export interface ChecksumUpdate {
  revision: string
  checksum: string
}

export interface UpdateChecksumsRequest {
  db: Database
  versionTable: VersionTableName
  /** The new checksums, chosen from the rows read under the lock. */
  updates: (applied: AppliedRecord[]) => ChecksumUpdate[]
  /** Roll back instead of committing. */
  dryRun?: boolean | undefined
  lockTimeoutMs: number | undefined
  onEvent?: RunListener | undefined
  signal?: AbortSignal | undefined
}

/** Writes each update's checksum into its row; returns the rows read before and the updates made. */
export async function updateChecksums(req: UpdateChecksumsRequest): Promise<{ before: AppliedRecord[]; updated: ChecksumUpdate[] }> {
  const { kysely: k, db } = throughKysely(req.db)
  const name = req.versionTable
  await beginLocked(db, name, { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent, signal: req.signal })
  try {
    // No version table: nothing is applied, so nothing to repair (and nothing is created).
    const before = (await versionTableFound(k, name)) ? await readRecorded(k, name) : []
    const updated = req.updates(before)
    for (const u of updated) {
      await k.withSchema(name.schema).updateTable(name.table).set({ checksum: u.checksum }).where('revision', '=', u.revision).execute()
    }
    await k.executeQuery(simpleQuery(req.dryRun ? 'rollback' : 'commit'))
    return { before, updated }
  } catch (error) {
    await db.exec('rollback').catch(() => {})
    throw error
  }
}
