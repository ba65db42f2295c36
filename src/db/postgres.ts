/**
 * PostgreSQL server adapter (postgres.js). One reserved connection per Database: the advisory
 * lock, transactions and version-table writes share it. `prepare: false` keeps every statement
 * unnamed, so a transaction-mode pooler (PgBouncer) in front of the server works.
 */
import postgres from 'postgres'
import { ConnectionError } from '../errors.ts'
import { redactUrl, registerSecret } from '../redact.ts'
import type { Database } from './database.ts'
import { sessionKysely } from './session-dialect.ts'

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
export async function openPostgres(url: string, options: { applicationName?: string; connectTimeoutSeconds?: number } = {}): Promise<Database> {
  const target = describeUrl(url)
  const sql = postgres(url, {
    max: 1,
    prepare: false,
    onnotice: () => {},
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    connection: { application_name: options.applicationName ?? 'sqlmig' },
    // Keep values as the server sends them where drivers would disagree (int8 as string).
    types: {},
  })
  let reserved: postgres.ReservedSql
  try {
    reserved = await sql.reserve()
    await reserved.unsafe('select 1')
  } catch (error) {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw connectionError(target, error)
  }
  const session = reserved
  let closed = false
  const query = async (text: string, params: readonly unknown[] = []) => {
    const result = await session.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false })
    return { rows: [...result] as unknown[], affected: result.count ?? undefined }
  }
  const db: Database = {
    kind: 'postgres',
    description: redactUrl(url),
    name: target.database,
    kysely: sessionKysely(query),
    async exec(text: string) {
      // No parameters: postgres.js sends it with the simple query protocol, several statements allowed.
      await session.unsafe(text).simple()
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await query(text, params)).rows as R[]
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
