/**
 * The header of a migration file: the leading block of `-- key: value` comment lines.
 * Parsing stops at the first line that is not such a comment, and at one whose key is no header
 * key (`-- NOTE: keep in sync`, `-- reverse: drop table x`): from there on it is a comment like
 * any other. A key that is a typo of a real one (`-- transation: false`, `-- down_revison: ...`)
 * is an error naming file and line, not a silently ignored setting.
 */
import { closestMatch } from '../did-you-mean.ts'
import { InvalidMigrationError } from '../errors.ts'

/** Keys an up file may carry. */
export const UP_KEYS = ['revision', 'down_revision', 'message', 'created', 'transaction', 'lock_timeout', 'statement_timeout'] as const
/** Keys a down file may carry. */
export const DOWN_KEYS = ['revision', 'transaction', 'lock_timeout', 'statement_timeout', 'irreversible', 'down'] as const

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

/** One header line, matched in place (sticky) so that no line is sliced out: this runs for every file at every start. */
const ENTRY = /--[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]?([^\r\n\u2028\u2029]*?)[ \t]*(?:\r?\n|\r?$)/y

/** Reads the header block of a file. Never throws: validation is `checkHeader`'s job. */
export function parseHeader(text: string): Header {
  const entries: HeaderEntry[] = []
  ENTRY.lastIndex = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (;;) {
    const at = ENTRY.lastIndex
    const m = ENTRY.exec(text)
    if (!m || ENTRY.lastIndex === at) break
    entries.push({ key: m[1]!.toLowerCase(), value: m[2]!, line: entries.length + 1 })
  }
  return { entries, lineCount: entries.length }
}

const ALL_KEYS: readonly string[] = [...new Set<string>([...UP_KEYS, ...DOWN_KEYS])]

/**
 * The header's entries as a map. The header ends at the first key that is neither a header key
 * nor a typo of one (that line and the ones after it are plain comments).
 * @throws InvalidMigrationError a key of the other kind of file, a typo of a key ("did you mean"), a repeated key
 */
export function checkHeader(header: Header, file: string, allowed: readonly string[]): Map<string, HeaderEntry> {
  const map = new Map<string, HeaderEntry>()
  for (const entry of header.entries) {
    if (!allowed.includes(entry.key)) {
      const misplaced = ALL_KEYS.includes(entry.key)
      const typo = misplaced ? undefined : closestMatch(entry.key, allowed)
      if (!misplaced && typo === undefined) break
      throw new InvalidMigrationError('UNKNOWN_HEADER_KEY', misplaced
        ? `Header key "${entry.key}" does not belong in ${allowed === DOWN_KEYS ? 'a down' : 'an up'} file`
        : `Unknown header key "${entry.key}": did you mean "${typo}"?`, {
        location: { file, line: entry.line, column: 1 },
        hint: misplaced ? `Move it to the ${allowed === DOWN_KEYS ? 'up' : 'down'} file (keys here: ${allowed.join(', ')})` : `Write "-- ${typo}: ${entry.value}"`,
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
