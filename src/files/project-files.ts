/**
 * The project's files outside the script directory: sqlmig.json, .gitignore, the declared
 * schema, backups. With file-source.ts, the only modules outside src/db/ that touch node:fs, so
 * commands and config stay plain functions over data.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
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
