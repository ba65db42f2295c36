/**
 * Executes one migration file statement by statement through the simple query protocol and
 * turns a server error into a MigrationFailedError that points at file:line:column with a caret
 * under PostgreSQL's error position.
 */
import { type Database, serverErrorFields } from '../db/database.ts'
import { MigrationFailedError, SqlmigError } from '../errors.ts'
import type { ScriptFile } from '../files/script.ts'
import { caretExcerpt, lineColumnAt, offsetOfServerPosition } from '../sql/position.ts'
import { type SplitStatement, splitStatementsWithOffsets } from '../sql/split.ts'

/** Statements of a file; splitting errors carry the file's location. */
export function statementsOf(file: ScriptFile): SplitStatement[] {
  return splitStatementsWithOffsets(file.text, file.path)
}

export interface ExecuteOptions {
  revision: string
  /** What the error message says was undone ("All changes of this run were rolled back"...). */
  rolledBackNote: string
  /** For transaction: false files: list what ran and what did not when one fails. */
  listProgress: boolean
}

/** Runs every statement of `file`; throws MigrationFailedError on the first failure. */
export async function executeFile(db: Database, file: ScriptFile, statements: SplitStatement[], options: ExecuteOptions): Promise<void> {
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i]!
    try {
      await db.exec(statement.text)
    } catch (error) {
      throw failure(file, statements, i, error, options)
    }
  }
}

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
    hint: fields?.hint,
    sqlState: fields?.sqlState,
    cause: error,
  })
}
