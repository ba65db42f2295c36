/**
 * Between two transactions of a run (`--transaction per-migration`): the version rows of the
 * one ending, its COMMIT, the BEGIN of the next, the next one's mark, the lock attempt and the
 * read of whether the next step is still to do, sent as ONE message (Database.execSequence):
 * one round trip and one reply where there were two round trips and six replies.
 *
 * The server stops a message at its first failing statement: a failed version-row write leaves
 * the COMMIT unrun (the caller rolls the transaction back, as after any failure), and a failed
 * COMMIT runs nothing of the next transaction. Once the COMMIT ran, anything that went wrong
 * after it (the lock was taken by another run in between, a failed read) ends that new
 * transaction and opens it again the usual way (beginLocked: waits for the lock, reports it).
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.ts'
import { beginLocked, lockAttemptSql, type LockOptions } from './lock.ts'
import type { VersionTableName } from './version-table.ts'
import { isRecorded, recordedQuery } from './version-rows.ts'
import { versionWriteSql, type VersionWrite } from './version-writes.ts'

export interface Handover {
  db: Database
  k: Kysely<any>
  name: VersionTableName
  lock: LockOptions
  /** The statement that marks a run's transaction (undefined: none, as for stamp). */
  mark: string | undefined
}

/** Whether `db` can hand over in one message (a server session sqlmig reads the replies of; not under `--lock table`). */
export function canHandOver(db: Database, lock: LockOptions): boolean {
  return db.execSequence !== undefined && lock.lease === undefined
}

/**
 * Commits the open transaction with `writes` recorded, then opens the next one holding the lock.
 * `committed` is called once the COMMIT is known to have succeeded. Returns whether `next` is
 * recorded as applied (read after the lock was taken), as beginLocked's probe.
 * @throws the server's error when a write or the COMMIT failed (nothing was committed)
 */
export async function commitAndBegin(h: Handover, writes: VersionWrite[], next: string, committed: () => void): Promise<boolean | undefined> {
  const closing = versionWriteSql(h.k, h.name, writes)
  const opening = ['begin', ...(h.mark === undefined ? [] : [h.mark]), lockAttemptSql(h.name), recordedQuery(h.k, h.name, next).sql]
  const result = await h.db.execSequence!([...closing, 'commit', ...opening])
  if ('failed' in result && result.failed.index <= closing.length) throw result.failed.error
  committed()
  if ('rows' in result) {
    const [lock, probe] = result.rows.slice(-2) as [{ ok?: unknown }[] | undefined, unknown[] | undefined]
    if (lock?.[0]?.ok === true && probe !== undefined) return probe.length > 0
  }
  await h.db.exec('rollback')
  return await beginLocked(h.db, h.name, h.lock, () => isRecorded(h.k, h.name, next), h.mark)
}
