/**
 * The one database interface the rest of sqlmig sees. Adapters (postgres.ts, pglite.ts) are
 * the only modules that import a driver; everything else imports types from here.
 *
 * A Database is ONE session: migrations, the version table and the advisory lock all go
 * through the same connection, so `SET`, transactions and session locks mean what they say.
 */
import { UsageError } from '../errors.ts'

export type DatabaseKind = 'postgres' | 'pglite'

/** A PostgreSQL error as the server reported it, normalised across drivers. */
export interface ServerErrorFields {
  /** SQLSTATE, e.g. 42P07. */
  sqlState: string | undefined
  message: string
  /** 1-based character position in the statement text, when the server gave one. */
  position: number | undefined
  detail: string | undefined
  hint: string | undefined
}

export interface Database {
  readonly kind: DatabaseKind
  /** Where we are connected, with any password masked (safe to print). */
  readonly description: string
  /** Database name (e.g. "test", or "memory" for an in-memory PGlite). */
  readonly name: string
  /** Runs SQL text through the simple query protocol: no parameters, may hold several statements. */
  exec(sql: string): Promise<void>
  /**
   * Runs `COPY ... FROM STDIN` with `data` as its rows (text format as pg_dump writes it, or
   * whatever the statement's options say), through the COPY protocol. exec() refuses such a
   * statement: it would wait for data that never comes.
   */
  copyFrom(statement: string, data: string): Promise<void>
  /** Runs one parameterised statement (extended protocol) and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>
  /**
   * Sends each statement as its own simple query, all at once without waiting for the replies
   * (pipelining: one round trip for the lot instead of one per statement), and waits for all.
   * Returns the index and error of the first statement that failed (inside a transaction block
   * the later ones then fail with 25P02 and change nothing), or undefined. Only for statements
   * inside a transaction block with no transaction control among them. Optional: PGlite has no
   * round trips to save.
   */
  execPipelined?(statements: readonly string[]): Promise<{ index: number; error: unknown } | undefined>
  /**
   * Runs the statements (a handful of sqlmig's own, no COPY) as one simple-query message: one
   * round trip and one reply. Returns the rows of each statement that returns rows (its
   * SELECTs), in order, or the index and error of the statement that failed (the server runs
   * none after it). Optional: only where the failing statement can be known (a server session
   * whose replies sqlmig reads, see wire-tap.ts). The message is queued when the call returns: a
   * second call may be made before the first one's reply came (the server answers them in
   * order), provided nothing else is sent on the session in between (read-ahead, run-plan.ts).
   */
  execSequence?(statements: readonly string[]): Promise<{ rows: unknown[][] } | { failed: { index: number; error: unknown } }>
  /**
   * Asks the server to cancel the statement running on this session, if any (a CancelRequest
   * on a fresh connection, as psql's Ctrl-C). PGlite cannot be interrupted mid-statement: a
   * no-op there, the runner stops after the current statement.
   */
  cancel(): Promise<void>
  /** Closes the session (and, for PGlite, the embedded database). Safe to call twice. */
  close(): Promise<void>
}

/** Runs one statement of a file; a COPY FROM STDIN gets the rows that followed it (`copyData`, from the splitter). */
export async function runStatement(db: Database, statement: { text: string; copyData?: string | undefined }): Promise<void> {
  if (statement.copyData !== undefined) await db.copyFrom(statement.text, statement.copyData)
  else await db.exec(statement.text)
}

/** What exec() throws for a COPY FROM STDIN: without its data the server (or PGlite) would wait for ever. */
export function copyWithoutData(): UsageError {
  return new UsageError('COPY ... FROM STDIN needs its rows, and none were given', {
    hint: 'In a migration file, put the rows on the lines after the statement and end them with a line holding only \\. (as pg_dump writes them)',
  })
}

/** Reads the server fields off whatever a driver threw; undefined if it is not a server error. */
export function serverErrorFields(error: unknown): ServerErrorFields | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as Record<string, unknown>
  const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined
  if (!code) return undefined
  const pos = e.position === undefined || e.position === null ? undefined : Number(e.position)
  return {
    sqlState: code,
    message: String(e.message ?? ''),
    position: pos !== undefined && Number.isFinite(pos) && pos > 0 ? pos : undefined,
    detail: typeof e.detail === 'string' && e.detail !== '' ? e.detail : undefined,
    hint: typeof e.hint === 'string' && e.hint !== '' ? e.hint : undefined,
  }
}
