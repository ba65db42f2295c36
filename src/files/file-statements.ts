/**
 * A migration file's statements, and the checks that need them: a file that runs inside
 * sqlmig's transaction may neither control that transaction (BEGIN, COMMIT...) nor hold a
 * statement PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY,
 * VACUUM...). Both are found when the script directory is read, before anything connects or
 * runs, and named by file:line:column (exit 5), instead of failing halfway through a run or,
 * for a down file, only on the day of the downgrade.
 */
import { InvalidMigrationError, SqlmigError, SqlSyntaxError } from '../errors.ts'
import { newOutsideTransactionContext, outsideTransactionCommand } from '../sql/outside-transaction.ts'
import { caretExcerpt } from '../sql/position.ts'
import { type SplitStatement, splitStatementsWithOffsets } from '../sql/split.ts'
import { transactionControl } from '../sql/transaction-control.ts'
import type { Script, ScriptFile } from './script.ts'

const cache = new WeakMap<ScriptFile, SplitStatement[]>()

/**
 * Statements of a file (split once per file object); splitting errors carry the file's location.
 * Every command that runs, prints or rehearses a file gets its statements here.
 * @throws SqlSyntaxError when the file cannot be split
 * @throws InvalidMigrationError (exit 5) at the first transaction control or
 *   transaction-refusing statement of a file that runs in a transaction
 */
export function fileStatements(file: ScriptFile, twin?: ScriptFile): SplitStatement[] {
  let statements = cache.get(file)
  if (statements === undefined) {
    statements = splitStatementsWithOffsets(file.text, file.path)
    if (file.transaction) refuseInTransaction(file, statements, twin)
    cache.set(file, statements)
  }
  return statements
}

/**
 * A file needs the split at load time only if it may hold a refused statement; most files
 * cannot, and skip it (DESIGN: start-up reads headers, not SQL). These tests are a gate, not the
 * check, which reads the lexer's tokens (a word in a comment, string or body passes the gate
 * and is then found to be no statement). Each is a necessary condition: a keyword token has no
 * identifier character on either side (\b holds; the identifier characters \b does not know, $
 * and non-ASCII, only open the gate more often), and a statement's first token follows the
 * start of the text, a ";", a line break (spaces and `--` comments end in one) or a "*\/",
 * with spaces in between.
 */
const MAY_MATTER = /\b(?:vacuum|cluster|reindex|discard|system|database|tablespace|subscription|concurrently|begin|start|commit|end|rollback|abort|savepoint|release|prepare)\b/gi

/** The transaction-control words are common inside bodies and CASE ... END: those count only where a statement may start. */
const CONTROL_WORDS = new Set(['begin', 'start', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release', 'prepare'])

function mayRefuse(text: string): boolean {
  MAY_MATTER.lastIndex = 0
  for (let m = MAY_MATTER.exec(text); m !== null; m = MAY_MATTER.exec(text)) {
    if (!CONTROL_WORDS.has(m[0].toLowerCase())) return true
    let i = m.index - 1
    while (i >= 0 && /\s/.test(text.charAt(i))) i--
    const c = text.charAt(i)
    if (i < 0 || c === ';' || (c === '/' && text.charAt(i - 1) === '*')) return true
    // A line break is found in the spaces skipped above when there is one.
    if (/[\n\r]/.test(text.slice(i + 1, m.index))) return true
  }
  return false
}

/**
 * The load-time check of every script: each file that runs in a transaction and names one of
 * the words above is split and checked (and its statements kept for the run).
 * @param toCheck which files to check (default all): those of the file index passed when read
 * @returns one InvalidMigrationError per refused file
 */
export function transactionProblems(scripts: Iterable<Script>, toCheck?: (file: ScriptFile) => boolean): SqlmigError[] {
  const problems: SqlmigError[] = []
  // Up, then down, of each script (no pair arrays: this runs for every file at every start).
  for (const script of scripts) {
    if (!toCheck || toCheck(script.up)) checkAtLoad(script.up, script.down, problems)
    if (!toCheck || toCheck(script.down)) checkAtLoad(script.down, script.up, problems)
  }
  return problems
}

function checkAtLoad(file: ScriptFile, twin: ScriptFile, problems: SqlmigError[]): void {
  if (!file.transaction || cache.has(file) || !mayRefuse(file.text)) return
  try {
    fileStatements(file, twin)
  } catch (error) {
    // A file that cannot be split is reported where its statements are needed, as before.
    if (error instanceof SqlSyntaxError) return
    if (!(error instanceof SqlmigError)) throw error
    problems.push(error)
  }
}

function refuseInTransaction(file: ScriptFile, statements: SplitStatement[], twin: ScriptFile | undefined): void {
  const context = newOutsideTransactionContext()
  for (const s of statements) {
    const control = transactionControl(s.text)
    if (control !== undefined) {
      throw new InvalidMigrationError('TRANSACTION_CONTROL', `${control} in a migration that runs inside sqlmig's transaction`, {
        location: { file: file.path, line: s.line, column: s.column },
        detail: `${caretExcerpt(file.text, s.start)}\nsqlmig runs each migration in its transaction (all pending ones in one, by default); ${control} here would end or split it, committing work the version table does not record`,
        hint: 'Remove the BEGIN/COMMIT lines (sqlmig wraps the file in a transaction), or mark the file "-- transaction: false" to run it outside one, as written',
      })
    }
    const command = outsideTransactionCommand(s.text, context)
    if (command === undefined) continue
    // The production accident: the up is "transaction: false" for its CREATE INDEX CONCURRENTLY,
    // the down's DROP INDEX CONCURRENTLY is not, and fails only on the day of the downgrade.
    const role = /\.down\.sql$/i.test(file.path) ? 'down' : 'up'
    const other = role === 'down' ? 'up' : 'down'
    const unlike = twin !== undefined && !twin.transaction
    throw new InvalidMigrationError('NOT_IN_TRANSACTION', unlike
      ? `${command} cannot run inside a transaction block, and this ${role} file runs inside sqlmig's transaction (its ${other} file is "transaction: false")`
      : `${command} cannot run inside a transaction block, and this migration runs inside sqlmig's transaction`, {
      location: { file: file.path, line: s.line, column: s.column },
      detail: `${caretExcerpt(file.text, s.start)}\nPostgreSQL refuses it there (SQLSTATE 25001)${unlike ? `; ${twin.path} has "-- transaction: false", this file has not${role === 'down' ? ', so the upgrade would run and the downgrade fail here' : ''}` : ''}`,
      hint: `Add "-- transaction: false" to the header of ${file.path}${unlike ? `, as its ${other} file has` : ''} (it then runs alone, outside a transaction, statement by statement)`,
    })
  }
}
