/**
 * What one migration does to a database, measured on the rehearsal copy:
 *  - rewrites: an existing table whose relfilenode changed was written anew (ALTER TYPE, a
 *    volatile DEFAULT, VACUUM FULL, TRUNCATE…) https://www.postgresql.org/docs/current/storage-file-layout.html
 *  - locks: after each statement the session reads its own pg_locks rows; a lock first seen after
 *    statement N is counted from N's start (it is taken when the statement begins and kept to the
 *    end of the transaction). Outside a transaction a second session polls pg_locks while each
 *    statement runs. https://www.postgresql.org/docs/current/explicit-locking.html
 */
import type { Database } from '../db/database.ts'
import type { Script } from '../files/script.ts'
import { runFile } from '../runner/run-file.ts'
import type { KyselySession } from '../db/session-dialect.ts'
import type { VersionRow, VersionTableName } from '../runner/version-table.ts'

/** An existing table before a migration. */
export interface TableStat {
  name: string
  filenode: string
  rows: number
  bytes: number
  /** How `rows` was read: counted, or pg_class.reltuples after an ANALYZE of the copy. */
  rowsFrom: RowsFrom
}

/** `count`: count(*) of a small table; `analyze`: the estimate (pg_class.reltuples) right after ANALYZE on the copy. */
export type RowsFrom = 'count' | 'analyze'

export interface Rewrite {
  table: string
  /** Rows before the migration: exact for a small table, else ANALYZE's estimate (see rowsFrom). */
  rows: number
  rowsFrom: RowsFrom
  /** pg_relation_size before the migration. */
  bytes: number
}

export interface LockHeld {
  table: string
  /** The strongest mode taken, as PostgreSQL's LOCK statement spells it ("ACCESS EXCLUSIVE"). */
  mode: string
  /** From when it was taken to the end of the migration's transaction. */
  heldSeconds: number
}

/** What rehearse flags (and `--fail-on` gates on). */
export type Flag = 'rewrite' | 'access-exclusive'

export interface Measured {
  seconds: number
  rewritten: Rewrite[]
  locks: LockHeld[]
  /** "rewrite" when a table was rewritten; "access-exclusive" when a table with rows was locked ACCESS EXCLUSIVE. */
  flags: Flag[]
}

/** Lock modes from weakest to strongest (pg_locks spelling). */
const MODES = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']

/** "ShareUpdateExclusiveLock" → "SHARE UPDATE EXCLUSIVE". */
export const modeName = (mode: string) => mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()

const LOCKS_SQL = `select l.relation::int8::text as oid, l.mode from pg_catalog.pg_locks l
  where l.pid = $1 and l.locktype = 'relation' and l.granted and l.relation is not null`

/** Ordinary tables and materialized views outside the system schemas (not the version table). */
export async function readTableStats(db: Database, versionTable: VersionTableName): Promise<Map<string, TableStat>> {
  const rows = await db.query<{ oid: string; name: string; filenode: string; rows: number; bytes: string }>(
    `select c.oid::int8::text as oid, n.nspname || '.' || c.relname as name, c.relfilenode::int8::text as filenode,
            c.reltuples::float8 as rows, pg_catalog.pg_relation_size(c.oid)::int8::text as bytes
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
        and not (n.nspname = $1 and c.relname = $2)`,
    [versionTable.schema, versionTable.table],
  )
  return new Map(rows.map((r) => [r.oid, { name: r.name, filenode: r.filenode, rows: Number(r.rows), bytes: Number(r.bytes), rowsFrom: 'analyze' as RowsFrom }]))
}

/** Tables up to this size are counted (count(*) of 8 MB is a few milliseconds); larger ones are ANALYZEd. */
const COUNT_BYTES = 8 * 1024 * 1024
/** At most this many tables counted in one statement. */
const COUNT_BATCH = 100

const quoted = (name: string) => name.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.')

/**
 * Row counts that are not stale. reltuples is only as fresh as the source's last (auto)ANALYZE,
 * and a copy made by CREATE DATABASE … TEMPLATE or pg_restore carries the source's stale figure
 * or none. Small tables are counted; the others are ANALYZEd on the copy (all of them before
 * the first migration, later only those never analyzed) and their fresh estimate read back.
 * Mutates and returns `stats`.
 */
export async function freshRowCounts(db: Database, stats: Map<string, TableStat>, analyzeAll: boolean, versionTable: VersionTableName): Promise<Map<string, TableStat>> {
  const small = [...stats].filter(([, t]) => t.bytes <= COUNT_BYTES)
  const large = [...stats].filter(([, t]) => t.bytes > COUNT_BYTES && (analyzeAll || t.rows < 0))
  for (let i = 0; i < small.length; i += COUNT_BATCH) {
    const batch = small.slice(i, i + COUNT_BATCH)
    const counted = await db.query<{ oid: string; n: string }>(batch.map(([oid, t]) => `select '${oid}' as oid, count(*)::int8::text as n from ${quoted(t.name)}`).join(' union all '))
    for (const c of counted) {
      const t = stats.get(c.oid)!
      t.rows = Number(c.n)
      t.rowsFrom = 'count'
    }
  }
  if (large.length > 0) {
    await db.exec(`analyze ${large.map(([, t]) => quoted(t.name)).join(', ')}`)
    const again = await readTableStats(db, versionTable)
    for (const [oid, t] of large) t.rows = Math.max(0, again.get(oid)?.rows ?? t.rows)
  }
  return stats
}

/** When each (table, mode) was first taken, and (outside a transaction) when last seen held. */
class LockLog {
  readonly first = new Map<string, number>()
  readonly last = new Map<string, number>()
  see(rows: { oid: string; mode: string }[], takenAt: number, seen?: Set<string>): void {
    for (const r of rows) {
      const key = `${r.oid}|${r.mode}`
      if (!this.first.has(key)) this.first.set(key, takenAt)
      seen?.add(key)
    }
  }
  /** Strongest mode per existing table, held until `end` (or until last seen, outside a transaction). */
  report(tables: Map<string, TableStat>, end: number | undefined): LockHeld[] {
    const best = new Map<string, string>()
    for (const key of this.first.keys()) {
      const [oid, mode] = key.split('|') as [string, string]
      if (!tables.has(oid)) continue
      const prev = best.get(oid)
      if (prev === undefined || MODES.indexOf(mode) > MODES.indexOf(prev)) best.set(oid, mode)
    }
    return [...best].map(([oid, mode]) => {
      const key = `${oid}|${mode}`
      const held = ((end ?? this.last.get(key) ?? this.first.get(key)!) - this.first.get(key)!) / 1000
      return { table: tables.get(oid)!.name, mode: modeName(mode), heldSeconds: round3(held) }
    }).sort((a, b) => a.table.localeCompare(b.table))
  }
}

const round3 = (n: number) => Math.round(Math.max(0, n) * 1000) / 1000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface MeasureContext {
  /** The copy's session, through `kysely`. */
  db: Database
  kysely: KyselySession['kysely']
  /** A second session on the copy (server only) for locks outside a transaction. */
  monitor: Database | undefined
  versionTable: VersionTableName
  settings: { lockTimeout: string | undefined; statementTimeout: string | undefined }
  /** Set once the copy's large tables were ANALYZEd (before the first migration). */
  analyzed?: boolean
}

const FAILED_NOTE = (revision: string) => `Revision "${revision}" failed on the rehearsal copy; the source database was not touched`

async function record(ctx: MeasureContext, row: VersionRow): Promise<void> {
  const { insertRows } = await import('../runner/version-rows.ts')
  for (const q of insertRows(ctx.kysely, ctx.versionTable, [row])) await ctx.kysely.executeQuery(q)
}

/** Applies the up file of `script`, records it in the version table, and measures it. */
export async function measureUp(ctx: MeasureContext, script: Script): Promise<Measured> {
  const { db } = ctx
  const before = await freshRowCounts(db, await readTableStats(db, ctx.versionTable), ctx.analyzed !== true, ctx.versionTable)
  ctx.analyzed = true
  const pid = String((await db.query<{ pid: number }>('select pg_catalog.pg_backend_pid() as pid'))[0]!.pid)
  const file = script.up
  const log = new LockLog()
  const row = { revision: script.id, parents: script.parents, message: script.message, checksum: script.checksum, executionMs: 0 }
  const options = { revision: script.id, rolledBackNote: FAILED_NOTE(script.id), settings: ctx.settings }
  const started = performance.now()
  let end: number | undefined
  if (file.transaction) {
    await runFile(db, file, {
      ...options,
      observer: {
        statement: () => {
          const at = performance.now()
          return async (ok) => {
            if (ok) log.see(await db.query(LOCKS_SQL, [pid]), at)
          }
        },
        beforeCommit: () => record(ctx, row),
      },
    })
    end = performance.now()
  } else {
    await runFile(db, file, {
      ...options,
      observer: {
        statement: () => {
          const at = performance.now()
          const seen = new Set<string>()
          const stop = ctx.monitor ? watchLocks(ctx.monitor, pid, log, at, seen) : async () => {}
          return async () => {
            await stop()
            // Locks seen while the statement ran were held until it ended (each statement commits).
            const stmtEnd = performance.now()
            for (const key of seen) log.last.set(key, stmtEnd)
          }
        },
      },
    })
    await record(ctx, row)
  }
  const seconds = round3((performance.now() - started) / 1000)
  const after = await readTableStats(db, ctx.versionTable)
  const rewritten: Rewrite[] = []
  for (const [oid, t] of before) {
    const now = after.get(oid)
    if (now && now.filenode !== t.filenode) rewritten.push({ table: t.name, rows: Math.max(0, Math.round(t.rows)), rowsFrom: t.rowsFrom, bytes: t.bytes })
  }
  rewritten.sort((a, b) => a.table.localeCompare(b.table))
  const locks = log.report(before, end)
  const rows = new Map([...before.values()].map((t) => [t.name, t.rows]))
  const flags: Flag[] = []
  if (rewritten.length > 0) flags.push('rewrite')
  if (locks.some((l) => l.mode === 'ACCESS EXCLUSIVE' && (rows.get(l.table) ?? 0) > 0)) flags.push('access-exclusive')
  return { seconds, rewritten, locks, flags }
}

/** Polls pg_locks for `pid` from another session until the returned stop function is called. */
function watchLocks(monitor: Database, pid: string, log: LockLog, at: number, seen: Set<string>): () => Promise<void> {
  let running = true
  const loop = (async () => {
    while (running) {
      try {
        log.see(await monitor.query(LOCKS_SQL, [pid]), at, seen)
      } catch {
        return
      }
      await sleep(5)
    }
  })()
  return async () => {
    running = false
    await loop
  }
}
