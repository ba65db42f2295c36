/**
 * Shared by the safety tests: spawning sqlmig processes that can be killed, and looking at a
 * server database from the outside (tables, version rows, other sessions).
 */
import process from 'node:process'
import postgres from 'postgres'
import { BIN, NODE_FLAGS } from '../helpers/cli.ts'
import { type Spawned, start as startProcess } from '../helpers/process.ts'

export type { Spawned } from '../helpers/process.ts'

/**
 * Starts `node <script> <args>` (default: the sqlmig bin) in cwd with a clean environment; it can
 * be signalled. With this process's V8 flags, as runCli (NODE_FLAGS).
 */
export function start(args: string[], cwd: string, env: Record<string, string | undefined> = {}, script = BIN, timeoutMs = 120_000): Spawned {
  return startProcess(process.execPath, [...NODE_FLAGS, script, ...args], cwd, { env, timeoutMs })
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` every 20 ms until it returns a truthy value; throws after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** A small admin connection to one server database (postgres.js, outside sqlmig). */
export function connect(url: string) {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 })
}

export type Sql = ReturnType<typeof connect>

/** Names of ordinary tables in a schema, sorted. */
export async function tablesIn(sql: Sql, schema = 'public'): Promise<string[]> {
  const rows = await sql<{ t: string }[]>`select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r' order by 1`
  return rows.map((r) => r.t)
}

/** "name" with inner quotes doubled. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Applied revisions in applied order (empty when there is no version table). */
export async function appliedIn(sql: Sql, table = 'sqlmig_version', schema = 'public'): Promise<string[]> {
  const exists = await sql`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and c.relname = ${table}`
  if (exists.length === 0) return []
  const rows = await sql.unsafe(`select revision from ${quoteIdent(schema)}.${quoteIdent(table)} order by applied_order`)
  return rows.map((r) => String(r.revision))
}

/** Waits until no session other than ours is connected to the database (a killed client's backend is gone). */
export async function waitAlone(sql: Sql, timeoutMs = 30_000): Promise<void> {
  await waitFor('other sessions to end', async () => {
    const rows = await sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
    return rows[0]!.n === 0
  }, timeoutMs)
}

/** The pid holding sqlmig's advisory lock in this database, if any. */
export async function lockHolder(sql: Sql): Promise<number | undefined> {
  const rows = await sql`select l.pid from pg_locks l where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())`
  return rows[0]?.pid
}

/** Runs async jobs with at most `n` at a time; resolves to their results in order. */
export async function pool<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++
      out[i] = await jobs[i]!()
    }
  }))
  return out
}
