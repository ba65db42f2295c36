/**
 * Writes imported files into versions/, all or nothing: every target is checked first. A file
 * already there with the same text is left as it is (a re-import of the same source writes
 * only what is new); one with other text, or a migration in versions/ that is not part of this
 * import, is a conflict, and then nothing is written.
 */
import { ImportConflict } from '../errors.ts'
import type { FileSource } from '../files/file-source.ts'
import type { ImportedFile } from './imported-files.ts'

export interface WriteOutcome {
  /** Paths written. */
  written: string[]
  /** Paths already there with the same text. */
  unchanged: string[]
}

export function writeImportedFiles(fs: FileSource, folder: string, files: ImportedFile[]): WriteOutcome {
  const existing = fs.list(folder) ?? []
  const targets = new Set(files.map((f) => f.name))
  const conflicts: string[] = []
  for (const name of existing) {
    if ((name.endsWith('.up.sql') || name.endsWith('.down.sql')) && !targets.has(name)) conflicts.push(`${fs.join(folder, name)}: not part of this import`)
  }
  const have = new Set(existing)
  const outcome: WriteOutcome = { written: [], unchanged: [] }
  const pending: ImportedFile[] = []
  for (const f of files) {
    const path = fs.join(folder, f.name)
    if (!have.has(f.name)) pending.push(f)
    else if (fs.read(path) === f.text) outcome.unchanged.push(path)
    else conflicts.push(`${path}: exists with other text (edited since it was imported?)`)
  }
  if (conflicts.length) throw new ImportConflict(`Cannot import into "${folder}": ${conflicts.length} file${conflicts.length === 1 ? '' : 's'} in the way`, conflicts)
  if (pending.length) fs.mkdirp(folder)
  for (const f of pending) {
    const path = fs.join(folder, f.name)
    fs.create(path, f.text)
    outcome.written.push(path)
  }
  return outcome
}
