/**
 * `--lock table`: the migration lock as a row with a lease, for servers without session advisory
 * locks (CockroachDB, YugabyteDB). A table `<version schema>.sqlmig_lock(name, owner, expires_at)`
 * holds one row per version table; a run takes it with one INSERT … ON CONFLICT DO UPDATE that
 * only overwrites an expired row (or its own), renews the lease every third of its length while
 * it runs, and deletes the row in `finally`. A run that dies stops renewing, and the next run
 * takes over once the lease has expired. All of it goes through a side session of its own, in
 * autocommit: the migration transaction never holds the lock row, so others see it at once.
 */
import { hostname } from 'node:os'
import process from 'node:process'
import { type Database, serverErrorFields } from '../db/database.ts'
import { LockTimeoutError } from '../errors.ts'
import { sleep } from '../sleep.ts'
import { quoteIdent } from '../sql/quote.ts'
import type { LockOptions } from './lock.ts'
import type { VersionTableName } from './version-table.ts'

export const LOCK_TABLE = 'sqlmig_lock'
/** Default lease: long enough for a busy server's round trips, short enough to take over a dead run soon. */
export const DEFAULT_LEASE_MS = 30_000

/** A held lease. */
export interface Lease {
  /** True once a renewal found the row taken by someone else (our lease had expired). */
  lost(): boolean
  release(): Promise<void>
}

export interface LeaseOptions extends LockOptions {
  leaseMs?: number | undefined
}

/** The lock table of a version table: in the same schema. */
function lockTable(name: VersionTableName): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(LOCK_TABLE)}`
}

async function ensureLockTable(db: Database, name: VersionTableName): Promise<void> {
  const ddl = `create table if not exists ${lockTable(name)} (name text primary key, owner text not null, expires_at timestamptz not null)`
  try {
    await db.exec(ddl)
  } catch (error) {
    // Two first runs at once: one CREATE wins, the other fails on the catalog's unique index (23505) or finds it (42P07).
    const code = serverErrorFields(error)?.sqlState
    if (code !== '23505' && code !== '42P07') throw error
  }
}

/** Takes the lease (polling with backoff until it is free or expired); renews it until released. */
export async function acquireLease(db: Database, name: VersionTableName, options: LeaseOptions): Promise<Lease> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  const key = `${name.schema}.${name.table}`
  const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`
  const seconds = leaseMs / 1000
  await ensureLockTable(db, name)
  const started = Date.now()
  let delay = 25
  let reported = false
  for (;;) {
    // Only an expired row (or our own) is overwritten: the WHERE of DO UPDATE leaves a live one alone, and RETURNING says which happened.
    const taken = await db.query<{ owner: string }>(
      `insert into ${lockTable(name)} as l (name, owner, expires_at) values ($1, $2, now() + $3::float8 * interval '1 second')
       on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at
       where l.expires_at < now() or l.owner = excluded.owner
       returning owner`,
      [key, owner, seconds],
    )
    if (taken.length > 0) {
      if (reported) options.onEvent?.({ type: 'lock-acquired', waitedMs: Date.now() - started })
      return renewing(db, name, key, owner, seconds, leaseMs)
    }
    const [held] = await db.query<{ owner: string; left_ms: number }>(
      `select owner, (extract(epoch from expires_at - now()) * 1000)::float8 as left_ms from ${lockTable(name)} where name = $1`,
      [key],
    )
    if (!reported) {
      reported = true
      options.onEvent?.({ type: 'lock-wait', holderPid: undefined, holderApplication: held ? `lock row owner ${held.owner}` : undefined })
    }
    const waited = Date.now() - started
    if (options.timeoutMs !== undefined && waited >= options.timeoutMs) {
      throw new LockTimeoutError(
        `Cannot take the migration lock: waited ${Math.round(options.timeoutMs / 100) / 10}s, and another migration still holds the lock row in ${name.schema}.${LOCK_TABLE}` +
          (held ? ` (owner "${held.owner}", lease ends in ${Math.max(0, Math.round(Number(held.left_ms) / 100) / 10)}s)` : ''),
      )
    }
    await sleep(Math.min(delay + Math.random() * delay * 0.3, options.timeoutMs === undefined ? Infinity : Math.max(1, options.timeoutMs - waited)), options.signal)
    delay = Math.min(delay * 2, 1000)
  }
}

function renewing(db: Database, name: VersionTableName, key: string, owner: string, seconds: number, leaseMs: number): Lease {
  let lost = false
  let renewal: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    renewal = db.query(`update ${lockTable(name)} set expires_at = now() + $3::float8 * interval '1 second' where name = $1 and owner = $2 returning 1`, [key, owner, seconds])
      .then((rows) => {
        if (rows.length === 0) lost = true
      }, () => {})
  }, Math.max(50, Math.floor(leaseMs / 3)))
  // The renewals must not keep a finished process alive.
  ;(timer as { unref?: () => void }).unref?.()
  return {
    lost: () => lost,
    async release() {
      clearInterval(timer)
      await renewal
      await db.query(`delete from ${lockTable(name)} where name = $1 and owner = $2`, [key, owner]).catch(() => {})
    },
  }
}
