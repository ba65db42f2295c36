/**
 * Executes one migration file statement by statement through the simple query protocol and
 * turns a server error into a MigrationFailedError that points at file:line:column with a caret
 * under PostgreSQL's error position.
 *
 * Round trips are the cost (DESIGN §8): inside a transaction block, on a server, the statements
 * of a file are pipelined (sent back to back, one simple query each, then all replies read), so
 * a file costs one round trip and the failing statement is still known exactly. Not one
 * multi-statement query: the server does not say which of its statements failed when the error
 * has no position ("relation already exists"), and finding it again would need a savepoint per
 * file, and a subtransaction per migration overflows the 64-entry subxid cache of a long run.
 */
import { setImmediate } from 'node:timers'
import { type Database, serverErrorFields } from '../db/database.ts'
import { MigrationFailedError, type SqlmigError } from '../errors.ts'
import type { ScriptFile } from '../files/script.ts'
import { caretExcerpt, lineColumnAt, offsetOfServerPosition } from '../sql/position.ts'
import { type SplitStatement, splitStatementsWithOffsets } from '../sql/split.ts'

const splitCache = new WeakMap<ScriptFile, SplitStatement[]>()

/** Statements of a file (split once per file object); splitting errors carry the file's location. */
export function statementsOf(file: ScriptFile): SplitStatement[] {
  let statements = splitCache.get(file)
  if (statements === undefined) {
    statements = splitStatementsWithOffsets(file.text, file.path)
    splitCache.set(file, statements)
  }
  return statements
}

/**
 * Statements that end or reopen a transaction or roll back to a savepoint: after an error, a
 * later one would let the statements after it run (outside the run's transaction, or after the
 * failure), so files holding one are never pipelined.
 */
const TRANSACTION_CONTROL = /^(begin|start|commit|end|rollback|abort|savepoint|release|prepare|set\s+(session\s+)?(characteristics|transaction))\b/i

function canPipeline(statements: SplitStatement[]): boolean {
  return statements.length > 1 && !statements.some((s) => TRANSACTION_CONTROL.test(s.text))
}

export interface ExecuteOptions {
  revision: string
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
}

/** Runs every statement of `file`; throws MigrationFailedError on the first failure. */
export async function executeFile(db: Database, file: ScriptFile, statements: SplitStatement[], options: ExecuteOptions): Promise<void> {
  if (options.inTransactionBlock && db.execPipelined && canPipeline(statements)) {
    if (options.signal?.aborted) throw failure(file, statements, 0, options.signal.reason, options)
    const failed = await db.execPipelined(statements.map((s) => s.text))
    if (failed) throw failure(file, statements, failed.index, failed.error, options)
    return
  }
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i]!
    // PGlite settles its promises without returning to the event loop, so a SIGINT handler
    // would only run once the whole file is done: yield once per statement to let it in.
    if (options.signal && db.kind === 'pglite') await new Promise((resolve) => setImmediate(resolve))
    if (options.signal?.aborted) {
      // Interrupted between statements: report statement i as the one that did not start.
      throw failure(file, statements, i, options.signal.reason, options)
    }
    try {
      await db.exec(statement.text)
    } catch (error) {
      throw failure(file, statements, i, error, options)
    }
  }
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
  return new MigrationFailedError(options.revision, `Cannot apply revision "${options.revision}": ${reason}`, {
    location: { file: file.path, line: at.line, column: at.column },
    detail: lines.join('\n'),
    hint: fields?.sqlState === '53200' && options.inTransactionBlock ? LOCK_SLOTS_HINT : fields?.hint,
    sqlState: fields?.sqlState,
    cause: error,
  })
}
