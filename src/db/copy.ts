/**
 * A throw-away copy of a database for `sqlmig rehearse`, never writing to the source:
 *  - server: CREATE DATABASE … TEMPLATE <source> when nobody is connected to the source and the
 *    role may (a file-level copy, fast); otherwise pg_dump | pg_restore into a new database on the
 *    same server or on --scratch-url;
 *  - PGlite: the data directory dumped into memory (dumpDataDir → loadDataDir).
 * https://www.postgresql.org/docs/current/manage-ag-templatedbs.html
 */
import { basename } from 'node:path'
import { UsageError } from '../errors.ts'
import { quoteIdent as ident } from '../sql/quote.ts'
import { type Database, serverErrorFields } from './database.ts'
import { isPgliteUrl, openDatabase } from './open.ts'
import type { PgliteLockOptions } from './pglite-lock.ts'
import { dumpAndRestore, pgConnection, requireTools } from './pg-tools.ts'
import { withDatabaseName } from './pg-url.ts'

export type CopyMethod = 'template' | 'pg_dump' | 'pglite'

export interface DatabaseCopy {
  /** Name of the copy: `<db>_rehearsal_<UTC yyyymmddHHMMSS>`. */
  readonly name: string
  /** Name of the source database (the data directory's name for PGlite). */
  readonly source: string
  /** How the copy was made (after create()). */
  method: CopyMethod | undefined
  /** Why CREATE DATABASE … TEMPLATE was not used, when it was not. */
  fallbackReason: string | undefined
  /** Where the copy lives, password masked (for --keep). */
  readonly description: string
  create(): Promise<void>
  open(): Promise<Database>
  /** Cancels every statement running on the copy (server; PGlite cannot be interrupted). */
  interrupt(): Promise<void>
  /** Drops the copy (server) or forgets it (PGlite). Safe to call twice, and concurrently. */
  drop(): Promise<void>
  /** Closes the maintenance connection (after any drop in progress). */
  close(): Promise<void>
}

/** UTC `yyyymmddHHMMSS`. */
export function utcStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** `<db>_rehearsal_<stamp>`, shortened to PostgreSQL's 63-byte identifier limit. */
export function copyName(source: string, stamp: string, suffix = ''): string {
  const tail = `_rehearsal_${stamp}${suffix}`
  let head = source
  while (new TextEncoder().encode(head + tail).length > 63) head = head.slice(0, -1)
  return head + tail
}


/** Prepares a copy of the database at `sourceUrl` (connects to a maintenance database; copies nothing yet). */
export async function prepareCopy(
  sourceUrl: string,
  options: { scratchUrl?: string | undefined; lock?: PgliteLockOptions | undefined; pgliteExtensions?: readonly string[] | undefined } = {},
): Promise<DatabaseCopy> {
  if (isPgliteUrl(sourceUrl)) {
    if (options.scratchUrl) throw new UsageError('Cannot use --scratch-url with an embedded (pglite:) database', { hint: 'Its copy is made in memory; leave out --scratch-url' })
    return pgliteCopy(sourceUrl, options.lock, options.pgliteExtensions)
  }
  return await serverCopy(sourceUrl, options.scratchUrl)
}

function pgliteCopy(sourceUrl: string, lock: PgliteLockOptions | undefined, extensions: readonly string[] | undefined): DatabaseCopy {
  const location = sourceUrl.slice('pglite:'.length).replace(/^\/\//, '')
  const source = basename(location)
  let archive: Blob | undefined
  const copy: DatabaseCopy = {
    name: copyName(source, utcStamp()),
    source,
    method: undefined,
    fallbackReason: undefined,
    description: 'pglite:memory',
    async create() {
      const { dumpPgliteDir } = await import('./pglite-dump.ts')
      archive = await dumpPgliteDir(location, 'none', lock)
      copy.method = 'pglite'
    },
    async open() {
      const { openPglite } = await import('./pglite.ts')
      return await openPglite('memory', { loadDataDir: archive!, extensions })
    },
    async interrupt() {},
    async drop() {
      archive = undefined
    },
    async close() {},
  }
  return copy
}

async function openMaintenance(sourceUrl: string, scratchUrl: string | undefined): Promise<{ admin: Database; url: string }> {
  if (scratchUrl) return { admin: await openDatabase(scratchUrl, { applicationName: 'sqlmig rehearse' }), url: scratchUrl }
  let first: unknown
  for (const name of ['postgres', 'template1']) {
    const url = withDatabaseName(sourceUrl, name)
    try {
      return { admin: await openDatabase(url, { applicationName: 'sqlmig rehearse' }), url }
    } catch (error) {
      first ??= error
    }
  }
  throw first
}

async function serverMajor(db: Database): Promise<number> {
  const rows = await db.query<{ v: string }>(`select current_setting('server_version_num') as v`)
  return Math.floor(Number(rows[0]?.v ?? 0) / 10000)
}

async function serverCopy(sourceUrl: string, scratchUrl: string | undefined): Promise<DatabaseCopy> {
  const src = pgConnection(sourceUrl)
  const { admin, url: adminUrl } = await openMaintenance(sourceUrl, scratchUrl)
  const stamp = utcStamp()
  let name = copyName(src.database, stamp)
  let created = false
  let dropping: Promise<void> | undefined

  /** CREATE DATABASE with a fresh name if another rehearsal took this one in the same second. */
  const createDatabase = async (suffixSql: string) => {
    for (let i = 2; ; i++) {
      try {
        await admin.exec(`create database ${ident(name)}${suffixSql}`)
        created = true
        return
      } catch (error) {
        if (serverErrorFields(error)?.sqlState !== '42P04' || i > 20) throw error
        name = copyName(src.database, stamp, `_${i}`)
      }
    }
  }

  const copy: DatabaseCopy = {
    get name() {
      return name
    },
    source: src.database,
    method: undefined,
    fallbackReason: undefined,
    get description() {
      return withDatabaseName(pgConnection(adminUrl).conninfo, name)
    },
    async create() {
      if (scratchUrl) {
        copy.fallbackReason = 'the copy goes to --scratch-url'
      } else {
        const others = await admin.query<{ n: number }>(`select count(*)::int4 as n from pg_catalog.pg_stat_activity where datname = $1`, [src.database])
        if (Number(others[0]?.n ?? 0) > 0) {
          // CREATE DATABASE would wait 5 s for them and fail (55006): go straight to pg_dump.
          copy.fallbackReason = `${others[0]!.n} other session(s) are connected to "${src.database}"`
        } else {
          try {
            await createDatabase(` template ${ident(src.database)}`)
            copy.method = 'template'
            return
          } catch (error) {
            copy.fallbackReason = `CREATE DATABASE … TEMPLATE failed: ${serverErrorFields(error)?.message ?? (error as Error).message}`
          }
        }
      }
      const source = await openDatabase(sourceUrl, { applicationName: 'sqlmig rehearse' })
      let major: number
      try {
        major = await serverMajor(source)
      } finally {
        await source.close()
      }
      await requireTools(['pg_dump', 'pg_restore'], major, `copy database "${src.database}" for the rehearsal`)
      await createDatabase('')
      await dumpAndRestore(src, pgConnection(withDatabaseName(adminUrl, name)), `copy database "${src.database}" into "${name}"`)
      copy.method = 'pg_dump'
    },
    async open() {
      return await openDatabase(withDatabaseName(adminUrl, name), { applicationName: 'sqlmig rehearse' })
    },
    async interrupt() {
      await admin.query(`select pg_catalog.pg_cancel_backend(pid) from pg_catalog.pg_stat_activity where datname = $1 and pid <> pg_catalog.pg_backend_pid()`, [name])
    },
    drop() {
      if (!created) return Promise.resolve()
      // WITH (FORCE) (PostgreSQL 13+) ends our own sessions on the copy too, e.g. after Ctrl-C.
      dropping ??= admin.exec(`drop database if exists ${ident(name)} with (force)`).then(() => {
        created = false
      })
      return dropping
    },
    async close() {
      await dropping?.catch(() => {})
      await admin.close()
    },
  }
  return copy
}
