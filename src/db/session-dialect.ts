/**
 * A Kysely dialect over ONE sqlmig session (a Database: postgres.js, PGlite, or an
 * application's Kysely connection). sqlmig never needs a pool: the lock, the transaction and the
 * version-table writes must share a connection. Kysely's own PostgreSQL compiler, adapter and
 * introspector do the rest. The runner reaches the database only through this Kysely instance:
 * the version table with the query builder, migration statements as raw compiled queries.
 *
 * Two kinds of raw query keep the session's protocol choices: a `simpleQuery` (migration
 * statements, transaction control: the simple query protocol, no parameters) and a
 * `pipelinedQueries` batch (the statements of a file inside a transaction block, sent back to
 * back on a server; see execute-file.ts), and a `sequenceQuery` (a few of the runner's own
 * statements as one message, see handover.ts). Anything else is a parameterised query.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely'
import type { Database } from './database.ts'

const SIMPLE = Symbol('sqlmig.simple')
const PIPELINED = Symbol('sqlmig.pipelined')
const SEQUENCE = Symbol('sqlmig.sequence')

type Marked = CompiledQuery & { [SIMPLE]?: true; [PIPELINED]?: readonly string[]; [SEQUENCE]?: readonly string[] }

/** A statement for the simple query protocol (no parameters; a COPY FROM STDIN is refused). */
export function simpleQuery(text: string): CompiledQuery {
  const marked: Marked = { ...CompiledQuery.raw(text, []), [SIMPLE]: true }
  return marked
}

/**
 * Statements sent back to back, each its own simple query; the result's one row says which
 * failed first (`{ index, error }`) or is empty. Only on sessions that pipeline (a server).
 */
export function pipelinedQueries(texts: readonly string[]): CompiledQuery {
  const marked: Marked = { ...CompiledQuery.raw(texts.join(';\n'), []), [PIPELINED]: texts }
  return marked
}

/**
 * Statements sent as one message (Database.execSequence); the result's one row is what that
 * returned (`{ rows }` or `{ failed }`). Only on sessions that have it (a server session).
 */
export function sequenceQuery(texts: readonly string[]): CompiledQuery {
  const marked: Marked = { ...CompiledQuery.raw(texts.join(';\n'), []), [SEQUENCE]: texts }
  return marked
}

/** A parameterised statement (the extended protocol). */
export function rawQuery(text: string, params: readonly unknown[] = []): CompiledQuery {
  return CompiledQuery.raw(text, [...params])
}

class SessionConnection implements DatabaseConnection {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const q = compiled as Marked
    if (q[SIMPLE]) {
      await this.#db.exec(q.sql)
      return { rows: [] }
    }
    const batch = q[PIPELINED]
    if (batch) {
      if (!this.#db.execPipelined) throw new Error('This session does not pipeline statements')
      const failed = await this.#db.execPipelined(batch)
      return { rows: (failed ? [failed] : []) as R[] }
    }
    const sequence = q[SEQUENCE]
    if (sequence) {
      if (!this.#db.execSequence) throw new Error('This session does not send statement sequences')
      return { rows: [await this.#db.execSequence(sequence)] as R[] }
    }
    return { rows: await this.#db.query<R>(q.sql, q.parameters) }
  }
  // deno-lint-ignore require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by sqlmig sessions')
  }
}

class SessionDriver implements Driver {
  readonly #connection: SessionConnection
  constructor(db: Database) {
    this.#connection = new SessionConnection(db)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(simpleQuery('begin'))
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(simpleQuery('commit'))
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(simpleQuery('rollback'))
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** A Kysely instance whose every query goes through `db`, on its one session. Destroying it leaves `db` open. */
export function sessionKysely(db: Database): Kysely<any> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new SessionDriver(db),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
  return new Kysely<any>({ dialect })
}

/** A session whose every statement goes through its Kysely instance (the runner's view of a Database). */
export interface KyselySession {
  kysely: Kysely<any>
  /** The same session as a Database: exec, query and pipelined batches through `kysely`; COPY, cancel and close the driver's own. */
  db: Database
}

/** Puts `db` behind Kysely: what the runner, rehearse and verify execute on. */
export function throughKysely(db: Database): KyselySession {
  const kysely = sessionKysely(db)
  const via: Database = {
    kind: db.kind,
    description: db.description,
    name: db.name,
    exec: async (text) => {
      await kysely.executeQuery(simpleQuery(text))
    },
    query: async <R>(text: string, params: readonly unknown[] = []) => (await kysely.executeQuery<R>(rawQuery(text, params))).rows,
    ...(db.execPipelined
      ? { execPipelined: async (texts: readonly string[]) => (await kysely.executeQuery<{ index: number; error: unknown }>(pipelinedQueries(texts))).rows[0] }
      : {}),
    ...(db.execSequence
      ? {
        execSequence: async (texts: readonly string[]) =>
          (await kysely.executeQuery<{ rows: unknown[][] } | { failed: { index: number; error: unknown } }>(sequenceQuery(texts))).rows[0]!,
      }
      : {}),
    copyFrom: (statement, data) => db.copyFrom(statement, data),
    cancel: () => db.cancel(),
    close: () => db.close(),
  }
  return { kysely, db: via }
}
