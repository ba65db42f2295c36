/**
 * The tiny I/O interface the script directory reads and writes through, so that everything
 * above it is tested in memory. This and project-files.ts (the files outside the script
 * directory) are the only modules of src/files that touch node:fs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface FileSource {
  /** File names (not paths) directly inside `dir`, or undefined if it does not exist. */
  list(dir: string): string[] | undefined
  read(path: string): string
  /** Creates a new file; fails if it exists. */
  create(path: string, text: string): void
  exists(path: string): boolean
  mkdirp(dir: string): void
  join(...parts: string[]): string
}

/** FileSource on the real file system. */
export const nodeFileSource: FileSource = {
  list(dir) {
    try {
      return readdirSync(dir)
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined
      throw error
    }
  },
  read: (path) => readFileSync(path, 'utf8'),
  create: (path, text) => writeFileSync(path, text, { flag: 'wx' }),
  exists: (path) => existsSync(path),
  mkdirp: (dir) => void mkdirSync(dir, { recursive: true }),
  join: (...parts) => join(...parts),
}
