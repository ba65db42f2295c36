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
 *
 * The lock attempt and the probe are assertions (they fail, aborting the new transaction, when
 * the lock is not ours or the next step was done by someone else meanwhile): a message sent
 * behind this one before its reply is read (run-plan.ts's read-ahead) then runs nothing.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.ts'
import { beginLocked, lockAssertionSql, type LockOptions } from './lock.ts'
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

/** The handover's statements: `closing` (version writes), then COMMIT and the next transaction's opening. */
export interface HandoverSql {
  texts: string[]
  /** Index of the COMMIT in `texts`: a failure at or before it means nothing was committed. */
  commitAt: number
}

/** The step the next transaction opens for. */
export interface NextStep {
  revision: string
  direction: 'up' | 'down'
}

/** What the probe assertion's error says (in a 22P02) when the next step was done meanwhile. */
export const NEXT_DONE = 'sqlmig: the next step was done by another run'

/** Fails (22P02 quoting NEXT_DONE) unless `next` is still to do: not recorded for an up, recorded for a down. */
function stillToDoSql(h: Handover, next: NextStep): string {
  const recorded = recordedQuery(h.k, h.name, next.revision).sql
  return `select (case when ${next.direction === 'up' ? '' : 'not '}exists (${recorded}) then '${NEXT_DONE}' end)::int4 as next_done`
}

export function handoverSql(h: Handover, closing: string[], next: NextStep): HandoverSql {
  const opening = ['begin', ...(h.mark === undefined ? [] : [h.mark]), lockAssertionSql(h.name), stillToDoSql(h, next)]
  return { texts: [...closing, 'commit', ...opening], commitAt: closing.length }
}

/** What the server answered to a message that ended with the handover's statements. */
export type HandoverReply = { rows: unknown[][] } | { failed: { index: number; error: unknown } }

/**
 * Reads the reply to a message ending in `sql` (`offset`: the statements before it), calling
 * `committed` once the COMMIT is known to have run; returns whether `next` is recorded (read
 * with the lock held), ending and reopening the new transaction the usual way if it did not
 * open cleanly (after `drain`: the message sent behind this one, whose reply comes first).
 * Failures before `offset` are the caller's to read first.
 * @throws the server's error when a write or the COMMIT failed (nothing was committed)
 */
export async function finishHandover(
  h: Handover, sql: HandoverSql, offset: number, reply: HandoverReply, next: NextStep, committed: () => void, drain?: () => Promise<void>,
): Promise<boolean | undefined> {
  if ('failed' in reply && reply.failed.index - offset <= sql.commitAt) throw reply.failed.error
  committed()
  // Every statement ran: the lock is ours and `next` is still to do (recorded for a down).
  if ('rows' in reply) return next.direction === 'down'
  await drain?.()
  await h.db.exec('rollback')
  return await beginLocked(h.db, h.name, h.lock, () => isRecorded(h.k, h.name, next.revision), h.mark)
}

/**
 * Commits the open transaction with `writes` recorded, then opens the next one holding the lock
 * (one message). `committed` is called once the COMMIT is known to have succeeded. Returns
 * whether `next` is recorded as applied (read after the lock was taken), as beginLocked's probe.
 * @throws the server's error when a write or the COMMIT failed (nothing was committed)
 */
export async function commitAndBegin(h: Handover, writes: VersionWrite[], next: NextStep, committed: () => void): Promise<boolean | undefined> {
  const sql = handoverSql(h, versionWriteSql(h.k, h.name, writes), next)
  return await finishHandover(h, sql, 0, await h.db.execSequence!(sql.texts), next, committed)
}
