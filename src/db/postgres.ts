/**
 * PostgreSQL server adapter (postgres.js). One reserved connection per Database: the advisory
 * lock, transactions and version-table writes share it. `prepare: false` keeps every statement
 * unnamed, so a transaction-mode pooler (PgBouncer) in front of the server works.
 */
import postgres from 'postgres'
import { ConnectionError } from '../errors.ts'
import { redactUrl, registerSecret } from '../redact.ts'
import type { Database } from './database.ts'
import type { Kysely } from 'kysely'

export interface PostgresTarget {
  host: string
  port: number
  database: string
  user: string
}

/** Host, port, database and user named by a postgres:// URL (for messages; never the password). */
export function describeUrl(url: string): PostgresTarget {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return { host: '?', port: 5432, database: '?', user: '?' }
  }
  registerSecret(decodeURIComponent(u.password))
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.searchParams.get('dbname') || decodeURIComponent(u.username) || 'postgres'
  return {
    host: u.hostname || u.searchParams.get('host') || 'localhost',
    port: Number(u.port || 5432),
    database,
    user: decodeURIComponent(u.username) || 'postgres',
  }
}

/** Opens one session on a PostgreSQL server. */
export async function openPostgres(
  url: string,
  options: { applicationName?: string; connectTimeoutSeconds?: number; kysely?: boolean | undefined; arrays?: boolean | undefined } = {},
): Promise<Database> {
  const makeKysely = options.kysely === false ? undefined : (await import('./session-dialect.ts')).sessionKysely
  const target = describeUrl(url)
  const sql = postgres(url, {
    max: 1,
    prepare: false,
    onnotice: () => {},
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    connection: { application_name: options.applicationName ?? 'sqlmig' },
    // Reading the type catalog at connect costs a round trip; without it arrays arrive as text.
    fetch_types: options.arrays !== false,
    // Keep values as the server sends them where drivers would disagree (int8 as string).
    types: {},
  })
  let reserved: postgres.ReservedSql
  try {
    // Connect with a first query, then reserve that (now idle) connection: reserve() on a pool
    // that has not connected yet never resolves when fetch_types is off (postgres.js 3.4).
    await sql.unsafe('select 1')
    reserved = await sql.reserve()
  } catch (error) {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw connectionError(target, error)
  }
  const session = reserved
  let closed = false
  // The statement in flight, so that cancel() can reach it.
  let running: { cancel(): unknown } | undefined
  const track = async <T>(pending: postgres.PendingQuery<any>, then: (rows: any) => T): Promise<T> => {
    running = pending
    try {
      return then(await pending)
    } finally {
      if (running === pending) running = undefined
    }
  }
  const query = async (text: string, params: readonly unknown[] = []) =>
    await track(session.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false }), (result) => ({
      rows: [...result] as unknown[],
      affected: result.count ?? undefined,
    }))
  let kysely: Kysely<any> | undefined
  const db: Database = {
    kind: 'postgres',
    description: redactUrl(url),
    name: target.database,
    get kysely() {
      if (!makeKysely) throw new Error('This session was opened with { kysely: false }')
      return (kysely ??= makeKysely(query))
    },
    async exec(text: string) {
      // No parameters: postgres.js sends it with the simple query protocol, several statements allowed.
      await track(session.unsafe(text).simple(), () => undefined)
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await query(text, params)).rows as R[]
    },
    async execPipelined(texts: readonly string[]) {
      // postgres.js writes queries as they are issued and matches the replies in order, so these
      // go out back to back; each is its own simple query, so the failing one is known exactly.
      const pending = texts.map((t) => session.unsafe(t).simple())
      const done = pending.map(() => false)
      // cancel() must reach the statement the server is running: the first one not finished.
      const current = { cancel: () => pending[done.indexOf(false)]?.cancel() }
      running = current
      try {
        const settled = await Promise.allSettled(pending.map((p, i) => p.finally(() => (done[i] = true))))
        const index = settled.findIndex((s) => s.status === 'rejected')
        return index < 0 ? undefined : { index, error: (settled[index] as PromiseRejectedResult).reason }
      } finally {
        if (running === current) running = undefined
      }
    },
    async cancel() {
      // postgres.js sends a CancelRequest (pid + secret key) on a new connection; a statement
      // not yet sent is dropped. Its promise then rejects with 57014.
      running?.cancel()
    },
    async close() {
      if (closed) return
      closed = true
      try {
        session.release()
      } finally {
        await sql.end({ timeout: 5 }).catch(() => {})
      }
    },
  }
  return db
}

function connectionError(t: PostgresTarget, error: unknown): ConnectionError {
  const e = error as { code?: string; message?: string }
  const reason = e?.code === 'ECONNREFUSED'
    ? 'connection refused (is the server running and listening there?)'
    : e?.code === '3D000'
    ? `database "${t.database}" does not exist`
    : e?.code === '28P01' || e?.code === '28000'
    ? `authentication failed for user "${t.user}"`
    : e?.code === 'CONNECT_TIMEOUT'
    ? 'timed out while connecting'
    : String(e?.message ?? error)
  return new ConnectionError(`Cannot connect to PostgreSQL at ${t.host}:${t.port}, database "${t.database}": ${reason}`, {
    hint: e?.code === '3D000' ? `Create it ("createdb ${t.database}") or fix the URL` : 'Check --url, DATABASE_URL or "url" in sqlmig.json',
    cause: error,
  })
}
