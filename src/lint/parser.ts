/**
 * PostgreSQL's own parser (libpg-query: the server's raw parser compiled to WASM), loaded on the
 * first call: the only module that imports libpg-query, so no command but `lint` pays its
 * start-up. A file parses to its statements, each with its parse-tree node and its place in the
 * text (UTF-16 offsets, so src/sql/position.ts maps them to line:column).
 */
import { SqlSyntaxError } from '../errors.ts'

/** A parse-tree node as libpg-query's JSON gives it: `{ KindName: { ...fields } }`. */
export type PgNode = Record<string, unknown>

export interface ParsedStatement {
  /** The node's kind ("IndexStmt", "AlterTableStmt"...). */
  kind: string
  /** The node's fields. */
  node: Record<string, unknown>
  /** UTF-16 offset of the statement's first token in the file. */
  start: number
  /** UTF-16 offset just after the statement (before its semicolon). */
  end: number
  /** The statement text. */
  text: string
}

interface RawParse {
  stmts?: { stmt: PgNode; stmt_location?: number; stmt_len?: number }[]
}

interface Parser {
  parseSync: (sql: string) => unknown
}

let loading: Promise<Parser> | undefined

/** Loads libpg-query once (its WASM takes ~30 ms). */
export async function loadParser(): Promise<(sql: string, file?: string) => ParsedStatement[]> {
  loading ??= (async () => {
    const mod = await import('libpg-query')
    await mod.loadModule()
    return { parseSync: mod.parseSync }
  })()
  const parser = await loading
  return (sql, file) => parseWith(parser, sql, file)
}

function parseWith(parser: Parser, sql: string, file: string | undefined): ParsedStatement[] {
  let raw: RawParse
  try {
    raw = parser.parseSync(sql) as RawParse
  } catch (error) {
    const e = error as { message?: string; sqlDetails?: { cursorPosition?: number } }
    const offset = byteOffsetToIndex(sql, e.sqlDetails?.cursorPosition ?? 0)
    throw new SqlSyntaxError('SQL_PARSE_ERROR', `Cannot parse the SQL: ${e.message ?? String(error)}`, offset, {
      ...(file ? { location: { file } } : {}),
      hint: 'Fix the statement: it does not parse as PostgreSQL SQL',
      cause: error,
    })
  }
  const index = utf16Index(sql)
  return (raw.stmts ?? []).map((s) => {
    const kind = Object.keys(s.stmt)[0]!
    const from = index(s.stmt_location ?? 0)
    const end = s.stmt_len ? index((s.stmt_location ?? 0) + s.stmt_len) : sql.length
    const start = firstToken(sql, from, end)
    return { kind, node: s.stmt[kind] as Record<string, unknown>, start, end, text: sql.slice(start, end).trimEnd() }
  })
}

/** Past the spaces and comments before a statement's first token. */
function firstToken(sql: string, from: number, end: number): number {
  let i = from
  while (i < end) {
    if (/\s/.test(sql.charAt(i))) i++
    else if (sql.startsWith('--', i)) {
      while (i < end && sql[i] !== '\n' && sql[i] !== '\r') i++
    } else if (sql.startsWith('/*', i)) {
      let depth = 0
      do {
        if (sql.startsWith('/*', i)) {
          depth++
          i += 2
        } else if (sql.startsWith('*/', i)) {
          depth--
          i += 2
        } else i++
      } while (depth > 0 && i < end)
    } else break
  }
  return i
}

/** A map from UTF-8 byte offsets (libpg-query's) to UTF-16 indexes, linear over increasing offsets. */
function utf16Index(sql: string): (byte: number) => number {
  let i = 0
  let bytes = 0
  return (byte: number) => {
    if (byte < bytes) {
      i = 0
      bytes = 0
    }
    while (bytes < byte && i < sql.length) {
      const c = sql.codePointAt(i)!
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
      i += c > 0xffff ? 2 : 1
    }
    return i
  }
}

function byteOffsetToIndex(sql: string, byte: number): number {
  return utf16Index(sql)(Math.max(0, byte - 1))
}
