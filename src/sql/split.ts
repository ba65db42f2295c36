/**
 * Splits a migration file into the statements psql would send one by one.
 *
 * A semicolon ends a statement where psql's lexer (src/fe_utils/psqlscan.l) says it does:
 * outside quotes and comments, outside parentheses, and outside the BEGIN ATOMIC ... END body
 * of a CREATE FUNCTION or CREATE PROCEDURE (SQL-standard bodies, PostgreSQL 14+). The server's
 * own parser agrees on every valid file; the tests check that against libpg-query.
 */
import { inlineCopyData, isCopyFromStdin } from './copy-data.ts'
import { positionCursor } from './position.ts'
import { Scanner, sqlSyntaxError } from './scan.ts'

/** One SQL statement of a file. */
export interface Statement {
  /**
   * The statement from its first token to its last, without the semicolon that ends it.
   * Comments before the first token and after the last are left out; comments in between
   * stay. Line breaks are kept as written (CRLF stays CRLF).
   */
  text: string
  /** The 1-based line where `text` starts. */
  line: number
  /** The 1-based column (in characters) where `text` starts. */
  column: number
  /**
   * For `COPY ... FROM STDIN`: the rows that follow it in the file, up to the `\.` line (what
   * psql would send as the COPY data), each with its line ending. Absent for other statements.
   */
  copyData?: string
}

/** A statement with the offsets of `text` in the input: input.slice(start, end) === text. */
export interface SplitStatement extends Statement {
  start: number
  end: number
}

/** UTF-8 byte order mark: editors on Windows write it; it is not SQL, so it is skipped. */
const BOM = 0xfeff

/**
 * psqlscan.l tracks whether a statement starts with CREATE [OR REPLACE] {FUNCTION|PROCEDURE}
 * by the first letters of its first four words: only then do BEGIN, CASE and END count.
 */
const ROUTINE_WORDS = new Set(['create', 'function', 'procedure', 'or', 'replace'])

/** Lower-cases A-Z only, as pg_strcasecmp compares. */
function asciiLower(word: string): string {
  return word.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) | 0x20))
}

/** The statement-level state psqlscan.l keeps between tokens. */
class StatementState {
  parenDepth = 0
  beginDepth = 0
  private wordCount = 0
  private readonly firstLetters: string[] = ['', '', '', '']

  /** psqlscan.l {identifier}: counts words, and BEGIN/CASE/END in a routine's body. */
  word(text: string): void {
    const word = asciiLower(text)
    if (this.wordCount < 4) this.firstLetters[this.wordCount] = ROUTINE_WORDS.has(word) ? word.charAt(0) : ''
    this.wordCount++
    if (this.parenDepth > 0 || !this.isCreateRoutine()) return
    if (word === 'begin') this.beginDepth++
    // CASE also ends with END; it only matters inside a BEGIN.
    else if (word === 'case' && this.beginDepth >= 1) this.beginDepth++
    else if (word === 'end' && this.beginDepth > 0) this.beginDepth--
  }

  /** psqlscan.l "(" and ")": a ")" without its "(" leaves the depth at 0. */
  paren(open: boolean): void {
    if (open) this.parenDepth++
    else if (this.parenDepth > 0) this.parenDepth--
  }

  /** psqlscan.l ";": ends the statement only at depth 0, then the word count starts over. */
  endsStatement(): boolean {
    if (this.parenDepth > 0 || this.beginDepth > 0) return false
    this.wordCount = 0
    return true
  }

  private isCreateRoutine(): boolean {
    const [a, b, c, d] = this.firstLetters
    return a === 'c' && (b === 'f' || b === 'p' || (b === 'o' && c === 'r' && (d === 'f' || d === 'p')))
  }
}

/**
 * Splits SQL text into statements with their offsets, for mapping a server error's position
 * back to file:line:column (see offsetOfServerPosition in position.ts).
 * @param sql the text of a migration file
 * @param file the file's name, used in the errors' location
 * @returns the non-empty statements in order
 * @throws SqlSyntaxError on an unterminated quote, dollar quote, quoted identifier or block
 *   comment, a psql meta-command at the start of a line, or a NUL character
 */
export function splitStatementsWithOffsets(sql: string, file?: string): SplitStatement[] {
  // The server reads a query as a C string and rejects one with a NUL inside.
  const nul = sql.indexOf('\0')
  if (nul >= 0) {
    throw sqlSyntaxError(sql, file, 'NUL_CHARACTER', 'SQL text contains a NUL character', nul,
      'Remove it: PostgreSQL does not accept NUL characters in SQL text')
  }
  const scanner = new Scanner(sql, file)
  if (sql.charCodeAt(0) === BOM) scanner.end = 1
  const at = positionCursor(sql)
  const statements: SplitStatement[] = []
  let state = new StatementState()
  let start = -1
  let end = -1
  const flush = (): void => {
    if (start < 0) return
    const { line, column } = at(start)
    const text = sql.slice(start, end)
    const statement: SplitStatement = { text, line, column, start, end }
    if (isCopyFromStdin(text)) {
      // Its rows follow, up to "\.": they are data, not SQL.
      const { data, resume } = inlineCopyData(sql, scanner.end)
      statement.copyData = data
      scanner.skipTo(resume)
    }
    statements.push(statement)
    start = -1
  }
  while (scanner.next()) {
    const kind = scanner.kind
    if (kind === 'space' || kind === 'comment') continue
    if (kind === 'other') {
      const ch = sql.charCodeAt(scanner.start)
      if (ch === 59 /* ; */ && state.endsStatement()) {
        flush()
        state = new StatementState()
        continue
      }
      if (ch === 40 /* ( */ || ch === 41 /* ) */) state.paren(ch === 40)
    } else if (kind === 'word') {
      // Only words of up to 9 letters ("procedure") can matter; skip slicing longer ones.
      state.word(scanner.end - scanner.start > 9 ? '' : sql.slice(scanner.start, scanner.end))
    }
    if (start < 0) start = scanner.start
    end = scanner.end
  }
  flush()
  return statements
}

/**
 * Splits SQL text into the statements psql would send one at a time.
 * @param sql the text of a migration file
 * @param file the file's name, used in the errors' location
 * @returns each non-empty statement's text (without its semicolon) and where it starts
 * @throws SqlSyntaxError when the text cannot be split (see splitStatementsWithOffsets)
 * @example
 * splitStatements('create table t (id int);\ninsert into t values (1);')
 * // [{ text: 'create table t (id int)', line: 1, column: 1 },
 * //  { text: 'insert into t values (1)', line: 2, column: 1 }]
 */
export function splitStatements(sql: string, file?: string): Statement[] {
  return splitStatementsWithOffsets(sql, file).map(({ text, line, column, copyData }) => (copyData === undefined ? { text, line, column } : { text, line, column, copyData }))
}
