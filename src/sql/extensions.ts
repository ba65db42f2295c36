/**
 * The extensions SQL text creates: the names in `CREATE EXTENSION [IF NOT EXISTS] name`
 * (unquoted names lowercased, "quoted" ones as written), in order of first appearance. What the
 * embedded database must load before it runs the text (see src/db/pglite-extensions.ts).
 */
import { isKeyword, isName, statementWords } from './sql-words.ts'

export function createdExtensions(sql: string): string[] {
  // Most files create none: skip the scan.
  if (!/extension/i.test(sql)) return []
  const out = new Set<string>()
  for (const w of statementWords(sql)) {
    for (let i = 0; i + 1 < w.length; i++) {
      if (!isKeyword(w[i], 'create') || !isKeyword(w[i + 1], 'extension')) continue
      let j = i + 2
      if (isKeyword(w[j], 'if') && isKeyword(w[j + 1], 'not') && isKeyword(w[j + 2], 'exists')) j += 3
      const name = w[j]
      if (isName(name)) out.add(name.value)
    }
  }
  return [...out]
}
