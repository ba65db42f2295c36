/**
 * The words of SQL statements, for scanners that look for a few keyword sequences (the
 * extensions a text creates, the roles it names): unquoted words lowercased, quoted
 * identifiers unquoted, strings and comments dropped, punctuation kept one character a token.
 */
import { Scanner } from './scan.ts'
import { splitStatements } from './split.ts'

/** One token of a statement: `word` (lowercased keyword or identifier), `ident` ("quoted"), `other` (punctuation, strings). */
export interface SqlWord {
  kind: 'word' | 'ident' | 'other'
  value: string
}

/**
 * The statements of `sql` as word lists. Text the splitter refuses (an unterminated quote) gives
 * no statements: loading it reports the problem where it belongs. The body of a `DO $$ ... $$`
 * block is read as statements too (its `CREATE EXTENSION ...; GRANT ...;` run when it does);
 * SQL built in strings for EXECUTE is not.
 */
export function statementWords(sql: string, depth = 0): SqlWord[][] {
  let statements
  try {
    statements = splitStatements(sql)
  } catch {
    return []
  }
  const out: SqlWord[][] = []
  for (const s of statements) {
    const bodies: string[] = []
    out.push(wordsOf(s.text, bodies))
    if (depth < 2) for (const b of bodies) out.push(...statementWords(b, depth + 1))
  }
  return out
}

function wordsOf(text: string, doBodies: string[]): SqlWord[] {
  const out: SqlWord[] = []
  const scanner = new Scanner(text)
  try {
    while (scanner.next()) {
      const t = text.slice(scanner.start, scanner.end)
      if (scanner.kind === 'word') out.push({ kind: 'word', value: t.toLowerCase() })
      else if (scanner.kind === 'quoted' && t.startsWith('"')) out.push({ kind: 'ident', value: t.slice(1, -1).replaceAll('""', '"') })
      else if (scanner.kind === 'quoted') {
        if (t.startsWith('$') && isKeyword(out[0], 'do')) {
          const tag = t.slice(0, t.indexOf('$', 1) + 1)
          doBodies.push(t.slice(tag.length, t.length - tag.length))
        }
        out.push({ kind: 'other', value: "'" })
      }
      else if (scanner.kind === 'other') out.push({ kind: 'other', value: t })
    }
  } catch {
    // Unscannable text: keep what was read.
  }
  return out
}

/** A name token (an unquoted word or a quoted identifier). */
export function isName(w: SqlWord | undefined): w is SqlWord {
  return w !== undefined && (w.kind === 'word' || w.kind === 'ident')
}

/** True when `w` is the unquoted keyword `k`. */
export function isKeyword(w: SqlWord | undefined, k: string): boolean {
  return w !== undefined && w.kind === 'word' && w.value === k
}
