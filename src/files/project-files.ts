/**
 * The project's files outside the script directory: sqlmig.json, .gitignore, the declared
 * schema, backups. With file-source.ts, the only modules outside src/db/ that touch node:fs, so
 * commands and config stay plain functions over data.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** One SQL file: its path and its text. */
export interface SqlFile {
  path: string
  sql: string
}

/** The text of the file at `path`, or undefined when nothing is there. */
export function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/**
 * The nearest folder, from `start` upward, holding a file named `name` (as git looks for .git).
 * The search stops at the filesystem root and, so as not to cross a repository's boundary, at
 * the first folder holding `.git` (that folder itself is still searched). `start` is absolute.
 */
export function findUpward(start: string, name: string): string | undefined {
  let dir = start
  for (;;) {
    if (existsSync(join(dir, name))) return dir
    if (existsSync(join(dir, '.git'))) return undefined
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * A .sql file, or the .sql files directly inside a folder in name order; undefined when `path`
 * does not exist.
 */
export function readSqlFiles(path: string): SqlFile[] | undefined {
  if (!existsSync(path)) return undefined
  if (!statSync(path).isDirectory()) return [{ path, sql: readFileSync(path, 'utf8') }]
  return readdirSync(path).filter((n) => n.endsWith('.sql')).sort().map((n) => ({ path: join(path, n), sql: readFileSync(join(path, n), 'utf8') }))
}

/** True when `path` is a folder. */
export function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory()
}

/**
 * Writes the declared schema: one file at `path` (`files` of one entry, name ignored), or, for
 * a folder, exactly `files` in it (the .sql files it held before are removed). Returns the paths
 * written, and those removed.
 */
export function writeSqlFiles(path: string, files: { name: string; text: string }[], folder: boolean): { written: string[]; removed: string[] } {
  mkdirSync(folder ? path : dirname(path), { recursive: true })
  if (!folder) {
    writeFileSync(path, files[0]?.text ?? '')
    return { written: [path], removed: [] }
  }
  const keep = new Set(files.map((f) => f.name))
  const removed = readdirSync(path).filter((n) => n.endsWith('.sql') && !keep.has(n)).map((n) => join(path, n))
  for (const r of removed) rmSync(r)
  for (const f of files) writeFileSync(join(path, f.name), f.text)
  return { written: files.map((f) => join(path, f.name)), removed }
}

/** Removes the file at `path` (nothing when it is not there). */
export function removeFile(path: string): void {
  rmSync(path, { force: true })
}

/** Appends `text` to the file at `path`, creating it when missing. */
export function appendText(path: string, text: string): void {
  appendFileSync(path, text)
}

/**
 * Writes `bytes` to `<path>.partial`, then renames it to `path`, so an interrupted write never
 * leaves a truncated file under the final name. Returns the file's size.
 */
export function writeFileAtomically(path: string, bytes: Uint8Array): number {
  writeFileSync(`${path}.partial`, bytes)
  renameSync(`${path}.partial`, path)
  return statSync(path).size
}
