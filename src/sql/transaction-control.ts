/**
 * Statements that control the transaction itself (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...).
 * In a file that runs inside sqlmig's transaction, one of these at the top level ends that
 * transaction (committing the run so far behind the version table's back) or opens a nested
 * block the runner does not know about. Histories written for tools that wrap nothing
 * (golang-migrate, plain psql scripts) carry them.
 */
import { isIdentStart, Scanner } from './scan.ts'

/** The first words of a statement, lower-cased (comments and spaces between them skipped). */
function firstWords(text: string, count: number): string[] {
  // A statement that does not start with a word is none of these (and its first character is
  // not at a line start in the file, so the scanner must not judge it as if it were).
  if (!isIdentStart(text.charCodeAt(0))) return []
  const scanner = new Scanner(text)
  const words: string[] = []
  while (words.length < count && scanner.next()) {
    if (scanner.kind === 'space' || scanner.kind === 'comment') continue
    if (scanner.kind !== 'word') break
    words.push(text.slice(scanner.start, scanner.end).toLowerCase())
  }
  return words
}

/**
 * The transaction-control command a statement is ("COMMIT", "START TRANSACTION", ...), or
 * undefined. `CREATE FUNCTION ... BEGIN ATOMIC ... END`, `DO $$ BEGIN ... END $$`, `PREPARE
 * name AS ...` and `SET TRANSACTION ...` are not: they leave the transaction open.
 */
export function transactionControl(statement: string): string | undefined {
  const [first, second] = firstWords(statement, 2)
  switch (first) {
    case 'begin':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
    case 'savepoint':
    case 'release':
      return first.toUpperCase()
    case 'start':
      return second === 'transaction' ? 'START TRANSACTION' : undefined
    case 'prepare':
      return second === 'transaction' ? 'PREPARE TRANSACTION' : undefined
    default:
      return undefined
  }
}
