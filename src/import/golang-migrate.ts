/**
 * golang-migrate: `<version>_<title>.up.sql` and `<version>_<title>.down.sql`, ordered by the
 * numeric version (a uint it records in schema_migrations). Each file is one migration body.
 * Its postgres driver sends a file as one multi-statement query, which PostgreSQL runs as one
 * implicit transaction: a file without transaction control is atomic, as in sqlmig.
 */
import type { SourceFolder } from '../files/source-folder.ts'
import { compareDigits, createdOf, messageOf, section, type SourceHistory, type SourceMigration } from './source-history.ts'

/** golang-migrate's source.Regex: files it cannot parse are ignored. */
const NAME = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/

export function readGolangMigrate(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [] }
  const byVersion = new Map<string, { digits: string; title: string; up?: string; down?: string }>()
  for (const name of folder.files) {
    const m = NAME.exec(name)
    if (!m || m[4] !== 'sql') {
      out.skipped.push(name)
      continue
    }
    const [, digits, title, direction] = m as unknown as [string, string, string, 'up' | 'down']
    const version = BigInt(digits).toString()
    const entry = byVersion.get(version) ?? { digits, title }
    if (entry[direction] !== undefined) {
      out.spots.push({ file: folder.path(name), line: 1, message: `a second ${direction} file for version ${version} (the first is ${entry[direction]}); golang-migrate refuses duplicates too` })
      continue
    }
    entry[direction] = name
    if (direction === 'up') entry.title = title
    byVersion.set(version, entry)
  }
  for (const [version, entry] of [...byVersion].sort((a, b) => compareDigits(a[0], b[0]))) {
    if (entry.up === undefined) {
      out.spots.push({ file: folder.path(entry.down!), line: 1, message: `a down file without an up file for version ${version}` })
      continue
    }
    const upText = folder.read(entry.up)
    const migration: SourceMigration = {
      version,
      label: entry.up,
      prefix: entry.digits,
      message: messageOf(entry.title) || entry.up,
      created: createdOf(entry.digits),
      up: section(folder.path(entry.up), upText, 0, upText.length),
      down: undefined,
    }
    if (entry.down !== undefined) {
      const downText = folder.read(entry.down)
      migration.down = section(folder.path(entry.down), downText, 0, downText.length)
    }
    out.migrations.push(migration)
  }
  return out
}
