/**
 * graphile-migrate: the committed migrations in `<migrationsFolder>/committed/`, named
 * `000001[-slug].sql` (its VALID_FILE_REGEX), in file-name order. Each starts with `--! Key:
 * value` header lines (Previous, Hash, optional Message; parseMigrationText in src/migration.ts)
 * and a blank line; the rest is the body. A body whose first line is `--! no-transaction` runs
 * outside a transaction (src/header.ts). It records `<number>.sql` (the slug dropped) in
 * graphile_migrate.migrations.filename; `current.sql` / `current/` is uncommitted work, skipped.
 * graphile-migrate has no downs.
 */
import type { SourceFolder } from '../files/source-folder.ts'
import { importedRevision, messageOf, section, type SourceHistory } from './source-history.ts'

const NAME = /^committed\/([0-9]+)(-[-_a-zA-Z0-9]*)?\.sql$/
const HEADER = /^--! ([A-Z][a-zA-Z0-9_]*)(?::(.*))?$/
/**
 * What a placeholder looks like (settings.ts requires keys /^:[A-Z][0-9A-Z_]+$/; :DATABASE_NAME
 * and :DATABASE_OWNER are its own): graphile-migrate replaces it anywhere in the text when it
 * runs the file, so the text is not what runs. A `::TYPE` cast is no placeholder.
 */
const PLACEHOLDER = /(?<!:):[A-Z][0-9A-Z_]+\b/g

/**
 * The revision of a graphile-migrate migration from the file name its table records
 * (`000001.sql`): what `import` writes and `adopt` maps to.
 */
export function graphileMigrateRevision(filename: string): string {
  return importedRevision('graphile-migrate', filename.replace(/\.sql$/, ''))
}

export function readGraphileMigrate(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [] }
  const committed = folder.files.filter((n) => NAME.test(n)).sort((a, b) => a.localeCompare(b, 'en'))
  out.skipped.push(...folder.files.filter((n) => n === 'current.sql' || n.startsWith('current/') || (n.startsWith('committed/') && !NAME.test(n))))
  for (const name of committed) {
    const [, digits, slug] = NAME.exec(name) as unknown as [string, string, string | undefined]
    const path = folder.path(name)
    const text = folder.read(name)
    const lines = text.split('\n')
    const headers = new Map<string, string>()
    let offset = 0
    let n = 0
    for (const line of lines) {
      const m = HEADER.exec(line)
      if (!m) break
      headers.set(m[1]!, (m[2] ?? '').trim())
      offset += line.length + 1
      n++
    }
    if (!headers.has('Previous') || !headers.has('Hash')) {
      out.spots.push({ file: path, line: 1, message: 'no "--! Previous:" or "--! Hash:" header: not a committed graphile-migrate migration (graphile-migrate refuses it too)' })
      continue
    }
    if (lines[n] !== '') {
      out.spots.push({ file: path, line: n + 1, message: 'no blank line after the headers (graphile-migrate refuses it too)' })
      continue
    }
    const bodyStart = Math.min(offset + 1, text.length)
    const body = text.slice(bodyStart)
    for (const m of body.matchAll(PLACEHOLDER)) {
      const line = text.slice(0, bodyStart + m.index!).split('\n').length
      out.spots.push({ file: path, line, message: `the placeholder ${m[0]} (or what looks like one): graphile-migrate replaces it when it runs the file (write the value itself)` })
    }
    const noTransaction = /^--!\s*no-transaction\b/.test(body.trimStart().split('\n', 1)[0]!)
    const version = `${digits}.sql`
    const message = headers.get('Message') || messageOf(slug?.slice(1) ?? '') || name.slice('committed/'.length)
    out.migrations.push({
      version,
      label: name,
      prefix: digits,
      message,
      created: undefined,
      up: section(path, text, bodyStart, text.length, !noTransaction, noTransaction ? '--! no-transaction' : undefined),
      down: undefined,
      revision: graphileMigrateRevision(version),
    })
  }
  return out
}
