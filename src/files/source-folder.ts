/**
 * Another tool's migrations folder, read for `sqlmig import`: the file names in it (with their
 * sub-folders for Flyway, which scans its locations recursively) and their text. Nothing is
 * written here; the imported files go through FileSource.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SourceFolder {
  /** The folder as given. */
  dir: string
  /** Relative file names, "/"-separated, sorted by code unit. */
  files: string[]
  /** Path of a file in the folder, for messages. */
  path(name: string): string
  read(name: string): string
}

/**
 * Lists a folder; `recursive` also lists its sub-folders (dot-folders such as .git are left out).
 * @returns undefined when the folder does not exist or is not a folder
 */
export function readSourceFolder(dir: string, recursive = false): SourceFolder | undefined {
  const files: string[] = []
  const walk = (rel: string): boolean => {
    let entries
    try {
      entries = readdirSync(rel === '' ? dir : join(dir, rel), { withFileTypes: true })
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return false
      throw error
    }
    for (const e of entries) {
      const name = rel === '' ? e.name : `${rel}/${e.name}`
      if (e.isDirectory()) {
        if (recursive && !e.name.startsWith('.')) walk(name)
      } else if (e.isFile() || e.isSymbolicLink()) files.push(name)
    }
    return true
  }
  if (!walk('')) return undefined
  files.sort()
  return {
    dir,
    files,
    path: (name) => join(dir, ...name.split('/')),
    read: (name) => readFileSync(join(dir, ...name.split('/')), 'utf8'),
  }
}
