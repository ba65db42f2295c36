/**
 * `COPY ... FROM STDIN` with its data inline, as pg_dump and psql scripts write it: the rows
 * follow the statement, from the line after its semicolon up to a line holding only `\.`
 * (or the end of the text). psql reads them from its input; sqlmig's splitter does the same and
 * hands them to the driver's COPY protocol, so the server never waits for data nobody sends.
 */
import { Scanner } from './scan.ts'

/** True when a statement is `COPY <table> [(columns)] FROM STDIN ...` (it then needs data to run). */
export function isCopyFromStdin(statement: string): boolean {
  // Most statements are not COPY: settle that without a scanner (this runs for every statement).
  if (!/^copy(?![A-Za-z0-9_$\u0080-\uffff])/i.test(statement.slice(0, 5))) return false
  const scanner = new Scanner(statement)
  let depth = 0
  let index = 0
  let previous = ''
  while (scanner.next()) {
    const kind = scanner.kind
    if (kind === 'space' || kind === 'comment') continue
    const text = statement.slice(scanner.start, scanner.end)
    if (index++ === 0 && text.toLowerCase() !== 'copy') return false
    if (kind === 'other' && text === '(') depth++
    else if (kind === 'other' && text === ')') depth--
    else if (kind === 'word' && depth === 0) {
      const word = text.toLowerCase()
      if (previous === 'from' && word === 'stdin') return true
      previous = word
      continue
    }
    previous = ''
  }
  return false
}

/**
 * Where the inline data of a COPY FROM STDIN ends, given the offset just after the statement's
 * semicolon: the data starts on the next line and runs to a line that is exactly `\.`.
 * @returns the data (each row with its line ending) and the offset where the text resumes
 */
export function inlineCopyData(sql: string, afterSemicolon: number): { data: string; resume: number } {
  const lineEnd = sql.indexOf('\n', afterSemicolon)
  if (lineEnd < 0) return { data: '', resume: sql.length }
  const start = lineEnd + 1
  const terminator = /^\\\.\r?$/m
  terminator.lastIndex = 0
  const rest = sql.slice(start)
  const m = terminator.exec(rest)
  if (!m) return { data: rest, resume: sql.length }
  const end = start + m.index
  const afterLine = sql.indexOf('\n', end)
  return { data: sql.slice(start, end), resume: afterLine < 0 ? sql.length : afterLine + 1 }
}
