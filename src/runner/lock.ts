/**
 * The migration lock: a PostgreSQL advisory lock, keyed by the version table's name.
 *
 * Waiters POLL with pg_try_advisory_xact_lock and back off; they never sit in a blocking
 * pg_advisory_lock call, so they hold no snapshot that a `CREATE INDEX CONCURRENTLY` in the
 * running migration would wait for (the deadlock Flyway and others hit). The lock is taken at
 * TRANSACTION level inside the migration transaction, so it is released by COMMIT/ROLLBACK or
 * when the holder dies, and it works through a transaction-mode pooler such as PgBouncer
 * (a session-level lock would stay on whichever server connection the pooler picked).
 * https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
import type { Database } from '../db/database.ts'
import { LockTimeoutError } from '../errors.ts'
import { sleep } from '../sleep.ts'
import type { RunListener } from './events.ts'
import type { VersionTableName } from './version-table.ts'

/** First half of the two-int advisory key: "sqlm". */
const LOCK_CLASS = 0x73716c6d

/** Second half: FNV-1a of "schema.table", as a signed int4. */
export function lockKey(name: VersionTableName): [number, number] {
  let h = 0x811c9dc5
  for (const ch of `${name.schema}.${name.table}`) {
    h ^= ch.codePointAt(0)!
    h = Math.imul(h, 0x01000193)
  }
  return [LOCK_CLASS, h | 0]
}

/**
 * The key as SQL literals: a statement without parameters goes out in one message (with
 * parameters the driver first asks the server for their types, a round trip more per attempt).
 * Both halves are integers sqlmig computed, never input.
 */
function keySql(key: [number, number]): string {
  return `${key[0] | 0}::int4, ${key[1] | 0}::int4`
}

/** One attempt at the run's transaction-level lock: a row `{ ok }`, true when it is ours. */
export function lockAttemptSql(name: VersionTableName): string {
  return `select pg_catalog.pg_try_advisory_xact_lock(${keySql(lockKey(name))}) as ok`
}

/** What the lock assertion's error says (in a 22P02, "invalid input syntax for type integer"). */
export const LOCK_TAKEN = 'sqlmig: the migration lock is taken'

/**
 * One attempt at the lock that FAILS when the lock is not ours (22P02, its message quoting
 * LOCK_TAKEN), aborting the transaction it runs in: for a message sent before the reply to the
 * attempt is read (run-plan.ts's read-ahead), which must then run nothing. The cast is applied
 * at run time to the CASE's value (a volatile condition), never folded at plan time.
 */
export function lockAssertionSql(name: VersionTableName): string {
  return `select (case when pg_catalog.pg_try_advisory_xact_lock(${keySql(lockKey(name))}) then null else '${LOCK_TAKEN}' end)::int4 as lock_taken`
}

export interface LockOptions {
  /** Give up after this many milliseconds; undefined waits forever. */
  timeoutMs: number | undefined
  onEvent?: RunListener | undefined
  /** Stops waiting (rejects with the abort reason) once aborted. */
  signal?: AbortSignal | undefined
  /**
   * `--lock table`: the run holds a lease row (lock-table.ts) for its whole length instead of
   * advisory locks; beginLocked and lockSession then only check that it is still ours.
   */
  lease?: { lost(): boolean } | undefined
}

/** The lease row was taken over (our renewals stopped reaching the server for longer than the lease). */
function assertLease(options: LockOptions): boolean {
  if (!options.lease) return false
  if (options.lease.lost()) throw new LockTimeoutError('Cannot go on: the migration lock row was taken over by another run (this run\'s lease expired)')
  return true
}

async function holder(db: Database, key: [number, number]): Promise<{ pid: number | undefined; app: string | undefined }> {
  try {
    const rows = await db.query<{ pid: number; application_name: string | null }>(
      `select l.pid, a.application_name from pg_catalog.pg_locks l
         left join pg_catalog.pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid::bigint = ($1::bigint & 4294967295) and l.objid::bigint = ($2::bigint & 4294967295)
          and l.objsubid = 2 and l.granted
          and l.database = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())
        limit 1`,
      [key[0], key[1]],
    )
    return { pid: rows[0]?.pid === undefined ? undefined : Number(rows[0].pid), app: rows[0]?.application_name ?? undefined }
  } catch {
    return { pid: undefined, app: undefined }
  }
}

/**
 * Opens a transaction that holds the migration lock (polling with backoff until it is free).
 * `probe`, when given, is a read sent right behind the lock attempt in the same round trip; the
 * server runs it after the lock is taken, so it sees everything the previous holder committed.
 * Its result is returned from the attempt that got the lock (earlier ones are discarded).
 * `first`, when given, is a statement run in the new transaction before the lock attempt, in
 * the same round trip.
 */
export async function beginLocked<T = undefined>(db: Database, name: VersionTableName, options: LockOptions, probe?: () => Promise<T>, first?: string): Promise<T | undefined> {
  const key = lockKey(name)
  const started = Date.now()
  let delay = 25
  let reported = false
  let lookups = 0
  let lastHolder: { pid: number | undefined; app: string | undefined } | undefined
  if (assertLease(options)) {
    const [, , probed] = await Promise.all([db.exec('begin'), first === undefined ? undefined : db.exec(first), probe?.()])
    return probed
  }
  for (;;) {
    // BEGIN and the try go out together (one round trip): the try runs inside the new transaction,
    // after `first` (a SET LOCAL of the caller's: undone by the rollback if the lock is not ours).
    const [, , rows, probed] = await Promise.all([
      db.exec('begin'),
      first === undefined ? undefined : db.exec(first),
      db.query<{ ok: boolean }>(lockAttemptSql(name)),
      probe?.(),
    ])
    if (rows[0]?.ok === true) {
      if (reported) options.onEvent?.({ type: 'lock-acquired', waitedMs: Date.now() - started })
      return probed
    }
    // Not ours: end the transaction at once so that we hold no snapshot while we wait.
    await db.exec('rollback')
    // Say once who holds the lock; the holder may change between our try and this look (or the
    // look may fail on a busy server), so look again on the next polls before settling for less.
    const who = reported ? undefined : await holder(db, key)
    lookups += 1
    if (who?.pid !== undefined) lastHolder = who
    if (who && (who.pid !== undefined || lookups >= 10)) {
      reported = true
      options.onEvent?.({ type: 'lock-wait', holderPid: who.pid, holderApplication: who.app })
    }
    const waited = Date.now() - started
    if (options.timeoutMs !== undefined && waited >= options.timeoutMs) {
      // Look again (the holder may have changed); if that look fails, name the one seen waiting.
      const seen = await holder(db, key)
      const now = seen.pid !== undefined ? seen : lastHolder ?? seen
      throw new LockTimeoutError(
        `Cannot take the migration lock: waited ${Math.round(options.timeoutMs / 1000 * 10) / 10}s, and another migration still holds it` +
          (now.pid !== undefined ? ` (pid ${now.pid}${now.app ? `, application_name "${now.app}"` : ''})` : ''),
      )
    }
    const jitter = Math.random() * delay * 0.3
    await sleep(Math.min(delay + jitter, options.timeoutMs === undefined ? Infinity : Math.max(1, options.timeoutMs - waited)), options.signal)
    delay = Math.min(delay * 2, 1000)
  }
}

/** Takes the session-level lock (for `transaction: false` migrations, which run outside a transaction). */
export async function lockSession(db: Database, name: VersionTableName, options: LockOptions): Promise<() => Promise<void>> {
  if (assertLease(options)) return async () => {}
  const key = lockKey(name)
  const started = Date.now()
  let delay = 25
  let reported = false
  for (;;) {
    const rows = await db.query<{ ok: boolean }>(`select pg_catalog.pg_try_advisory_lock(${keySql(key)}) as ok`)
    if (rows[0]?.ok === true) {
      return async () => {
        await db.query(`select pg_catalog.pg_advisory_unlock(${keySql(key)})`)
      }
    }
    if (!reported) {
      const who = await holder(db, key)
      reported = true
      options.onEvent?.({ type: 'lock-wait', holderPid: who.pid, holderApplication: who.app })
    }
    if (options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs) {
      throw new LockTimeoutError(`Cannot take the migration lock: waited ${Math.round(options.timeoutMs / 1000 * 10) / 10}s, and another migration still holds it`)
    }
    await sleep(delay, options.signal)
    delay = Math.min(delay * 2, 1000)
  }
}
