/**
 * PostgreSQL server adapter (postgres.js). One reserved connection per Database: the advisory
 * lock, transactions and version-table writes share it. `prepare: false` keeps every statement
 * unnamed, so a transaction-mode pooler (PgBouncer) in front of the server works.
 */
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import process from 'node:process'
import postgres from 'postgres'
import { ConnectionError, UsageError } from '../errors.ts'
import { parsePgUrl, type PgUrl, urlConnectTimeout } from './pg-url.ts'
import { redactUrl, registerSecret } from '../redact.ts'
import { copyWithoutData, type Database } from './database.ts'
import { isCopyFromStdin } from '../sql/copy-data.ts'
import { selectRows, tappedSocket, type WireTap } from './wire-tap.ts'
import { joinStatements, locateInBatch } from './statement-batches.ts'

/** Seconds to wait for a server to answer a connect (libpq has no default; psql users expect a bound). */
export const DEFAULT_CONNECT_TIMEOUT = 10

export interface PostgresTarget {
  host: string
  port: number
  database: string
  user: string
}

/** Host, port, database and user named by a postgres:// URL (for messages; never the password). */
export function describeUrl(url: string): PostgresTarget {
  const u = parsePgUrl(url)
  registerSecret(u.password)
  const user = u.user ?? process.env.PGUSER ?? userInfo().username
  return {
    host: u.hosts.join(',') || process.env.PGHOST || 'localhost',
    port: u.ports[0] ?? Number(process.env.PGPORT || 5432),
    database: u.database ?? process.env.PGDATABASE ?? user,
    user,
  }
}

/** What postgres.js needs to connect where libpq would, for the URL's parameters. */
function driverOptions(u: PgUrl, target: PostgresTarget, applicationName: string) {
  const p = u.params
  const socket = u.hosts.length === 1 && u.hosts[0]!.startsWith('/')
  const connection: Record<string, string> = { application_name: p.application_name ?? applicationName }
  if (p.options !== undefined) connection.options = p.options
  return {
    ...(u.hosts.length ? { host: u.hosts, port: u.ports } : {}),
    ...(socket ? { path: `${u.hosts[0]}/.s.PGSQL.${u.ports[0]}` } : {}),
    database: target.database,
    user: target.user,
    ...(u.password !== undefined ? { pass: u.password } : {}),
    ...(p.sslmode !== undefined || p.sslrootcert !== undefined || p.sslcert !== undefined ? { ssl: sslOption(p) } : {}),
    ...(p.target_session_attrs !== undefined ? { target_session_attrs: p.target_session_attrs as 'read-write' } : {}),
    connection,
  }
}

/** A certificate or key file named in the URL (sslrootcert, sslcert, sslkey). */
function readSslFile(param: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read ${param}=${path} from the database URL: ${(error as Error).message}`, { hint: `Check the path given as ${param}` })
  }
}

/** libpq's sslmode (with root certificate and client certificate) as postgres.js's `ssl` option. */
function sslOption(p: Record<string, string>): boolean | 'prefer' | 'require' | 'allow' | 'verify-full' | object {
  const mode = p.sslmode ?? (p.sslrootcert ? 'verify-full' : 'prefer')
  if (p.sslrootcert === 'system' && !p.sslcert) return 'verify-full'
  const files = {
    ...(p.sslrootcert && p.sslrootcert !== 'system' ? { ca: readSslFile('sslrootcert', p.sslrootcert) } : {}),
    ...(p.sslcert ? { cert: readSslFile('sslcert', p.sslcert) } : {}),
    ...(p.sslkey ? { key: readSslFile('sslkey', p.sslkey) } : {}),
  }
  const custom = Object.keys(files).length > 0
  switch (mode) {
    case 'disable':
      return false
    case 'allow':
    case 'prefer':
    case 'require':
      // libpq: require with a root certificate verifies the chain, as verify-ca does.
      return custom ? { ...files, rejectUnauthorized: files.ca !== undefined, checkServerIdentity: () => undefined } : mode
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined }
    case 'verify-full':
      return { ...files, rejectUnauthorized: true }
    default:
      throw new UsageError(`Invalid sslmode "${mode}" in the database URL`, { hint: 'Use disable, allow, prefer, require, verify-ca or verify-full' })
  }
}

/** SQLSTATEs and driver codes after which the session's connection is gone (57P01-57P03: the server ended the backend). */
const CONNECTION_GONE = new Set(['57P01', '57P02', '57P03', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE'])

function isConnectionGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONNECTION_GONE.has(code)
}

/** Opens one session on a PostgreSQL server. */
export async function openPostgres(
  url: string,
  options: { applicationName?: string; connectTimeoutSeconds?: number | undefined; arrays?: boolean | undefined } = {},
): Promise<Database> {
  const parsed = parsePgUrl(url)
  const target = describeUrl(url)
  const timeout = options.connectTimeoutSeconds ?? urlConnectTimeout(url) ?? DEFAULT_CONNECT_TIMEOUT
  const driver = driverOptions(parsed, target, options.applicationName ?? 'sqlmig')
  const tapped = tappedSocket(driver)
  const sql = postgres({
    ...driver,
    ...(tapped ? { socket: tapped.open } : {}),
    max: 1,
    prepare: false,
    onnotice: () => {},
    // The driver retries a timed-out connect for as long as a query waits (and its timer can
    // keep the process alive after sqlmig gave up): sqlmig's own timer below ends the attempt.
    connect_timeout: 0,
    // Reading the type catalog at connect costs a round trip; without it arrays arrive as text.
    fetch_types: options.arrays !== false,
    // Keep values as the server sends them where drivers would disagree (int8 as string).
    types: {},
    // The one connection closed (the server ended an idle session, the network went): later
    // calls fail at once (see `dead` below) instead of writing to the gone socket.
    onclose: () => {
      if (!closed) dead ??= Object.assign(new Error(`the connection to ${target.host} closed`), { code: 'CONNECTION_CLOSED' })
    },
  } as postgres.Options<Record<string, never>>)
  let reserved: postgres.ReservedSql
  let closed = false
  /**
   * The error that ended the connection (the server terminated the backend, e.g. DROP DATABASE …
   * WITH (FORCE), or the socket closed). Every later call fails with it at once, without touching
   * the driver: postgres.js 3.4.9 throws an uncatchable TypeError from a write on a reserved
   * connection whose socket is gone (porsager/postgres#1208), which would end the whole process
   * (in a fleet run, every other target's run with it).
   */
  let dead: unknown
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    // Connect with a first query, then reserve that (now idle) connection: reserve() on a pool
    // that has not connected yet never resolves when fetch_types is off (postgres.js 3.4).
    const connecting = (async () => {
      await sql.unsafe('select 1')
      return await sql.reserve()
    })()
    const timedOut = new Promise<never>((_, reject) => {
      if (timeout > 0) timer = setTimeout(() => reject(Object.assign(new Error('connect timeout'), { code: 'SQLMIG_CONNECT_TIMEOUT' })), Math.max(timeout, 2) * 1000)
    })
    connecting.catch(() => {})
    reserved = await Promise.race([connecting, timedOut])
  } catch (error) {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw connectionError(target, error, timeout, parsed.params.sslmode)
  } finally {
    clearTimeout(timer)
  }
  const session = reserved
  const alive = () => {
    if (dead !== undefined) throw dead
  }
  // The statements in flight, oldest first, so that cancel() can reach the one running.
  const running = new Set<{ cancel(): unknown }>()
  const track = async <T>(pending: postgres.PendingQuery<any>, then: (rows: any) => T): Promise<T> => {
    running.add(pending)
    try {
      return then(await pending)
    } catch (error) {
      if (isConnectionGone(error)) dead ??= error
      throw error
    } finally {
      running.delete(pending)
    }
  }
  /** The last message sent by execJoined: its first query's index (WireTap.ready) and its query count. */
  let lastJoined: { base: number; count: number; settled: boolean } | undefined
  /**
   * The statements in as few simple-query messages as statement-batches.ts allows, sent back to
   * back; the first failing statement from the error's position, else from the tap's count of
   * statements completed before it. The error's position is made relative to that statement.
   * On success, the rows of each statement that returned rows (a SELECT), in order.
   * Calls may overlap (the next call's messages sent before this one's replies came: the server
   * answers them in order), provided nothing else is sent on the session between them: the
   * n-th query since the first one's is then the n-th reply.
   */
  const execJoined = async (tap: WireTap, texts: readonly string[]): Promise<{ failed: { index: number; error: unknown } } | { rows: unknown[][] }> => {
    const batches = joinStatements(texts)
    // The queries' indexes among the tap's replies: right after the messages still in flight,
    // or, with nothing in flight, the next reply's. Unknown when other statements are in flight.
    const previous = lastJoined !== undefined && !lastJoined.settled ? lastJoined : undefined
    const base = previous ? previous.base + previous.count : running.size === 0 ? tap.ready : undefined
    const me = { base: base ?? -1, count: batches.length, settled: false }
    lastJoined = me
    const pending = batches.map((b) => session.unsafe(b.text).simple())
    const done = pending.map(() => false)
    const current = { cancel: () => pending[done.indexOf(false)]?.cancel() }
    running.add(current)
    try {
      const settled = await Promise.allSettled(pending.map((p, i) => p.finally(() => (done[i] = true))))
      for (const s of settled) if (s.status === 'rejected' && isConnectionGone(s.reason)) dead ??= s.reason
      const at = settled.findIndex((s) => s.status === 'rejected')
      if (at < 0) return { rows: settled.flatMap((s) => selectRows((s as PromiseFulfilledResult<unknown>).value)) }
      const error = (settled[at] as PromiseRejectedResult).reason as { position?: unknown }
      const batch = batches[at]!
      const position = Number(error?.position)
      if (Number.isFinite(position) && position > 0) {
        const found = locateInBatch(batch, position)
        error.position = String(found.position)
        return { failed: { index: found.index, error } }
      }
      // The ErrorResponse the tap saw in this batch's query: the statements before it completed.
      const completed = base === undefined ? undefined : tap.completedBeforeError(base + at)
      return { failed: { index: batch.first + Math.min(completed ?? 0, batch.starts.length - 2), error } }
    } finally {
      me.settled = true
      running.delete(current)
    }
  }
  const query = async (text: string, params: readonly unknown[] = []) =>
    await track(session.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false }), (result) => ({
      rows: [...result] as unknown[],
      affected: result.count ?? undefined,
    }))
  const db: Database = {
    kind: 'postgres',
    description: redactUrl(url),
    name: target.database,
    async exec(text: string) {
      if (isCopyFromStdin(text)) throw copyWithoutData()
      alive()
      // No parameters: postgres.js sends it with the simple query protocol, several statements allowed.
      await track(session.unsafe(text).simple(), () => undefined)
    },
    async copyFrom(text: string, data: string) {
      alive()
      const pending = session.unsafe(text)
      running.add(pending)
      try {
        const stream = await pending.writable()
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject)
          stream.on('finish', resolve)
          stream.end(data)
        })
      } finally {
        running.delete(pending)
      }
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      alive()
      return (await query(text, params)).rows as R[]
    },
    async execPipelined(texts: readonly string[]) {
      alive()
      if (tapped) {
        const r = await execJoined(tapped.tap, texts)
        return 'failed' in r ? r.failed : undefined
      }
      // postgres.js writes queries as they are issued and matches the replies in order, so these
      // go out back to back; each is its own simple query, so the failing one is known exactly.
      const pending = texts.map((t) => session.unsafe(t).simple())
      const done = pending.map(() => false)
      // cancel() must reach the statement the server is running: the first one not finished.
      const current = { cancel: () => pending[done.indexOf(false)]?.cancel() }
      running.add(current)
      try {
        const settled = await Promise.allSettled(pending.map((p, i) => p.finally(() => (done[i] = true))))
        const index = settled.findIndex((s) => s.status === 'rejected')
        for (const s of settled) if (s.status === 'rejected' && isConnectionGone(s.reason)) dead ??= s.reason
        return index < 0 ? undefined : { index, error: (settled[index] as PromiseRejectedResult).reason }
      } finally {
        running.delete(current)
      }
    },
    ...(tapped
      ? {
        async execSequence(texts: readonly string[]) {
          alive()
          const r = await execJoined(tapped.tap, texts)
          return 'failed' in r ? { failed: r.failed } : { rows: r.rows }
        },
      }
      : {}),
    async cancel() {
      // postgres.js sends a CancelRequest (pid + secret key) on a new connection; a statement
      // not yet sent is dropped. Its promise then rejects with 57014. The oldest in flight is the
      // one the server runs (messages sent behind it wait for it, and then fail with 25P02 in
      // the aborted transaction, or are cancelled as they start: postgres.js).
      running.values().next().value?.cancel()
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

function connectionError(t: PostgresTarget, error: unknown, timeout: number, sslmode: string | undefined): ConnectionError {
  const e = error as { code?: string; message?: string }
  if (e?.code === 'SQLMIG_CONNECT_TIMEOUT' || e?.code === 'CONNECT_TIMEOUT') {
    return new ConnectionError(`Cannot connect to PostgreSQL at ${t.host}:${t.port}, database "${t.database}": no answer within ${Math.max(timeout, 2)} s (connect timeout)`, {
      hint: 'Check that the host and port are right and reachable from here (a firewall drops packets silently); to wait longer, use --connect-timeout, connect_timeout in the URL or PGCONNECT_TIMEOUT',
      cause: error,
    })
  }
  const reason = e?.code === 'ECONNREFUSED'
    ? 'connection refused (is the server running and listening there?)'
    : e?.code === '3D000'
    ? `database "${t.database}" does not exist`
    : e?.code === '28P01' || e?.code === '28000'
    ? `authentication failed for user "${t.user}"`
    : e?.code === 'ENOENT' && t.host.startsWith('/')
    ? `no server socket in ${t.host} (is the server running, and is that its socket directory?)`
    : sslmode && /\b(TLS|SSL)\b/.test(String(e?.message))
    ? `the SSL connection that sslmode=${sslmode} asks for failed (${e?.message}); a server without SSL needs sslmode=prefer or disable`
    : e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN'
    ? `host "${t.host}" not found`
    : String(e?.message ?? error)
  return new ConnectionError(`Cannot connect to PostgreSQL at ${t.host}:${t.port}, database "${t.database}": ${reason}`, {
    hint: e?.code === '3D000' ? `Create it ("createdb ${t.database}") or fix the URL` : 'Check --url, DATABASE_URL or "url" in sqlmig.json',
    cause: error,
  })
}
