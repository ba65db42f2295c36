/** Quoting for the SQL sqlmig writes itself: string literals and identifiers. */

/** A PostgreSQL string literal (standard_conforming_strings on). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/** A PostgreSQL quoted identifier: names with quotes, spaces or mixed case just work. */
export function quoteIdent(value: string): string {
  return `"${value.replace(/"/g, '""')}"`
}
