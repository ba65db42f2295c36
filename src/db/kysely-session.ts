/**
 * A Database over an application's own Kysely instance (`upgrade({ kysely: db })`): any
 * PostgreSQL dialect — Kysely's PostgresDialect over `pg`, kysely-postgres-js, a PGlite
 * dialect. sqlmig pins ONE of its connections (Kysely's `connection()`) for the whole command:
 * the advisory lock, the transaction and the version-table writes must share a session. The
 * application's instance is never destroyed; closing the session only releases the connection.
 */
import { CompiledQuery, type Kysely } from 'kysely'
import { UsageError } from '../errors.ts'
import { copyWithoutData, type Database } from './database.ts'
import { isCopyFromStdin } from '../sql/copy-data.ts'

/** What a Kysely instance is shown as in "Using database ..." lines and --json. */
const DESCRIPTION = "the application's Kysely instance"

/** An application's Kysely instance, as commands accept it (`{ kysely: db }`). */
export type KyselyInstance = Kysely<any>

/**
 * Pins one connection of `kysely` and returns a session on it.
 * @throws whatever the dialect throws when no connection can be had
 */
export async function openKyselySession(kysely: Kysely<any>): Promise<Database> {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let pinned!: (conn: Kysely<any>) => void
  const gotConnection = new Promise<Kysely<any>>((resolve) => (pinned = resolve))
  // The callback holds the connection until close() lets it return.
  const held = kysely.connection().execute(async (conn) => {
    pinned(conn)
    await released
  })
  const conn = await Promise.race([gotConnection, held.then(() => {
    throw new Error('The Kysely instance gave back its connection at once')
  })])
  held.catch(() => {})
  const run = async (text: string, params: readonly unknown[]) => await conn.executeQuery(CompiledQuery.raw(text, [...params]))
  const [info] = (await run('select pg_catalog.current_database() as name', [])).rows as { name: string }[]
  let closed = false
  return {
    kind: 'postgres',
    description: `${DESCRIPTION} (database ${info!.name})`,
    name: info!.name,
    async exec(text: string) {
      if (isCopyFromStdin(text)) throw copyWithoutData()
      // No parameters: the pg driver sends it with the simple query protocol (several statements allowed).
      await run(text, [])
    },
    async copyFrom() {
      throw new UsageError('COPY ... FROM STDIN cannot run through a Kysely instance: its dialects have no COPY protocol', {
        hint: 'Run this migration with a database URL (sqlmig upgrade --url ...), or load the rows with INSERT statements',
      })
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await run(text, params)).rows as R[]
    },
    async cancel() {
      // Not sent: a pool of one would queue the cancel until the run gives its connection back,
      // then cancel whatever the application runs next on it. The runner stops after the
      // current statement instead (as on PGlite).
    },
    async close() {
      if (closed) return
      closed = true
      release()
      await held.catch(() => {})
    },
  }
}
