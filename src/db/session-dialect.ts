/**
 * A Kysely dialect over ONE session. sqlmig never needs a pool: the lock, the transaction and
 * the version-table writes must share a connection. Both adapters hand us a `SessionQuery`
 * and Kysely's own PostgreSQL compiler, adapter and introspector do the rest.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely'

/** Runs one parameterised statement on the session and returns rows and the affected count. */
export type SessionQuery = (sql: string, params: readonly unknown[]) => Promise<{ rows: unknown[]; affected?: number }>

class SessionConnection implements DatabaseConnection {
  readonly #query: SessionQuery
  constructor(query: SessionQuery) {
    this.#query = query
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, affected } = await this.#query(compiled.sql, compiled.parameters)
    return affected === undefined ? { rows: rows as R[] } : { rows: rows as R[], numAffectedRows: BigInt(affected) }
  }
  // deno-lint-ignore require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by sqlmig sessions')
  }
}

class SessionDriver implements Driver {
  readonly #connection: SessionConnection
  constructor(query: SessionQuery) {
    this.#connection = new SessionConnection(query)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: 'begin', parameters: [] } as unknown as CompiledQuery)
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: 'commit', parameters: [] } as unknown as CompiledQuery)
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: 'rollback', parameters: [] } as unknown as CompiledQuery)
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** A Kysely instance whose every query goes through `query` on one session. */
export function sessionKysely(query: SessionQuery): Kysely<any> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new SessionDriver(query),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
  return new Kysely<any>({ dialect })
}
