/**
 * node-pg-migrate: every file of the folder but dot-files, ordered by the numeric prefix of its
 * name (17 digits read as a UTC yyyymmddHHMMSSmmm date), then by name; the name without its
 * extension is what it records in pgmigrations. A `.sql` file holds `-- Up Migration` and
 * `-- Down Migration` sections, found with node-pg-migrate's own expression
 * (src/sqlMigration.ts); without the up marker the whole file is the up. JavaScript and
 * TypeScript migrations cannot be mapped.
 */
import type { SourceFolder } from '../files/source-folder.ts'
import { createdOf, firstSqlLine, messageOf, section, type SourceHistory, type SourceMigration } from './source-history.ts'

const marker = (direction: 'up' | 'down') => new RegExp(`^\\s*--[\\s-]*${direction}\\s+migration`, 'im')
const CODE = /\.(js|ts|cjs|mjs|cts|mts)$/

function numericPrefix(name: string): number {
  const prefix = /^\d+/.exec(name)![0]
  const date = prefix.length === 17 ? createdOf(prefix) : undefined
  return date ? date.getTime() : Number(prefix)
}

export function readNodePgMigrate(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [] }
  const files = folder.files.filter((n) => !n.includes('/') && !n.startsWith('.'))
  for (const name of files) {
    if (!/^\d/.test(name)) out.spots.push({ file: folder.path(name), line: 1, message: 'no numeric prefix in the file name (node-pg-migrate refuses it too)' })
    else if (CODE.test(name)) out.spots.push({ file: folder.path(name), line: 1, message: 'a JavaScript/TypeScript node-pg-migrate migration: sqlmig runs SQL files only (write its SQL into a .sql migration; "node-pg-migrate up --dry-run" prints it)' })
  }
  const sql = files.filter((n) => /^\d/.test(n) && n.endsWith('.sql'))
  out.skipped.push(...files.filter((n) => /^\d/.test(n) && !n.endsWith('.sql') && !CODE.test(n)))
  sql.sort((a, b) => numericPrefix(a) - numericPrefix(b) || a.localeCompare(b, undefined, { usage: 'sort', numeric: true, sensitivity: 'variant', ignorePunctuation: true }))
  for (const name of sql) {
    const path = folder.path(name)
    const text = folder.read(name)
    const up = text.search(marker('up'))
    const down = text.search(marker('down'))
    const version = name.slice(0, -'.sql'.length)
    const digits = /^\d+/.exec(name)![0]
    const base: Omit<SourceMigration, 'up' | 'down'> = {
      version,
      label: name,
      prefix: digits,
      message: messageOf(version.slice(digits.length)) || name,
      created: createdOf(digits, true),
    }
    if (up < 0 && down >= 0) {
      out.spots.push({ file: path, line: 1, message: 'a "-- Down Migration" section but no "-- Up Migration": node-pg-migrate runs the whole file, the down section included, as the up (add the up marker)' })
      continue
    }
    const first = up < 0 ? text.length : down < 0 ? up : Math.min(up, down)
    const before = firstSqlLine(text.slice(0, first))
    if (up >= 0 && before !== undefined) {
      out.spots.push({ file: path, line: before, message: 'SQL before the first section marker: node-pg-migrate never runs it (remove it, or move it into a section)' })
      continue
    }
    // The text before the first marker (comments only, checked above) goes with the first section.
    const upEnd = down > up ? down : text.length
    const upStart = down >= 0 && down < up ? up : 0
    const downEnd = up > down ? up : text.length
    out.migrations.push({
      ...base,
      up: section(path, text, upStart, upEnd),
      down: down < 0 ? undefined : section(path, text, up > down ? 0 : down, downEnd),
    })
  }
  return out
}
