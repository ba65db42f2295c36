/**
 * The header of a migration file: the leading block of `-- key: value` comment lines.
 * Parsing stops at the first line that is not such a comment. Keys are checked against the
 * known set so that a typo (`-- down_revison: ...`) is an error naming file and line, not a
 * silently ignored comment.
 */
import { InvalidMigrationError } from '../errors.ts'

/** Keys an up file may carry. */
export const UP_KEYS = ['revision', 'down_revision', 'message', 'created', 'transaction', 'lock_timeout', 'statement_timeout'] as const
/** Keys a down file may carry. */
export const DOWN_KEYS = ['revision', 'transaction', 'lock_timeout', 'statement_timeout', 'irreversible'] as const

export interface HeaderEntry {
  key: string
  value: string
  /** 1-based line of the entry. */
  line: number
}

export interface Header {
  entries: HeaderEntry[]
  /** Number of lines the header spans (the SQL body starts after them). */
  lineCount: number
}

const ENTRY = /^--[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]?(.*?)[ \t]*$/

/** Reads the header block of a file. Never throws: validation is `checkHeader`'s job. */
export function parseHeader(text: string): Header {
  const entries: HeaderEntry[] = []
  let index = 0
  let lineNo = 0
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  while (index < body.length) {
    let end = body.indexOf('\n', index)
    if (end === -1) end = body.length
    const raw = body.slice(index, end).replace(/\r$/, '')
    const m = ENTRY.exec(raw)
    if (!m) break
    lineNo += 1
    entries.push({ key: m[1]!.toLowerCase(), value: m[2]!, line: lineNo })
    index = end + 1
  }
  return { entries, lineCount: lineNo }
}

/** Throws for unknown and repeated keys; returns the entries as a map. */
export function checkHeader(header: Header, file: string, allowed: readonly string[]): Map<string, HeaderEntry> {
  const map = new Map<string, HeaderEntry>()
  for (const entry of header.entries) {
    if (!allowed.includes(entry.key)) {
      throw new InvalidMigrationError('UNKNOWN_HEADER_KEY', `Unknown header key "${entry.key}"`, {
        location: { file, line: entry.line, column: 1 },
        hint: `Use one of: ${allowed.join(', ')} (or move the comment below a blank line so it is not part of the header)`,
      })
    }
    if (map.has(entry.key)) {
      throw new InvalidMigrationError('DUPLICATE_HEADER_KEY', `Header key "${entry.key}" is given twice (first on line ${map.get(entry.key)!.line})`, {
        location: { file, line: entry.line, column: 1 },
        hint: 'Keep one of them',
      })
    }
    map.set(entry.key, entry)
  }
  return map
}

/** Renders header lines in a stable order. */
export function formatHeader(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([k, v]) => `-- ${k}: ${v}\n`).join('')
}
