/**
 * Executes one migration file through the simple query protocol and
 * turns a server error into a MigrationFailedError that points at file:line:column with a caret
 * under PostgreSQL's error position.
 *
 * Round trips are the cost (DESIGN §8): inside a transaction block, on a server whose replies
 * sqlmig reads (src/db/wire-tap.ts), a file's statements go as ONE simple-query message
 * (src/db/statement-batches.ts cuts very large files), with the runner's check and, per
 * migration, the version row and the handover behind them; the failing statement is still known
 * exactly (from the error's position, else from the tap's count of statements completed before
 * the error). Without the tap (TLS, several hosts) the statements are pipelined, one simple
 * query each, so the failing one is known without it. A savepoint per file is never needed: a
 * subtransaction per migration would overflow the 64-entry subxid cache of a long run.
 */
import { setImmediate } from 'node:timers'
import { type Database, runStatement, serverErrorFields } from '../db/database.ts'
import { MigrationFailedError, type SqlmigError } from '../errors.ts'
import { fileStatements } from '../files/file-statements.ts'
import type { ScriptFile } from '../files/script.ts'
import { caretExcerpt, lineColumnAt, offsetOfServerPosition } from '../sql/position.ts'
import type { SplitStatement } from '../sql/split.ts'

/**
 * Statements of a file (split once per file object; see fileStatements). A file that runs in
 * sqlmig's transaction may not control the transaction itself (its COMMIT would commit the run
 * so far with no version row, and make a dry run real) nor hold a statement PostgreSQL refuses
 * inside a transaction block; loading the script directory already refused such files, and
 * this refuses them for files made another way (the library).
 * @throws InvalidMigrationError (exit 5) at the first such statement of a transactional file
 */
export function statementsOf(file: ScriptFile): SplitStatement[] {
  return fileStatements(file)
}

/**
 * Statements that end or reopen a transaction or roll back to a savepoint: after an error, a
 * later one would let the statements after it run (outside the run's transaction, or after the
 * failure), so files holding one are never pipelined.
 */
const TRANSACTION_CONTROL = /^(begin|start|commit|end|rollback|abort|savepoint|release|prepare|set\s+(session\s+)?(characteristics|transaction))\b/i

function canPipeline(statements: SplitStatement[]): boolean {
  return !statements.some((s) => s.copyData !== undefined || TRANSACTION_CONTROL.test(s.text))
}

export interface ExecuteOptions {
  revision: string
  /** A down file's failure says "Cannot undo revision"; default up ("Cannot apply revision"). */
  direction?: 'up' | 'down' | undefined
  /** What the error message says was undone ("All changes of this run were rolled back"...). */
  rolledBackNote: string
  /** For transaction: false files: list what ran and what did not when one fails. */
  listProgress: boolean
  /** Stop before the next statement once aborted (the running one is cancelled by the runner). */
  signal?: AbortSignal | undefined
  /**
   * The caller holds a transaction block open around this file, so after a failing statement
   * the server refuses the rest (25P02): the statements may then be pipelined.
   */
  inTransactionBlock?: boolean | undefined
  /**
   * With inTransactionBlock: what is committed if the file turns out to have ended the
   * transaction (the run's earlier steps in it), for the error that then stops the run.
   */
  lostTransactionNote?: string | undefined
  /**
   * Statements to send in the same message right behind the file and the runner's check (the
   * handover to the next transaction, handover.ts), on a session that has execSequence, for a
   * file sent whole. Their part of the reply is returned, their failure indexes counted from
   * the first of them; a file that cannot go that way returns undefined and the tail is unsent.
   */
  tail?: readonly string[] | undefined
  /**
   * SET LOCAL statements (lock_timeout, statement_timeout: schedule.ts) run just before the
   * file, in its message where it goes as one (inTransactionBlock only).
   */
  before?: readonly string[] | undefined
}

/** The reply to a tail (ExecuteOptions.tail): the rows of every SELECT of the message, or the tail's failing statement. */
export type TailReply = { rows: unknown[][] } | { failed: { index: number; error: unknown } }

/**
 * Marks the run's transaction (SET LOCAL: gone when that transaction ends, by its COMMIT or
 * ROLLBACK or by a file's). Sent once after the transaction begins.
 */
export const MARK_TRANSACTION = "set local sqlmig.in_run = 'on'"

/**
 * Marks when a file starts, inside its transaction (a local setting: gone at its end), as epoch
 * seconds: a number's text does not depend on DateStyle or TimeZone, which a migration may set.
 * The version row sent behind the file reads the time since (version-rows.ts, SERVER_MS).
 */
export const STEP_STARTED = "select pg_catalog.set_config('sqlmig.step_started', pg_catalog.date_part('epoch', pg_catalog.clock_timestamp())::text, true)"

/**
 * Fails (22012, division by zero) unless the session is still in the transaction that
 * MARK_TRANSACTION marked: run after each file, in the same round trip as its statements, it is
 * the runner's own check that no statement ended the transaction it is recording in.
 */
const CHECK_TRANSACTION = "select 1 / coalesce((pg_catalog.current_setting('sqlmig.in_run', true) = 'on')::int, 0)"

/** A file's message, sent: `settle` reads the server's reply to it. */
export interface SentFile {
  /**
   * The reply to the tail (undefined without one); reading it twice is fine.
   * @throws MigrationFailedError the file failed (or the `before` statements' error)
   */
  settle(): Promise<TailReply | undefined>
}

/**
 * Sends the file as one message now, without waiting for the reply: the `before` statements,
 * the file, the runner's check and the tail; with the tail, the start mark first (the version
 * row in it reads the time since). With `ahead` (the message goes before the reply to the one
 * before it was read), the runner's check comes first too: the message then changes nothing
 * unless the session is still in the run's transaction, whatever became of the message before
 * (a failed statement aborted it: this one fails with 25P02; a failed COMMIT ended it: the check
 * fails and the server's implicit transaction for the message rolls it back). Undefined when
 * the file cannot go that way (not in a transaction block, COPY or transaction control, a
 * session that cannot say which statement of a message failed).
 */
export function sendStatements(db: Database, file: ScriptFile, statements: SplitStatement[], options: ExecuteOptions & { ahead?: boolean | undefined }): SentFile | undefined {
  if (!options.inTransactionBlock || !db.execSequence || !canPipeline(statements)) return undefined
  if (options.signal?.aborted) throw failure(file, statements, 0, options.signal.reason, options)
  const before = options.before ?? []
  const lead = [...(options.ahead ? [CHECK_TRANSACTION] : []), ...(options.tail ? [STEP_STARTED] : []), ...before]
  const first = lead.length
  const check = first + statements.length
  const pending = db.execSequence([...lead, ...statements.map((s) => s.text), CHECK_TRANSACTION, ...(options.tail ?? [])])
  pending.catch(() => {})
  return {
    async settle() {
      const reply = await pending
      if ('rows' in reply) return options.tail ? reply : undefined
      const at = reply.failed.index
      if (options.ahead && at === 0) throw transactionLost(file, options, reply.failed.error)
      // The start mark failing (it never does) is placed at the file's start.
      if (at < first - before.length) throw failure(file, statements, 0, reply.failed.error, options)
      if (at < first) throw reply.failed.error
      if (at < check) throw failure(file, statements, at - first, reply.failed.error, options)
      if (at === check) throw transactionLost(file, options, reply.failed.error)
      return { failed: { index: at - check - 1, error: reply.failed.error } }
    },
  }
}

/** Runs every statement of `file`; throws MigrationFailedError on the first failure. */
export async function executeFile(db: Database, file: ScriptFile, statements: SplitStatement[], options: ExecuteOptions): Promise<TailReply | undefined> {
  const sent = sendStatements(db, file, statements, options)
  if (sent) return await sent.settle()
  const before = options.before ?? []
  if (options.inTransactionBlock && db.execPipelined && canPipeline(statements)) {
    if (options.signal?.aborted) throw failure(file, statements, 0, options.signal.reason, options)
    const failed = await db.execPipelined([...before, ...statements.map((s) => s.text), CHECK_TRANSACTION])
    if (failed && failed.index < before.length) throw failed.error
    const index = failed ? failed.index - before.length : -1
    if (index === statements.length) throw transactionLost(file, options, failed!.error)
    if (failed) throw failure(file, statements, index, failed.error, options)
    return undefined
  }
  for (const s of before) await db.exec(s)
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i]!
    // PGlite settles its promises without returning to the event loop, so a SIGINT handler
    // would only run once the whole file is done: yield once per statement to let it in.
    if (options.signal && db.kind === 'pglite') await new Promise((resolve) => setImmediate(resolve))
    if (options.signal?.aborted) {
      // On PGlite the signal handler could only run once the statement before ended (WASM
      // holds the event loop while it runs): that one was running when the interrupt came,
      // so the caret points at it (in a transaction it is rolled back with the rest). A
      // transaction: false file reports statement i as the first not run: the one before it committed.
      const running = db.kind === 'pglite' && i > 0 && !options.listProgress ? i - 1 : i
      throw failure(file, statements, running, options.signal.reason, options)
    }
    try {
      await runStatement(db, statement)
    } catch (error) {
      throw failure(file, statements, i, error, options)
    }
  }
  if (options.inTransactionBlock) {
    try {
      await db.exec(CHECK_TRANSACTION)
    } catch (error) {
      throw transactionLost(file, options, error)
    }
  }
  return undefined
}

const cannot = (o: ExecuteOptions) => `Cannot ${o.direction === 'down' ? 'undo' : 'apply'} revision "${o.revision}"`

/** The file ended the run's transaction (a COMMIT or ROLLBACK the load-time check did not see). */
function transactionLost(file: ScriptFile, options: ExecuteOptions, error: unknown): SqlmigError {
  if (serverErrorFields(error)?.sqlState !== '22012') {
    return new MigrationFailedError(options.revision, `${cannot(options)}: ${(error as Error)?.message ?? error}`, { location: { file: file.path }, detail: options.rolledBackNote, cause: error })
  }
  return new MigrationFailedError(options.revision, `${cannot(options)}: it ended sqlmig's transaction (a COMMIT or ROLLBACK ran inside it)`, {
    location: { file: file.path, line: 1, column: 1 },
    detail: [
      `Committed and NOT recorded in the version table: ${options.lostTransactionNote ?? 'nothing before this file'}, and whatever this file did before its COMMIT.`,
      'What ran after that point was committed statement by statement, or rolled back now. Check the database against the version table before running again.',
    ].join('\n'),
    hint: 'Remove the transaction control from the file, or mark it "-- transaction: false"',
    cause: error,
  })
}

/**
 * 53200 inside a run's transaction is nearly always the lock table: one transaction holds a lock
 * on every object each of its migrations touched (~6 per new table), and a default server has
 * room for ~6,400 (max_locks_per_transaction 64 × max_connections 100).
 */
const LOCK_SLOTS_HINT = 'One transaction holds locks on everything its migrations touched, and the server ran out of lock slots: ' +
  'run with --transaction per-migration, or apply in steps (sqlmig upgrade +500), or raise max_locks_per_transaction'

function summary(s: SplitStatement): string {
  const first = s.text.split(/\r?\n/)[0]!.trim()
  return `line ${s.line}: ${first.length > 70 ? `${first.slice(0, 67)}...` : first}`
}

function failure(file: ScriptFile, statements: SplitStatement[], index: number, error: unknown, options: ExecuteOptions): SqlmigError {
  const statement = statements[index]!
  const fields = serverErrorFields(error)
  const offset = fields?.position !== undefined ? offsetOfServerPosition(file.text, statement.start, fields.position) : statement.start
  const at = lineColumnAt(file.text, offset)
  const reason = fields ? `${fields.message} (${fields.sqlState})` : String((error as Error)?.message ?? error)
  const lines = [caretExcerpt(file.text, offset)]
  if (fields?.detail) lines.push(`detail: ${fields.detail}`)
  if (options.listProgress) {
    const ran = statements.slice(0, index)
    const notRun = statements.slice(index + 1)
    lines.push(`Statements that ran and stay applied (${ran.length}):`, ...ran.map((s) => `  ${summary(s)}`))
    lines.push(`Statement that failed: ${summary(statement)}`)
    lines.push(`Statements not run (${notRun.length}):`, ...notRun.map((s) => `  ${summary(s)}`))
  }
  lines.push(options.rolledBackNote)
  return new MigrationFailedError(options.revision, `${cannot(options)}: ${reason}`, {
    location: { file: file.path, line: at.line, column: at.column },
    detail: lines.join('\n'),
    // 55P04: the command layer words the way out (it knows the flags), see hints.ts.
    hint: fields?.sqlState === '53200' && options.inTransactionBlock ? LOCK_SLOTS_HINT : fields?.sqlState === '55P04' ? undefined : fields?.hint,
    sqlState: fields?.sqlState,
    statement: statement.text,
    cause: error,
  })
}
