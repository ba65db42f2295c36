/**
 * goose: `<version>_<name>.sql` (or `.go`), ordered by the numeric version, with `-- +goose Up`,
 * `-- +goose Down`, `StatementBegin`/`StatementEnd` and `NO TRANSACTION` annotations, read as
 * goose's sqlparser reads them (a comment line holding "+goose"; the annotation matched
 * case-insensitively). StatementBegin/End only stop goose's line-based splitter from cutting a
 * function body at its semicolons; sqlmig splits with the server's grammar, so they stay in the
 * body as the comments they are. The up body runs from the file's start to `-- +goose Down`
 * (goose allows only comments and annotations before `-- +goose Up`), the down body from there
 * to the end. Go-coded migrations and `ENVSUB ON` (environment variables substituted into the
 * SQL at run time) cannot be mapped.
 */
import type { SourceFolder } from '../files/source-folder.ts'
import { compareDigits, createdOf, messageOf, section, type SourceHistory, type SourceMigration } from './source-history.ts'

const ANNOTATIONS = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'NO TRANSACTION', 'ENVSUB ON', 'ENVSUB OFF'] as const
type Annotation = (typeof ANNOTATIONS)[number]

const FILE = /^(\d+)_(.*)\.(sql|go)$/

export function readGoose(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [] }
  const found: { version: string; name: string; m: RegExpExecArray }[] = []
  for (const name of folder.files) {
    const m = FILE.exec(name)
    if (!m || name.includes('/') || name.endsWith('_test.go') || BigInt(m[1]!) < 1n) {
      out.skipped.push(name)
      continue
    }
    if (m[3] === 'go') {
      const text = folder.read(name)
      const at = text.split('\n').findIndex((l) => /goose\.Add/.test(l))
      out.spots.push({ file: folder.path(name), line: at < 0 ? 1 : at + 1, message: 'a Go-coded goose migration: sqlmig runs SQL files only (write its effect as SQL in a .sql migration)' })
      continue
    }
    found.push({ version: BigInt(m[1]!).toString(), name, m })
  }
  found.sort((a, b) => compareDigits(a.version, b.version))
  for (let i = 0; i < found.length; i++) {
    const { version, name, m } = found[i]!
    if (i > 0 && found[i - 1]!.version === version) {
      out.spots.push({ file: folder.path(name), line: 1, message: `version ${version} is also ${found[i - 1]!.name} (goose refuses duplicates too)` })
      continue
    }
    const migration = parseGooseFile(folder.path(name), folder.read(name), out)
    if (migration) out.migrations.push({ ...migration, version, label: name, prefix: m[1]!, message: messageOf(m[2]!) || name, created: createdOf(m[1]!) })
  }
  return out
}

function parseGooseFile(path: string, text: string, out: SourceHistory): Pick<SourceMigration, 'up' | 'down'> | undefined {
  const before = out.spots.length
  const spot = (line: number, message: string) => out.spots.push({ file: path, line, message })
  let up: number | undefined, down: number | undefined, noTransaction: string | undefined
  let inStatement = false
  let offset = 0
  let lineNo = 0
  for (const raw of text.split('\n')) {
    lineNo++
    const start = offset
    offset += raw.length + 1
    const line = raw.replace(/\r$/, '')
    const trimmed = line.trim()
    if (trimmed.startsWith('--') && line.includes('+goose')) {
      const annotation = annotationOf(line)
      if (annotation === undefined) {
        spot(lineNo, `"${trimmed}" is not a goose annotation goose accepts (it would refuse the file)`)
        continue
      }
      if (annotation === 'Up') {
        if (up !== undefined) spot(lineNo, 'a second "-- +goose Up"')
        else up = start
      } else if (annotation === 'Down') {
        if (up === undefined) spot(lineNo, '"-- +goose Down" before "-- +goose Up"')
        else if (down !== undefined) spot(lineNo, 'a second "-- +goose Down"')
        else down = start
      } else if (annotation === 'StatementBegin') inStatement = true
      else if (annotation === 'StatementEnd') inStatement = false
      else if (annotation === 'NO TRANSACTION') noTransaction = line
      else if (annotation === 'ENVSUB ON') spot(lineNo, '"-- +goose ENVSUB ON": goose substitutes environment variables into the SQL when it runs; sqlmig runs the file as written (write the values into the SQL)')
      continue
    }
    if (up === undefined && trimmed !== '' && !trimmed.startsWith('--')) spot(lineNo, 'SQL before "-- +goose Up" (goose refuses it too)')
  }
  if (inStatement) spot(lineNo, '"-- +goose StatementBegin" without "-- +goose StatementEnd" (goose refuses it too)')
  if (up === undefined) {
    if (out.spots.length === before) spot(1, 'no "-- +goose Up" annotation (goose requires one)')
    return undefined
  }
  if (out.spots.length !== before) return undefined
  const tx = noTransaction === undefined
  const end = down ?? text.length
  return {
    up: section(path, text, 0, end, tx, noTransaction),
    down: down === undefined ? undefined : section(path, text, down, text.length, tx, noTransaction),
  }
}

/** goose's extractAnnotation: "--" removed everywhere, then the first "+goose", the rest matched case-insensitively. */
function annotationOf(line: string): Annotation | undefined {
  if (/^[ \t]/.test(line)) return undefined
  const cmd = line.replaceAll('--', '').replace('+goose', '')
  if (cmd.includes('+goose')) return undefined
  const word = cmd.trim().toLowerCase()
  return ANNOTATIONS.find((a) => a.toLowerCase() === word)
}
