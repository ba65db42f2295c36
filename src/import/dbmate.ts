/**
 * dbmate: `<version>_<name>.sql` with a `-- migrate:up` and a `-- migrate:down` section, in
 * file-name order; `transaction:false` after a directive runs that section outside a
 * transaction. The markers are found with dbmate's own expressions (pkg/dbmate/migration.go).
 * The up body is the file from its start to `-- migrate:down` (dbmate allows only comments
 * before `-- migrate:up`), the down body the rest: the two bodies together are the file.
 */
import type { SourceFolder } from '../files/source-folder.ts'
import { createdOf, firstSqlLine, messageOf, section, type SourceHistory } from './source-history.ts'

const FILE = /^(\d+)(.*)\.sql$/
const UP = /^--\s*migrate:up(\s*$|\s+\S+)/m
const DOWN = /^--\s*migrate:down(\s*$|\s+\S+)$/m

/** dbmate's parseMigrationOptions: `key:value` words on the directive's line; transaction unless exactly "false". */
function transactionOf(text: string, start: number): { transaction: boolean; marker: string } {
  const line = text.slice(start).split('\n', 1)[0]!.replace(/\r$/, '')
  const options = new Map<string, string>()
  for (const word of line.trim().split(/\s+/)) {
    const pair = word.split(':')
    if (pair.length === 2) options.set(pair[0]!, pair[1]!)
  }
  return { transaction: options.get('transaction') !== 'false', marker: line }
}

export function readDbmate(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [] }
  const seen = new Map<string, string>()
  for (const name of folder.files) {
    const m = FILE.exec(name)
    if (!m || name.includes('/')) {
      out.skipped.push(name)
      continue
    }
    const path = folder.path(name)
    const version = m[1]!
    if (seen.has(version)) {
      out.spots.push({ file: path, line: 1, message: `version ${version} is also ${seen.get(version)}` })
      continue
    }
    seen.set(version, name)
    const text = folder.read(name)
    const up = UP.exec(text)?.index
    const down = DOWN.exec(text)?.index
    if (up === undefined || down === undefined || up > down) {
      const message = up === undefined ? 'no "-- migrate:up" line (dbmate requires one)' : down === undefined ? 'no "-- migrate:down" line (dbmate requires one)' : '"-- migrate:down" comes before "-- migrate:up" (dbmate refuses it too)'
      out.spots.push({ file: path, line: 1, message })
      continue
    }
    const before = firstSqlLine(text.slice(0, up))
    if (before !== undefined) {
      out.spots.push({ file: path, line: before, message: 'SQL before "-- migrate:up" (dbmate refuses it too)' })
      continue
    }
    const upOptions = transactionOf(text, up)
    const downOptions = transactionOf(text, down)
    out.migrations.push({
      version,
      label: name,
      prefix: version,
      message: messageOf(m[2]!) || name,
      created: createdOf(version),
      up: section(path, text, 0, down, upOptions.transaction, upOptions.transaction ? undefined : upOptions.marker),
      down: section(path, text, down, text.length, downOptions.transaction, downOptions.transaction ? undefined : downOptions.marker),
    })
  }
  return out
}
