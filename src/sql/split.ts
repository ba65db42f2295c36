/**
 * Splits a migration file into the statements the server's parser sees.
 *
 * A semicolon ends a statement outside quotes and comments (lexed as psql's
 * src/fe_utils/psqlscan.l and the server's scan.l do), outside parentheses, and outside the
 * BEGIN ATOMIC ... END body of a CREATE FUNCTION or CREATE PROCEDURE (SQL-standard bodies,
 * PostgreSQL 14+). Where psql's heuristic for those bodies and the server's grammar disagree,
 * the server wins (see StatementState). The tests check every split against libpg-query.
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

/** The first words of CREATE [OR REPLACE] {FUNCTION|PROCEDURE}: only there is BEGIN ATOMIC a body. */
const ROUTINE_WORDS = new Set(['create', 'function', 'procedure', 'or', 'replace'])

/**
 * The word lower-cased for comparing with the ASCII keywords below. The server folds A-Z only;
 * toLowerCase() also folds other letters, but the only one it turns into ASCII is the Kelvin
 * sign (to "k"), which none of these keywords has, and it is several times faster than folding
 * A-Z by hand.
 */
function asciiLower(word: string): string {
  return word.toLowerCase()
}

/**
 * What the server's grammar (gram.y) needs to know between tokens to find the semicolon that
 * ends a statement: the parenthesis depth, and the depth of SQL-standard routine bodies
 * (`BEGIN ATOMIC ... END`, PostgreSQL 14+) with the CASE ... END inside them.
 *
 * psql (psqlscan.l) counts every unquoted BEGIN after CREATE FUNCTION as a body, so
 * `CREATE FUNCTION ... SET search_path = begin AS '...'; SELECT 1;` is one statement to psql
 * and two to the server. sqlmig follows the server: only BEGIN directly followed by ATOMIC
 * (comments aside) opens a body. In gram.y that pair only occurs as opt_routine_body: BEGIN is
 * an unreserved keyword (a name, a SET value, a type), but no rule lets a name be followed by
 * ATOMIC outside parentheses. Inside a body, END closes the innermost CASE or body (END is
 * reserved, and the BEGIN/END transaction statements are not routine_body_stmts), and each
 * statement of the body may itself be a CREATE FUNCTION with a body.
 */
class StatementState {
  parenDepth = 0
  beginDepth = 0
  /** The last token was BEGIN in a CREATE FUNCTION/PROCEDURE, outside parentheses. */
  afterBegin = false
  private wordCount = 0
  private readonly firstLetters: string[] = ['', '', '', '']

  /** An unquoted word (`text` is '' for words too long to matter). */
  word(text: string): void {
    const word = asciiLower(text)
    if (this.wordCount < 4) this.firstLetters[this.wordCount] = ROUTINE_WORDS.has(word) ? word.charAt(0) : ''
    this.wordCount++
    const afterBegin = this.afterBegin
    this.afterBegin = false
    if (this.parenDepth > 0) return
    if (afterBegin && word === 'atomic') {
      this.beginDepth++
      // The body's first statement starts here: it may be a CREATE FUNCTION of its own.
      this.wordCount = 0
    } else if (word === 'begin') this.afterBegin = this.isCreateRoutine()
    else if (this.beginDepth > 0) {
      // CASE also ends with END; only inside a body does END count.
      if (word === 'case') this.beginDepth++
      else if (word === 'end') this.beginDepth--
    }
  }

  /** "(" and ")": a ")" without its "(" leaves the depth at 0. */
  paren(open: boolean): void {
    this.afterBegin = false
    if (open) this.parenDepth++
    else if (this.parenDepth > 0) this.parenDepth--
  }

  /** ";": ends the statement only outside parentheses and bodies; inside a body, one of its statements. */
  endsStatement(): boolean {
    this.afterBegin = false
    if (this.parenDepth > 0) return false
    this.wordCount = 0
    return this.beginDepth === 0
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
      else state.afterBegin = false
    } else if (kind === 'word') {
      // Only words of up to 9 letters ("procedure") can matter; skip slicing longer ones.
      state.word(scanner.end - scanner.start > 9 ? '' : sql.slice(scanner.start, scanner.end))
    } else state.afterBegin = false
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
